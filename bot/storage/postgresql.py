"""The PostgreSQL implementation of the core's storage ports (`STORAGE__URL=postgresql://...`),
returning the same frozen rows as the SQLite one, over a pool of asyncpg connections.

Any number of bot processes may share the database, so nothing here is cached that another
process could change: a language or zone chosen through one process holds for the next command
in another. Kept in memory are only posted questions (rows no statement changes once written)
and this process's own seen marks for a moment before they are written together.
Multi-statement writes are one statement (data-modifying CTEs) or one transaction on one pooled
connection. Migrations (`migrations/postgresql/NNNN_name.sql`) run at open under an
advisory lock, so processes that start together migrate once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import asyncpg

from bot.core.ports.storage import (
    DAILY_TRACKS,
    Answer,
    BoardRow,
    ChallengeAttempt,
    CooldownTake,
    DailyMessage,
    DailyTarget,
    Held,
    LedgerEntry,
    QuizPost,
    QuizRound,
    RoundPost,
    Score,
    Snippet,
    SolvedRow,
    SrsItem,
    TelegramPoll,
)
from bot.storage._common import SeenMarks, StorageUnavailable, make, migrations, now, order_text

log = logging.getLogger(__name__)
R = TypeVar("R")
POSTS_KEPT = 512  # posted questions kept in memory (the latest read): immutable rows
MIGRATION_LOCK = 0x6173796E63677572  # pg_advisory_lock key: "asyncgur" in ASCII
HOLD_CLASS = 0x61677572  # first key of `hold`'s locks: "agur"; the second is the name's hash
# A held lock's connection is asked this often whether it is still there (and given as long to
# answer): a connection the network cut silently is noticed within twice this.
HOLD_CHECK_S = 5.0
POOL_MIN, POOL_MAX = 2, 10
# Statements kept prepared per connection (asyncpg's default keeps 100). One it has dropped
# costs a round trip of its own (parse and describe) before it runs again: this store sends
# 84 different ones today, and every area that gains a table adds more.
STATEMENTS_KEPT = 512


def _count(status: str) -> int:
    """The row count of a command tag such as 'UPDATE 3' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


async def _nothing_to_reset(conn: asyncpg.Connection) -> None:
    """The pool's reset of a released connection. By default asyncpg sends a reset query
    (RESET ALL, UNLISTEN, advisory unlocks) on every release: a second round trip for each
    call, measured to double a /term's cost on a busy host. This store leaves no session state
    behind (settings are transaction-local, the migration lock is released in `finally`, no
    LISTEN), and asyncpg still rolls back a transaction left open."""


async def _watch_lock(conn: asyncpg.Connection, lock: Held) -> None:
    """Until cancelled: lose `lock` when its connection stops answering. A session that
    answers holds its advisory locks: no one else can release them."""
    while not lock.lost.is_set():
        await asyncio.sleep(HOLD_CHECK_S)
        try:
            await conn.fetchval("SELECT 1", timeout=HOLD_CHECK_S)
        except (asyncpg.InterfaceError, asyncpg.PostgresError, OSError, TimeoutError) as exc:
            lock.lose(f"the lock's connection stopped answering ({type(exc).__name__})")


def _terminate(conn: asyncpg.Connection) -> None:
    with contextlib.suppress(asyncpg.InterfaceError):  # lost: the pool has taken it back
        conn.terminate()


class _Lane:
    """One pooled connection kept for the read every command starts with (`langs`).

    asyncpg's pool hands a connection back through `asyncio.shield`, a task of its own: every
    call through the pool takes three more turns of the event loop than the query itself, each
    waiting behind whatever else is ready. Measured in a loop kept busy by five tasks of 0.2 ms
    steps: a language read 6.1-9.3 ms (median) through the pool, 2.1-3.1 ms on a held
    connection (in an idle loop 0.08 against 0.05 ms). While the lane is in use (commands at
    once), a read goes through the pool as before. Nothing is kept but the connection: every
    read asks the server."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._conn: Any = None  # a connection acquired from the pool, or None
        self._busy = False

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        if self._busy:
            return await self._pool.fetchrow(sql, *args)
        self._busy = True
        try:
            if not _open(self._conn):
                await self._drop()
                self._conn = await self._pool.acquire()
            try:
                return await self._conn.fetchrow(sql, *args)
            except (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError):
                # The connection was lost (the server restarted, a proxy cut it): a read is
                # safe to repeat, once, on a connection of the pool's.
                await self._drop()
                return await self._pool.fetchrow(sql, *args)
            except BaseException:  # an SQL error, or cancelled mid-read: the pool decides
                await self._drop()
                raise
        finally:
            self._busy = False

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await self._pool.release(conn)  # it closes a connection it cannot reset
            except Exception:
                log.debug("storage: the lane's connection could not be returned", exc_info=True)

    async def close(self) -> None:
        await self._drop()


def _open(conn: Any) -> bool:
    try:
        return conn is not None and not conn.is_closed()
    except asyncpg.InterfaceError:  # closed, and so taken back by the pool already
        return False


class PostgresStorage:
    """Every storage port over one PostgreSQL database: Preferences, QuizStore, DailyStore,
    PracticeStore, PlatformState, SnippetStore and ChallengeStore."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = redacted(url)
        self._posts: dict[int, QuizPost] = {}
        self._seen = SeenMarks(self._write_seen)
        self._lane = _Lane(pool)

    @classmethod
    async def open(cls, url: str, *, min_size: int = POOL_MIN, max_size: int = POOL_MAX
                   ) -> PostgresStorage:
        """Connect a pool and apply the migrations not yet applied (under the advisory lock).
        StorageUnavailable when the server cannot be reached or refuses us."""
        try:
            pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size,
                                             reset=_nothing_to_reset,
                                             statement_cache_size=STATEMENTS_KEPT)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise StorageUnavailable(
                f"cannot connect to PostgreSQL at STORAGE__URL={redacted(url)}: {exc}") from None
        storage = cls(pool, url)
        try:
            await storage._migrate(migrations("postgresql"))
        except asyncpg.PostgresError as exc:
            await pool.close()
            raise StorageUnavailable(
                f"cannot migrate PostgreSQL at STORAGE__URL={redacted(url)}: {exc}") from None
        except BaseException:
            await pool.close()
            raise
        return storage

    async def close(self) -> None:
        """Write the seen marks still waiting, then close the pool."""
        try:
            await self._seen.close()
        finally:
            await self._lane.close()  # the pool waits for every connection it lent
            await self._pool.close()

    async def _migrate(self, steps: list[tuple[int, str, str]]) -> None:
        async with self._pool.acquire() as conn:
            # Session-level lock: a process starting alongside waits here, then finds every
            # migration recorded and applies nothing.
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                applied = {r[0] for r in await conn.fetch("SELECT version FROM schema_version")}
                for version, name, sql in steps:
                    if version in applied:
                        continue
                    async with conn.transaction():  # a failing one leaves the previous version
                        await conn.execute(sql)
                        await conn.execute(
                            "INSERT INTO schema_version (version, name, applied_at)"
                            " VALUES ($1, $2, $3)", version, name, now())
                    log.info("storage: applied migration postgresql/%s", name)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    async def schema_version(self) -> int:
        return int(await self._pool.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))

    async def _all(self, cls: type[R], sql: str, *args: Any) -> list[R]:
        return [make(cls, row) for row in await self._pool.fetch(sql, *args)]

    async def _one(self, cls: type[R], sql: str, *args: Any) -> R | None:
        row = await self._pool.fetchrow(sql, *args)
        return None if row is None else make(cls, row)

    # -- preferences -------------------------------------------------------------------------

    async def langs(self, user_key: str, chat_key: str) -> tuple[str | None, str | None]:
        """The user's and the chat's language choices: one round trip, read fresh each time
        (another process may have just changed either), on the lane (_Lane)."""
        row = await self._lane.fetchrow(
            "SELECT (SELECT lang FROM user_prefs WHERE user_key = $1),"
            " (SELECT lang FROM chat_prefs WHERE chat_key = $2)", user_key, chat_key)
        return row[0], row[1]

    async def user_lang(self, user_key: str) -> str | None:
        return await self._pool.fetchval("SELECT lang FROM user_prefs WHERE user_key = $1", user_key)

    async def set_user_lang(self, user_key: str, lang: str) -> None:
        await self._pool.execute(
            "INSERT INTO user_prefs (user_key, lang, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang,"
            " updated_at = excluded.updated_at", user_key, lang, now())

    async def chat_lang(self, chat_key: str) -> str | None:
        return await self._pool.fetchval("SELECT lang FROM chat_prefs WHERE chat_key = $1", chat_key)

    async def set_chat_lang(self, chat_key: str, lang: str) -> None:
        await self._pool.execute(
            "INSERT INTO chat_prefs (chat_key, lang, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (chat_key) DO UPDATE SET lang = excluded.lang,"
            " updated_at = excluded.updated_at", chat_key, lang, now())

    async def chat_tz(self, chat_key: str) -> str | None:
        return await self._pool.fetchval("SELECT tz FROM daily_targets WHERE chat_key = $1",
                                         chat_key)

    # Seen marks wait a moment and go to the database together (SeenMarks): a /term then costs
    # one round trip, its language read. They need no durable commit (a crash may lose that
    # moment's marks anyway), so theirs does not wait for the disk.

    async def mark_seen(self, user_key: str, term_id: str) -> None:
        self._seen.add(user_key, term_id)

    async def _write_seen(self, rows: list[tuple[str, str, str]]) -> None:
        users, terms, times = (list(column) for column in zip(*rows, strict=True))
        await self._pool.execute(
            "WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true))"
            " INSERT INTO seen_terms (user_key, term_id, first_seen)"
            " SELECT u, t, f FROM lazy, unnest($1::text[], $2::text[], $3::text[]) AS m (u, t, f)"
            " ON CONFLICT DO NOTHING", users, terms, times)

    async def seen_terms(self, user_key: str) -> set[str]:
        rows = await self._pool.fetch("SELECT term_id FROM seen_terms WHERE user_key = $1", user_key)
        return {r[0] for r in rows} | self._seen.waiting(user_key)

    # -- quizzes and scores ------------------------------------------------------------------

    async def create_quiz_post(self, chat_key: str, question_id: str, source: str,
                               owner_key: str | None, now: str, *,
                               choice_order: tuple[int, ...] = (), asked_by: str | None = None,
                               closes_at: str | None = None) -> int:
        return int(await self._pool.fetchval(
            "INSERT INTO quiz_posts (chat_key, question_id, source, owner_key, posted_at,"
            " choice_order, asked_by, closes_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " RETURNING id", chat_key, question_id, source, owner_key, now,
            order_text(choice_order), asked_by, closes_at))

    async def quiz_post(self, post_id: int) -> QuizPost | None:
        post = self._posts.get(post_id)
        if post is None:
            post = await self._one(QuizPost, "SELECT * FROM quiz_posts WHERE id = $1", post_id)
            if post is None:
                return None
            if len(self._posts) >= POSTS_KEPT:
                del self._posts[next(iter(self._posts))]  # the oldest read
            self._posts[post_id] = post
        return post  # frozen, and never changed in the database once written

    async def last_quiz_post(self, chat_key: str, asked_by: str) -> QuizPost | None:
        return await self._one(QuizPost, "SELECT * FROM quiz_posts WHERE chat_key = $2"
                               " AND (asked_by = $1 OR owner_key = $1) ORDER BY id DESC LIMIT 1",
                               asked_by, chat_key)

    async def user_answer(self, post_id: int, user_key: str) -> Answer | None:
        return await self._one(Answer, "SELECT * FROM quiz_answers WHERE post_id = $1"
                               " AND user_key = $2", post_id, user_key)

    async def post_tally(self, post_id: int) -> tuple[int, int]:
        row = await self._pool.fetchrow(
            "SELECT COUNT(*), COALESCE(SUM(correct), 0)::bigint FROM quiz_answers WHERE post_id = $1",
            post_id)
        return int(row[0]), int(row[1])

    async def record_answer(self, *, post_id: int, user_key: str, user_name: str, chat_key: str,
                            question_id: str, choice: int, correct: bool, now: str, day: str,
                            yesterday: str) -> bool:
        """Store an answer and update the score and streak in one statement (so atomically,
        in one round trip). False (and nothing changed) if the user already answered."""
        # Every s.column reads its value before this answer.
        streak = ("CASE WHEN s.last_day >= $9 THEN s.streak"
                  " WHEN s.last_day = $10 THEN s.streak + 1 ELSE 1 END")
        added = await self._pool.fetchval(
            "WITH answer AS (INSERT INTO quiz_answers (post_id, user_key, chat_key, question_id,"
            " choice, correct, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT DO NOTHING RETURNING 1),"
            " score AS (INSERT INTO scores AS s (chat_key, user_key, user_name, answered, correct,"
            " streak, best_streak, last_day) SELECT $3, $2, $8, 1, $6, 1, 1, $9 FROM answer"
            " ON CONFLICT (chat_key, user_key) DO UPDATE SET user_name = excluded.user_name,"
            " answered = s.answered + 1, correct = s.correct + excluded.correct,"
            f" streak = {streak}, best_streak = GREATEST(s.best_streak, {streak}),"
            " last_day = GREATEST(COALESCE(s.last_day, ''), excluded.last_day))"
            " SELECT COUNT(*) FROM answer",
            post_id, user_key, chat_key, question_id, choice, int(correct), now, user_name, day,
            yesterday)
        return added == 1

    async def score(self, chat_key: str, user_key: str) -> Score | None:
        return await self._one(Score, "SELECT * FROM scores WHERE chat_key = $1 AND user_key = $2",
                               chat_key, user_key)

    async def leaderboard(self, chat_key: str, *, since: str | None = None, limit: int = 10
                          ) -> list[BoardRow]:
        return await self._all(
            BoardRow, "SELECT a.user_key, COALESCE(MAX(s.user_name), '') AS user_name,"
            " COUNT(*) AS answered, SUM(a.correct)::bigint AS correct FROM quiz_answers a"
            " LEFT JOIN scores s ON s.chat_key = a.chat_key AND s.user_key = a.user_key"
            " WHERE a.chat_key = $1 AND a.answered_at >= $2 GROUP BY a.user_key"
            " ORDER BY correct DESC, answered ASC, a.user_key LIMIT $3",
            chat_key, since or "", limit)

    async def answered_questions(self, user_key: str) -> set[str]:
        rows = await self._pool.fetch(
            "SELECT DISTINCT question_id FROM quiz_answers WHERE user_key = $1", user_key)
        return {r[0] for r in rows}

    async def question_use(self, user_key: str) -> dict[str, int]:
        """Posts put to this user, per question: those they asked for and those they answered."""
        rows = await self._pool.fetch(
            "SELECT question_id, COUNT(*) FROM quiz_posts p WHERE p.asked_by = $1"
            " OR EXISTS (SELECT 1 FROM quiz_answers a WHERE a.post_id = p.id AND a.user_key = $1)"
            " GROUP BY question_id", user_key)
        return {r[0]: int(r[1]) for r in rows}

    async def answers_in_chat(self, chat_key: str, user_key: str) -> list[Answer]:
        return await self._all(
            Answer, "SELECT * FROM quiz_answers WHERE chat_key = $1 AND user_key = $2"
            " ORDER BY answered_at, post_id", chat_key, user_key)

    # -- timed rounds ------------------------------------------------------------------------
    # Read fresh each time: a round may be stopped or advanced through another process.

    async def round_start(self, *, chat_key: str, platform: str, chat_id: str, chat_kind: str,
                          started_by: str, lang: str, term_id: str | None, size: int,
                          seconds: int, now: str) -> int | None:
        try:
            return int(await self._pool.fetchval(
                "INSERT INTO quiz_rounds (chat_key, platform, chat_id, chat_kind, started_by,"
                " lang, term_id, size, seconds, due, status, started_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'running', $10) RETURNING id",
                chat_key, platform, chat_id, chat_kind, started_by, lang, term_id, size, seconds,
                now))
        except asyncpg.UniqueViolationError:  # quiz_rounds_running: one running round per chat
            return None

    async def round_get(self, round_id: int) -> QuizRound | None:
        return await self._one(QuizRound, "SELECT * FROM quiz_rounds WHERE id = $1", round_id)

    async def round_running(self, chat_key: str) -> QuizRound | None:
        return await self._one(QuizRound, "SELECT * FROM quiz_rounds WHERE chat_key = $1"
                               " AND status = 'running'", chat_key)

    async def rounds_running(self) -> list[QuizRound]:
        return await self._all(QuizRound, "SELECT * FROM quiz_rounds WHERE status = 'running'"
                               " ORDER BY due, id")

    async def round_add_post(self, round_id: int, position: int, post_id: int, due: str,
                             message_id: str | None = None) -> None:
        # One statement, so atomic: the link and the round's progress, or neither.
        await self._pool.execute(
            "WITH link AS (INSERT INTO quiz_round_posts (round_id, position, post_id, message_id)"
            " VALUES ($1, $2, $3, $4))"
            " UPDATE quiz_rounds SET asked = $2, due = $5 WHERE id = $1",
            round_id, position, post_id, message_id, due)

    async def round_posts(self, round_id: int) -> list[RoundPost]:
        return await self._all(RoundPost, "SELECT * FROM quiz_round_posts WHERE round_id = $1"
                               " ORDER BY position", round_id)

    async def post_revealed(self, post_id: int) -> bool:
        return bool(await self._pool.fetchval(
            "SELECT COALESCE(MAX(revealed), 0) FROM quiz_round_posts WHERE post_id = $1", post_id))

    async def round_revealed(self, round_id: int, position: int, due: str | None) -> None:
        await self._pool.execute(
            "WITH shown AS (UPDATE quiz_round_posts SET revealed = 1 WHERE round_id = $1"
            " AND position = $2) UPDATE quiz_rounds SET due = $3 WHERE id = $1",
            round_id, position, due)

    async def round_end(self, round_id: int, status: str, now: str) -> bool:
        return _count(await self._pool.execute(
            "UPDATE quiz_rounds SET status = $1, ended_at = $2, due = NULL WHERE id = $3"
            " AND status = 'running'", status, now, round_id)) == 1

    async def round_board(self, round_id: int) -> list[BoardRow]:
        return await self._all(
            BoardRow, "SELECT a.user_key, COALESCE(MAX(s.user_name), '') AS user_name,"
            " COUNT(*) AS answered, SUM(a.correct)::bigint AS correct FROM quiz_round_posts r"
            " JOIN quiz_answers a ON a.post_id = r.post_id LEFT JOIN scores s"
            " ON s.chat_key = a.chat_key AND s.user_key = a.user_key WHERE r.round_id = $1"
            " GROUP BY a.user_key ORDER BY correct DESC, answered ASC, a.user_key", round_id)

    async def forget_user(self, user_key: str) -> int:
        return int(await self._pool.fetchval(
            "WITH a AS (DELETE FROM quiz_answers WHERE user_key = $1 RETURNING 1),"
            " s AS (DELETE FROM scores WHERE user_key = $1 RETURNING 1),"
            " r AS (DELETE FROM srs_items WHERE user_key = $1 RETURNING 1),"
            " c AS (DELETE FROM challenge_attempts WHERE user_key = $1 RETURNING 1)"
            " SELECT (SELECT COUNT(*) FROM a) + (SELECT COUNT(*) FROM s)"
            " + (SELECT COUNT(*) FROM r) + (SELECT COUNT(*) FROM c)", user_key))

    async def user_has_practice_data(self, user_key: str) -> bool:
        return bool(await self._pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM quiz_answers WHERE user_key = $1)"
            " OR EXISTS (SELECT 1 FROM scores WHERE user_key = $1)"
            " OR EXISTS (SELECT 1 FROM srs_items WHERE user_key = $1)"
            " OR EXISTS (SELECT 1 FROM challenge_attempts WHERE user_key = $1)", user_key))

    # -- daily posts -------------------------------------------------------------------------

    async def daily_target(self, chat_key: str) -> DailyTarget | None:
        return await self._one(DailyTarget, "SELECT * FROM daily_targets WHERE chat_key = $1",
                               chat_key)

    async def daily_set(self, *, chat_key: str, platform: str, chat_id: str, chat_kind: str,
                        at_time: str, tz: str, next_day: str, next_due: str, now: str) -> None:
        await self._pool.execute(
            "INSERT INTO daily_targets (chat_key, platform, chat_id, chat_kind, at_time, tz,"
            " enabled, next_day, next_due, disabled_reason, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, NULL, $9) ON CONFLICT (chat_key)"
            " DO UPDATE SET platform = excluded.platform, chat_id = excluded.chat_id,"
            " chat_kind = excluded.chat_kind, at_time = excluded.at_time, tz = excluded.tz,"
            " enabled = 1, next_day = excluded.next_day, next_due = excluded.next_due,"
            " disabled_reason = NULL, updated_at = excluded.updated_at, taken_by = NULL",
            chat_key, platform, chat_id, chat_kind, at_time, tz, next_day, next_due, now)

    async def daily_disable(self, chat_key: str, reason: str, now: str) -> bool:
        return _count(await self._pool.execute(
            "UPDATE daily_targets SET enabled = 0, disabled_reason = $1, updated_at = $2"
            " WHERE chat_key = $3 AND enabled = 1", reason, now, chat_key)) == 1

    async def daily_next_due(self, platforms: list[str], instance: str | None = None
                             ) -> str | None:
        return await self._pool.fetchval(
            "SELECT MIN(next_due) FROM daily_targets WHERE enabled = 1"
            " AND platform = ANY($1::text[])"
            " AND ($2::text IS NULL OR taken_by IS NULL OR taken_by = $2)", platforms, instance)

    async def daily_due(self, now: str, platforms: list[str], limit: int = 500
                        ) -> list[DailyTarget]:
        return await self._all(
            DailyTarget, "SELECT * FROM daily_targets WHERE enabled = 1 AND next_due <= $1"
            " AND platform = ANY($2::text[]) ORDER BY next_due, chat_key LIMIT $3",
            now, platforms, limit)

    # The fleet's moves (DailyStore): every process fans out at once. Takes and adoptions lock
    # the rows they pick and skip rows another process holds (FOR UPDATE SKIP LOCKED), so two
    # processes never wait on each other nor pick the same row; a message is started by one
    # conditional UPDATE, so whoever loses that race never sends it.

    _DEAD = ("NOT EXISTS (SELECT 1 FROM daily_instances i WHERE i.instance = {col}"
             " AND i.alive_until > $1)")

    async def daily_heartbeat(self, instance: str, now: str, alive_until: str) -> int:
        return int(await self._pool.fetchval(
            "WITH beat AS (INSERT INTO daily_instances (instance, started_at, alive_until)"
            " VALUES ($1, $2, $3) ON CONFLICT (instance) DO UPDATE"
            " SET alive_until = excluded.alive_until RETURNING instance)"
            " SELECT COUNT(*) + 1 FROM daily_instances WHERE alive_until > $2"
            " AND instance <> (SELECT instance FROM beat)", instance, now, alive_until))

    async def daily_leave(self, instance: str) -> None:
        await self._pool.execute("DELETE FROM daily_instances WHERE instance = $1", instance)

    async def daily_take(self, now: str, platforms: list[str], instance: str, limit: int
                         ) -> list[DailyTarget]:
        rows = await self._all(
            DailyTarget,
            "WITH picked AS (SELECT chat_key FROM daily_targets t WHERE enabled = 1"
            " AND next_due <= $1 AND platform = ANY($2::text[]) AND (taken_by IS NULL"
            f" OR {self._DEAD.format(col='t.taken_by')})"
            " ORDER BY next_due, chat_key LIMIT $4 FOR UPDATE SKIP LOCKED)"
            " UPDATE daily_targets t SET taken_by = $3 FROM picked"
            " WHERE t.chat_key = picked.chat_key RETURNING t.*", now, platforms, instance, limit)
        return sorted(rows, key=lambda t: (t.next_due, t.chat_key))

    async def daily_adopt(self, now: str, instance: str, limit: int = 500, *, own: bool = True
                          ) -> list[LedgerEntry]:
        """Leftovers of processes whose lease ran out, and with `own` this process's own (it
        asks for them between passes, when none of its sends is under way)."""
        mine = instance if own else ""  # '' names no process: only lapsed ones' leftovers
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE daily_messages SET status = 'unknown', updated_at = $1,"
                " detail = 'in flight when its process stopped' WHERE status = 'sending'"
                f" AND (sent_by IS NULL OR sent_by = $2 OR {self._DEAD.format(col='sent_by')})",
                now, mine)
            await conn.execute(
                "UPDATE daily_targets SET taken_by = NULL WHERE taken_by IS NOT NULL"
                f" AND (taken_by = $2 OR {self._DEAD.format(col='taken_by')})", now, mine)
            taken = await conn.fetch(
                "WITH orphan AS (SELECT chat_key, local_day FROM daily_ledger"
                " WHERE status = 'claimed' AND owner IS DISTINCT FROM $2"
                f" AND (owner IS NULL OR owner = $4 OR {self._DEAD.format(col='owner')})"
                " ORDER BY updated_at, chat_key LIMIT $3 FOR UPDATE SKIP LOCKED)"
                " UPDATE daily_ledger l SET owner = $2 FROM orphan"
                " WHERE l.chat_key = orphan.chat_key AND l.local_day = orphan.local_day"
                " RETURNING l.*", now, instance, limit, mine)
            await conn.execute(
                "DELETE FROM daily_instances i WHERE alive_until <= $1 AND NOT EXISTS"
                " (SELECT 1 FROM daily_ledger l WHERE l.status = 'claimed'"
                " AND l.owner = i.instance)", now)
            rows = await conn.fetch(
                "SELECT * FROM daily_ledger WHERE status = 'claimed' AND owner = $1"
                " ORDER BY updated_at, chat_key", instance) if own else taken
            return sorted((make(LedgerEntry, r) for r in rows),
                          key=lambda e: (e.updated_at, e.chat_key))

    async def daily_next_adoption(self, instance: str) -> str | None:
        return await self._pool.fetchval(
            "SELECT MIN(x) FROM ("
            " SELECT i.alive_until AS x FROM daily_instances i WHERE i.instance <> $1 AND ("
            "  EXISTS (SELECT 1 FROM daily_ledger l WHERE l.status = 'claimed'"
            "          AND l.owner = i.instance)"
            "  OR EXISTS (SELECT 1 FROM daily_targets t WHERE t.taken_by = i.instance))"
            " UNION ALL SELECT MIN(l.updated_at) FROM daily_ledger l WHERE l.status = 'claimed'"
            "  AND (l.owner IS NULL OR (l.owner <> $1 AND NOT EXISTS"
            "       (SELECT 1 FROM daily_instances i WHERE i.instance = l.owner)))"
            " UNION ALL SELECT MIN(t.next_due) FROM daily_targets t WHERE t.taken_by <> $1"
            "  AND NOT EXISTS (SELECT 1 FROM daily_instances i WHERE i.instance = t.taken_by)"
            ") AS s", instance)

    async def daily_advance(self, *, chat_key: str, day: str, status: str, detail: str | None,
                            next_day: str, next_due: str, now: str) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO daily_ledger (chat_key, local_day, status, detail, updated_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                chat_key, day, status, detail, now)
            await conn.execute(
                "UPDATE daily_targets SET next_day = $1, next_due = $2, taken_by = NULL"
                " WHERE chat_key = $3 AND next_day = $4", next_day, next_due, chat_key, day)

    async def daily_claim(self, *, chat_key: str, day: str, term_id: str, cycle: int,
                          question_id: str, next_day: str, next_due: str, now: str,
                          choice_order: tuple[int, ...] = (), owner: str | None = None,
                          parts: tuple[str, ...] = ("post",)) -> int | None:
        """Ledger row 'claimed' by `owner`, a 'pending' row per message, term shown, question
        posted, target moved on: one transaction. The ledger's primary key decides between
        claimers, whichever process they run in."""
        async with self._pool.acquire() as conn, conn.transaction():
            post_id = None
            if _count(await conn.execute(
                    "INSERT INTO daily_ledger (chat_key, local_day, status, term_id, updated_at,"
                    " owner) VALUES ($1, $2, 'claimed', $3, $4, $5) ON CONFLICT DO NOTHING",
                    chat_key, day, term_id, now, owner)) == 1:
                await conn.execute(
                    "INSERT INTO daily_rotation (chat_key, cycle, term_id, shown_at)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", chat_key, cycle, term_id, now)
                post_id = int(await conn.fetchval(
                    "INSERT INTO quiz_posts (chat_key, question_id, source, posted_at, choice_order)"
                    " VALUES ($1, $2, 'daily', $3, $4) RETURNING id", chat_key, question_id, now,
                    order_text(choice_order)))
                await conn.execute(
                    "UPDATE daily_ledger SET post_id = $1 WHERE chat_key = $2 AND local_day = $3",
                    post_id, chat_key, day)
                await conn.execute(
                    "INSERT INTO daily_messages (chat_key, local_day, part, kind, status,"
                    " updated_at) SELECT $1, $2, p.n, p.kind, 'pending', $3"
                    " FROM unnest($4::text[]) WITH ORDINALITY AS p (kind, n)",
                    chat_key, day, now, list(parts))
            await conn.execute(
                "UPDATE daily_targets SET next_day = CASE WHEN next_day = $4 THEN $1"
                " ELSE next_day END, next_due = CASE WHEN next_day = $4 THEN $2 ELSE next_due END,"
                " taken_by = CASE WHEN next_day = $4 OR taken_by = $5 THEN NULL ELSE taken_by END"
                " WHERE chat_key = $3", next_day, next_due, chat_key, day, owner)
            return post_id

    async def daily_record(self, chat_key: str, day: str, status: str, detail: str | None,
                           now: str) -> None:
        await self._pool.execute(
            "UPDATE daily_ledger SET status = $1, detail = $2, updated_at = $3, owner = NULL"
            " WHERE chat_key = $4 AND local_day = $5", status, detail, now, chat_key, day)

    async def daily_message_start(self, chat_key: str, day: str, part: int, instance: str,
                                  now: str) -> bool:
        return _count(await self._pool.execute(
            "UPDATE daily_messages SET status = 'sending', sent_by = $4, updated_at = $5"
            " WHERE chat_key = $1 AND local_day = $2 AND part = $3 AND status = 'pending'"
            " AND EXISTS (SELECT 1 FROM daily_ledger l WHERE l.chat_key = $1"
            " AND l.local_day = $2 AND l.status = 'claimed' AND l.owner = $4)",
            chat_key, day, part, instance, now)) == 1

    async def daily_message_done(self, chat_key: str, day: str, part: int, status: str,
                                 detail: str | None, now: str) -> None:
        await self._pool.execute(
            "UPDATE daily_messages SET status = $4, detail = $5, updated_at = $6"
            " WHERE chat_key = $1 AND local_day = $2 AND part = $3"
            " AND status IN ('pending', 'sending', 'unknown')",
            chat_key, day, part, status, detail, now)

    async def daily_messages(self, chat_key: str, day: str) -> list[DailyMessage]:
        return await self._all(
            DailyMessage, "SELECT * FROM daily_messages WHERE chat_key = $1 AND local_day = $2"
            " ORDER BY part", chat_key, day)

    async def daily_ledger(self, chat_key: str, limit: int = 7) -> list[LedgerEntry]:
        return await self._all(
            LedgerEntry, "SELECT * FROM daily_ledger WHERE chat_key = $1"
            " ORDER BY local_day DESC LIMIT $2", chat_key, limit)

    async def daily_ledger_day(self, chat_key: str, day: str) -> LedgerEntry | None:
        return await self._one(
            LedgerEntry, "SELECT * FROM daily_ledger WHERE chat_key = $1 AND local_day = $2",
            chat_key, day)

    async def daily_ledger_counts(self) -> dict[str, int]:
        rows = await self._pool.fetch("SELECT status, COUNT(*) FROM daily_ledger GROUP BY status")
        return {r[0]: int(r[1]) for r in rows}

    async def daily_rotation(self, chat_key: str) -> tuple[int, set[str]]:
        rows = await self._pool.fetch(
            "SELECT cycle, term_id FROM daily_rotation WHERE chat_key = $1 AND cycle ="
            " (SELECT COALESCE(MAX(cycle), 0) FROM daily_rotation WHERE chat_key = $1)", chat_key)
        cycle = int(rows[0][0]) if rows else 0
        return cycle, {r[1] for r in rows}

    # A chat's track is read fresh on each post (another process may have just changed it):
    # one indexed read next to the claim's transaction.

    async def daily_track(self, chat_key: str) -> str:
        track = await self._pool.fetchval("SELECT track FROM daily_tracks WHERE chat_key = $1",
                                          chat_key)
        return track or DAILY_TRACKS[0]

    async def daily_set_track(self, chat_key: str, track: str, now: str) -> None:
        if track not in DAILY_TRACKS:
            raise ValueError(f"unknown daily track {track!r}: one of {DAILY_TRACKS}")
        await self._pool.execute(
            "INSERT INTO daily_tracks (chat_key, track, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (chat_key) DO UPDATE SET track = excluded.track,"
            " updated_at = excluded.updated_at", chat_key, track, now)

    async def daily_mark_shown(self, chat_key: str, cycle: int, term_id: str, now: str) -> None:
        await self._pool.execute(
            "INSERT INTO daily_rotation (chat_key, cycle, term_id, shown_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", chat_key, cycle, term_id, now)

    # -- spaced repetition -------------------------------------------------------------------

    async def srs_get(self, user_key: str, item: str) -> SrsItem | None:
        return await self._one(SrsItem, "SELECT * FROM srs_items WHERE user_key = $1 AND item = $2",
                               user_key, item)

    async def srs_put(self, user_key: str, item: str, *, due: str, state_json: str,
                      reason: str | None, now: str) -> None:
        await self._pool.execute(
            "INSERT INTO srs_items AS i (user_key, item, due, state_json, reason, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_key, item) DO UPDATE SET"
            " due = excluded.due, state_json = excluded.state_json,"
            " reason = COALESCE(excluded.reason, i.reason), updated_at = excluded.updated_at",
            user_key, item, due, state_json, reason, now)

    async def srs_due(self, user_key: str, now: str, limit: int = 20) -> list[SrsItem]:
        return await self._all(
            SrsItem, "SELECT * FROM srs_items WHERE user_key = $1 AND due <= $2"
            " ORDER BY due, item LIMIT $3", user_key, now, limit)

    async def srs_items(self, user_key: str) -> set[str]:
        rows = await self._pool.fetch("SELECT item FROM srs_items WHERE user_key = $1", user_key)
        return {r[0] for r in rows}

    async def srs_next_due(self, user_key: str) -> str | None:
        return await self._pool.fetchval("SELECT MIN(due) FROM srs_items WHERE user_key = $1",
                                         user_key)

    # -- telegram: quiz polls ----------------------------------------------------------------

    async def telegram_poll_add(self, *, poll_id: str, post_id: int, chat_id: str, chat_kind: str,
                                message_id: int, now: str) -> None:
        await self._pool.execute(
            "INSERT INTO telegram_polls (poll_id, post_id, chat_id, chat_kind, message_id, sent_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (poll_id) DO UPDATE SET"
            " post_id = excluded.post_id, chat_id = excluded.chat_id,"
            " chat_kind = excluded.chat_kind, message_id = excluded.message_id,"
            " sent_at = excluded.sent_at", poll_id, post_id, chat_id, chat_kind, message_id, now)

    async def telegram_poll(self, poll_id: str) -> TelegramPoll | None:
        return await self._one(TelegramPoll, "SELECT * FROM telegram_polls WHERE poll_id = $1",
                               poll_id)

    # -- per-user limits (the /run cooldown) and fleet-wide locks ------------------------------

    async def cooldown_take(self, scope: str, user_key: str, period_s: float) -> CooldownTake:
        # One statement: concurrent takes of one user (through any process) queue on the row,
        # and the upsert's WHERE sees the winner's use. The clock is the server's, so hosts
        # whose clocks differ agree. The refused branch reads the row as the statement began,
        # which a take committed meanwhile is not in: then the whole period is left to wait.
        row = await self._pool.fetchrow(
            "WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t),"
            " taken AS (INSERT INTO user_cooldowns AS c (scope, user_key, last_at)"
            " SELECT $1, $2, t FROM clock ON CONFLICT (scope, user_key) DO UPDATE SET"
            " previous_at = c.last_at, last_at = excluded.last_at"
            " WHERE c.last_at <= excluded.last_at - $3 RETURNING last_at)"
            " SELECT (SELECT last_at FROM taken) AS taken_at, (SELECT t FROM clock) AS now,"
            " (SELECT last_at FROM user_cooldowns WHERE scope = $1 AND user_key = $2) AS last_at",
            scope, user_key, float(period_s))
        assert row is not None
        if row["taken_at"] is not None:
            return CooldownTake(True, row["taken_at"])
        last_at = row["last_at"] if row["last_at"] is not None else row["now"]
        return CooldownTake(False, last_at,
                            min(period_s, max(0.0, last_at + period_s - row["now"])))

    async def cooldown_give_back(self, scope: str, user_key: str, at: float) -> None:
        await self._pool.execute(
            "WITH gone AS (DELETE FROM user_cooldowns WHERE scope = $1 AND user_key = $2"
            " AND last_at = $3 AND previous_at IS NULL RETURNING 1)"
            " UPDATE user_cooldowns SET last_at = previous_at, previous_at = NULL"
            " WHERE scope = $1 AND user_key = $2 AND last_at = $3 AND previous_at IS NOT NULL",
            scope, user_key, float(at))

    async def platform_value(self, name: str) -> str | None:
        return await self._pool.fetchval("SELECT value FROM platform_values WHERE name = $1", name)

    async def platform_values(self, prefix: str) -> dict[str, str]:
        rows = await self._pool.fetch(
            "SELECT name, value FROM platform_values WHERE left(name, length($1)) = $1", prefix)
        return {r[0][len(prefix):]: r[1] for r in rows}

    async def forget_platform_value(self, name: str) -> None:
        await self._pool.execute("DELETE FROM platform_values WHERE name = $1", name)

    async def set_platform_value(self, name: str, value: str) -> None:
        await self._pool.execute(
            "INSERT INTO platform_values (name, value, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at", name, value, now())

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[Held]:
        """A session-level advisory lock on one connection kept for the block: a process that
        dies lets go with its connection, so no lease needs renewing. The name is hashed into
        the two-key form, a space apart from the migration lock's one key.

        The lock lives and dies with that connection, so while the block runs it is watched:
        asyncpg's termination listener fires the moment the server ends the session (a restart,
        pg_terminate_backend, a reset socket), and a cheap query every HOLD_CHECK_S catches a
        connection that went silent (a cut network: the server frees the lock when it notices).
        Either way the `Held` is lost, and the connection never serves anyone again."""
        async with self._pool.acquire() as conn:
            lock = Held(bool(await conn.fetchval("SELECT pg_try_advisory_lock($1, hashtext($2))",
                                                 HOLD_CLASS, name)))
            if not lock:
                yield lock
                return

            def ended(_: object) -> None:
                lock.lose("the database ended the lock's connection")

            conn.add_termination_listener(ended)
            watch = asyncio.create_task(_watch_lock(conn, lock), name=f"storage:hold:{name}")
            try:
                yield lock
            finally:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
                with contextlib.suppress(asyncpg.InterfaceError):  # the pool took a lost one
                    conn.remove_termination_listener(ended)
                if not lock.lost.is_set():
                    # The pool resets no session state: a connection that may still hold the
                    # lock must never serve anyone again (closing it lets go of the lock).
                    try:
                        await conn.execute("SELECT pg_advisory_unlock($1, hashtext($2))",
                                           HOLD_CLASS, name)
                    except Exception:
                        log.debug("storage: lock %s let go by closing its connection", name,
                                  exc_info=True)
                        _terminate(conn)
                    except BaseException:
                        _terminate(conn)
                        raise
                else:
                    _terminate(conn)

    # -- /run's kept code --------------------------------------------------------------------

    async def snippet_add(self, *, snippet_id: str, user_key: str, code: str, now: str,
                          expire_before: str) -> None:
        """Keep a snippet, deleting those past the keeping time in the same statement."""
        await self._pool.execute(
            "WITH expired AS (DELETE FROM run_snippets WHERE created_at < $5)"
            " INSERT INTO run_snippets (id, user_key, code, created_at) VALUES ($1, $2, $3, $4)",
            snippet_id, user_key, code, now, expire_before)

    async def snippet(self, snippet_id: str, *, not_before: str) -> Snippet | None:
        return await self._one(Snippet, "SELECT * FROM run_snippets WHERE id = $1"
                               " AND created_at >= $2", snippet_id, not_before)

    async def snippets_forget(self, user_key: str) -> int:
        return _count(await self._pool.execute("DELETE FROM run_snippets WHERE user_key = $1",
                                               user_key))

    async def user_has_snippets(self, user_key: str) -> bool:
        return bool(await self._pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM run_snippets WHERE user_key = $1)", user_key))

    # -- coding challenges -------------------------------------------------------------------

    async def challenge_opened(self, user_key: str, challenge_id: str, now: str) -> None:
        # A sequence orders opens (instants have whole seconds), also opens made at once
        # through several processes, where a read of MAX + 1 could tie.
        await self._pool.execute(
            "INSERT INTO challenge_attempts (user_key, challenge_id, opened_at, opened_seq, updated_at)"
            " VALUES ($1, $2, $3, nextval('challenge_attempts_opened_seq'), $3)"
            " ON CONFLICT (user_key, challenge_id) DO UPDATE SET"
            " opened_at = excluded.opened_at, opened_seq = excluded.opened_seq",
            user_key, challenge_id, now)

    async def last_opened_challenge(self, user_key: str) -> str | None:
        return await self._pool.fetchval(
            "SELECT challenge_id FROM challenge_attempts WHERE user_key = $1 AND opened_at IS NOT NULL"
            " ORDER BY opened_seq DESC LIMIT 1", user_key)

    async def challenge_attempt(self, user_key: str, challenge_id: str) -> ChallengeAttempt | None:
        return await self._one(
            ChallengeAttempt, "SELECT * FROM challenge_attempts WHERE user_key = $1"
            " AND challenge_id = $2", user_key, challenge_id)

    async def challenge_attempts(self, user_key: str) -> dict[str, ChallengeAttempt]:
        rows = await self._all(ChallengeAttempt, "SELECT * FROM challenge_attempts WHERE user_key = $1",
                               user_key)
        return {row.challenge_id: row for row in rows}

    async def record_submission(self, *, user_key: str, user_name: str, chat_key: str,
                                challenge_id: str, code: str, check: str | None, now: str,
                                day: str, yesterday: str) -> bool:
        """One transaction: the attempt, then on a pass its first-pass mark and this chat's
        streak (as `record_answer` moves it, without counting a quiz answer). The upsert locks
        the row, so of two first passes at once (any processes) one finds it solved."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO challenge_attempts AS c (user_key, challenge_id, status, tries,"
                " last_code, last_check, updated_at) VALUES ($1, $2, 'tried', 1, $3, $4, $5)"
                " ON CONFLICT (user_key, challenge_id) DO UPDATE SET tries = c.tries + 1,"
                " status = CASE WHEN c.status = 'solved' THEN 'solved' ELSE 'tried' END,"
                " last_code = excluded.last_code, last_check = excluded.last_check,"
                " updated_at = excluded.updated_at",
                user_key, challenge_id, code, check, now)
            if check is not None:
                return False
            if _count(await conn.execute(
                    "UPDATE challenge_attempts SET status = 'solved', solved_at = $1, solved_chat = $2,"
                    " solved_name = $3 WHERE user_key = $4 AND challenge_id = $5 AND solved_at IS NULL",
                    now, chat_key, user_name, user_key, challenge_id)) != 1:
                return False  # solved before: a repeat pass counts nothing
            streak = ("CASE WHEN s.last_day >= $4 THEN s.streak"
                      " WHEN s.last_day = $5 THEN s.streak + 1 ELSE 1 END")
            await conn.execute(
                "INSERT INTO scores AS s (chat_key, user_key, user_name, answered, correct, streak,"
                " best_streak, last_day) VALUES ($1, $2, $3, 0, 0, 1, 1, $4)"
                " ON CONFLICT (chat_key, user_key) DO UPDATE SET user_name = excluded.user_name,"
                f" streak = {streak}, best_streak = GREATEST(s.best_streak, {streak}),"
                " last_day = GREATEST(COALESCE(s.last_day, ''), excluded.last_day)",
                chat_key, user_key, user_name, day, yesterday)
            return True

    async def solved_board(self, chat_key: str, *, since: str | None = None, limit: int = 10
                           ) -> list[SolvedRow]:
        return await self._all(
            SolvedRow, "SELECT user_key, MAX(solved_name) AS user_name, COUNT(*) AS solved"
            " FROM challenge_attempts WHERE solved_chat = $1 AND solved_at >= $2"
            " GROUP BY user_key ORDER BY solved DESC, MIN(solved_at), user_key LIMIT $3",
            chat_key, since or "", limit)
