"""The SQLite implementation of the core's storage ports (bot/core/ports/storage.py), returning
their frozen rows: the embedded default, one process per database file.

aiosqlite runs sqlite3 in its own thread, so no query ever blocks the event loop. The schema
changes only through `migrations/NNNN_name.sql`, applied in order at startup and recorded in
`schema_version`. Languages, zones and seen marks are kept in memory (see below), which is
right only while this process is the file's only writer: a second process on the same file is
refused at open (an exclusive lock on `<file>.lock`, released by the kernel when this one dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.core.ports.storage import (
    DAILY_TRACKS,
    Answer,
    BoardRow,
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
    SrsItem,
    TelegramPoll,
)
from bot.storage._common import SeenMarks, StorageUnavailable, make, migrations, order_text
from bot.storage._common import now as _now
from bot.storage.challenges import CHALLENGE_TABLES, ChallengeSQL

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
POSTS_KEPT = 512  # posted questions kept in memory (the latest read), ~1 KiB each


def _lock_file(target: str) -> int | None:
    """Hold an exclusive lock on `<target>.lock` for as long as the store is open; a second
    process (or a second open in this one) is refused with a clear message."""
    if target == ":memory:":
        return None
    lock_path = f"{target}.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StorageUnavailable(
            f"the database {target} is in use by another bot process (it holds {lock_path});"
            " SQLite serves one process per file: stop the other one, or share PostgreSQL"
            " (STORAGE__URL)") from None
    except BaseException:
        os.close(fd)
        raise
    return fd


class SnippetRows:
    """The snippet port's SQL (bot/core/ports/storage.py: SnippetStore), mixed into Storage."""

    _db: aiosqlite.Connection

    async def snippet_add(self, *, snippet_id: str, user_key: str, code: str, now: str,
                          expire_before: str) -> None:
        await self._db.execute("DELETE FROM run_snippets WHERE created_at < ?", (expire_before,))
        await self._db.execute(
            "INSERT INTO run_snippets (id, user_key, code, created_at) VALUES (?, ?, ?, ?)",
            (snippet_id, user_key, code, now))

    async def snippet(self, snippet_id: str, *, not_before: str) -> Snippet | None:
        rows = await self._db.execute_fetchall(
            "SELECT * FROM run_snippets WHERE id = ? AND created_at >= ?", (snippet_id, not_before))
        return next((make(Snippet, row) for row in rows), None)

    async def snippets_forget(self, user_key: str) -> int:
        async with self._db.execute("DELETE FROM run_snippets WHERE user_key = ?", (user_key,)) as cur:
            return max(cur.rowcount, 0)

    async def user_has_snippets(self, user_key: str) -> bool:
        rows = await self._db.execute_fetchall(
            "SELECT 1 FROM run_snippets WHERE user_key = ? LIMIT 1", (user_key,))
        return bool(rows)


class Storage(SnippetRows, ChallengeSQL):
    """One object implementing every storage port: Preferences, QuizStore, DailyStore,
    PracticeStore, PlatformState, SnippetStore and ChallengeStore (bot/storage/challenges.py)."""

    def __init__(self, conn: aiosqlite.Connection, path: str, lock_fd: int | None = None) -> None:
        self._db = conn
        self.path = path
        self._lock_fd = lock_fd
        self._tx = asyncio.Lock()
        self._user_langs: dict[str, str] = {}
        self._chat_langs: dict[str, str] = {}
        self._chat_tzs: dict[str, str] = {}  # chat -> its daily schedule's zone (daily_set)
        self._daily_tracks: dict[str, str] = {}  # chat -> 'all' or 'curriculum' (daily_set_track)
        self._posts: dict[int, QuizPost] = {}  # recently read posted questions (never changed)
        self._seen = SeenMarks(self._write_seen)

    @classmethod
    async def open(cls, path: Path | str) -> Storage:
        """Open (creating the file and its folder on first run), take the file's lock and
        migrate. StorageUnavailable when another process has the file."""
        target = str(path)
        if target != ":memory:":
            await asyncio.to_thread(Path(target).parent.mkdir, parents=True, exist_ok=True)
        lock_fd = await asyncio.to_thread(_lock_file, target)
        try:
            conn = await aiosqlite.connect(target, isolation_level=None)
        except BaseException:
            _unlock(lock_fd)
            raise
        storage = cls(conn, target, lock_fd)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            await storage._migrate(migrations("sqlite"))
            await storage._load_langs()
            await storage._load_chat_tzs()
            await storage._load_daily_tracks()
            # This process holds the file's lock: every process registered before it is gone,
            # so its daily claims are adopted by the first pass, without waiting for leases.
            await conn.execute("DELETE FROM daily_instances")
        except BaseException:
            await conn.close()
            _unlock(lock_fd)
            raise
        return storage

    async def close(self) -> None:
        """Write what is still waiting (seen marks), then close."""
        try:
            await self._seen.close()
        finally:
            try:
                await self._db.close()
            finally:
                _unlock(self._lock_fd)  # the next process may have the file
                self._lock_fd = None

    async def _migrate(self, steps: Iterable[tuple[int, str, str]]) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        # Apply every migration not yet recorded (not only those above the maximum), so that
        # features developed in parallel can each own a number.
        async with self._db.execute("SELECT version FROM schema_version") as cur:
            applied = {row[0] for row in await cur.fetchall()}
        for version, name, sql in steps:
            if version in applied:
                continue
            # One transaction per migration: a failing one leaves the previous version intact.
            async with self._transaction():
                for statement in _split_sql(sql):
                    await self._db.execute(statement)
                await self._db.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
            log.info("storage: applied migration %s", name)

    async def schema_version(self) -> int:
        async with self._db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def journal_mode(self) -> str:
        async with self._db.execute("PRAGMA journal_mode") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else ""

    # -- preferences -------------------------------------------------------------------------

    # Every command asks for the language of its user and chat, so the choices live in memory
    # too: loaded once at startup, kept in step by the two writes below (this process is the
    # database's only writer). A row is a user or chat that chose a language with /lang: a
    # small set next to everyone who asks, about 150 bytes each.

    async def _load_langs(self) -> None:
        self._user_langs = {r[0]: r[1] for r in await self._db.execute_fetchall(
            "SELECT user_key, lang FROM user_prefs")}
        self._chat_langs = {r[0]: r[1] for r in await self._db.execute_fetchall(
            "SELECT chat_key, lang FROM chat_prefs")}

    async def user_lang(self, user_key: str) -> str | None:
        return self._user_langs.get(user_key)

    async def set_user_lang(self, user_key: str, lang: str) -> None:
        await self._db.execute(
            "INSERT INTO user_prefs (user_key, lang, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang,"
            " updated_at = excluded.updated_at",
            (user_key, lang, _now()),
        )
        self._user_langs[user_key] = lang

    async def chat_lang(self, chat_key: str) -> str | None:
        return self._chat_langs.get(chat_key)

    async def langs(self, user_key: str, chat_key: str) -> tuple[str | None, str | None]:
        """The user's and the chat's language choices (from memory: no round trip)."""
        return self._user_langs.get(user_key), self._chat_langs.get(chat_key)

    async def set_chat_lang(self, chat_key: str, lang: str) -> None:
        await self._db.execute(
            "INSERT INTO chat_prefs (chat_key, lang, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key) DO UPDATE SET lang = excluded.lang,"
            " updated_at = excluded.updated_at",
            (chat_key, lang, _now()),
        )
        self._chat_langs[chat_key] = lang

    # -- guided path -------------------------------------------------------------------------

    # Seen marks wait a moment and go to the database together, in one transaction
    # (SeenMarks); `seen_terms` counts this process's waiting ones meanwhile.

    async def mark_seen(self, user_key: str, term_id: str) -> None:
        self._seen.add(user_key, term_id)

    async def _write_seen(self, rows: list[tuple[str, str, str]]) -> None:
        await self._in_one_transaction(lambda conn: conn.executemany(
            "INSERT OR IGNORE INTO seen_terms (user_key, term_id, first_seen) VALUES (?, ?, ?)",
            rows))

    async def seen_terms(self, user_key: str) -> set[str]:
        stored = {row[0] for row in await self._db.execute_fetchall(
            "SELECT term_id FROM seen_terms WHERE user_key = ?", (user_key,))}
        return stored | self._seen.waiting(user_key)

    async def _scalar(self, sql: str, params: tuple) -> str | None:
        rows = await self._db.execute_fetchall(sql, params)
        return next((row[0] for row in rows), None)

    # -- practice: quizzes, scores, daily posts, spaced repetition (issue 7) ------------------
    # Multi-statement writes run in one transaction; the connection is shared by every
    # coroutine, so a lock keeps two transactions from interleaving on it.

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        """One explicit write transaction at a time. All tasks share one connection, so two
        interleaved BEGINs would fail ("cannot start a transaction within a transaction"):
        the lock queues them; an error rolls the whole transaction back."""
        async with self._tx:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    async def _in_one_transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`_transaction()` for a group of statements that need no await between them:
        `fn(connection)` runs whole in aiosqlite's own thread, one hop instead of one per
        statement (a hot path). aiosqlite has no public call for this; `_execute` is the one
        each of its own methods uses (the version range is pinned in pyproject.toml)."""

        def run(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return result

        async with self._tx:
            return await self._db._execute(run, self._db._conn)

    # Reads go through execute_fetchall: one hop to the database thread and back, where
    # `async with execute() as cur` + fetch costs three (execute, fetch, close). Each hop wakes
    # that thread and then this one; under load, every wake-up is a chance to lose the CPU.

    async def _rows(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        return [dict(row) for row in await self._db.execute_fetchall(sql, params)]

    async def _row(self, sql: str, params: tuple | dict = ()) -> dict | None:
        rows = await self._db.execute_fetchall(sql, params)
        return next((dict(row) for row in rows), None)

    async def _all(self, cls: type[R], sql: str, params: tuple | dict = ()) -> list[R]:
        return [make(cls, row) for row in await self._db.execute_fetchall(sql, params)]

    async def _one(self, cls: type[R], sql: str, params: tuple | dict = ()) -> R | None:
        rows = await self._db.execute_fetchall(sql, params)
        return next((make(cls, row) for row in rows), None)

    async def create_quiz_post(self, chat_key: str, question_id: str, source: str,
                               owner_key: str | None, now: str, *,
                               choice_order: tuple[int, ...] = (), asked_by: str | None = None,
                               closes_at: str | None = None) -> int:
        async with self._db.execute(
            "INSERT INTO quiz_posts (chat_key, question_id, source, owner_key, posted_at,"
            " choice_order, asked_by, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (chat_key, question_id, source, owner_key, now, order_text(choice_order), asked_by,
             closes_at),
        ) as cur:
            return int(cur.lastrowid or 0)

    # A quiz click reads its posted question: a row no statement ever changes once written, so
    # the latest few hundred read stay in memory (a group quiz is clicked by many).

    async def quiz_post(self, post_id: int) -> QuizPost | None:
        post = self._posts.get(post_id)
        if post is None:
            post = await self._one(QuizPost, "SELECT * FROM quiz_posts WHERE id = ?", (post_id,))
            if post is None:
                return None
            if len(self._posts) >= POSTS_KEPT:
                del self._posts[next(iter(self._posts))]  # the oldest read
            self._posts[post_id] = post
        return post  # frozen: every caller may share it

    async def last_quiz_post(self, chat_key: str, asked_by: str) -> QuizPost | None:
        return await self._one(QuizPost, "SELECT * FROM quiz_posts WHERE chat_key = :c"
                               " AND (asked_by = :u OR owner_key = :u) ORDER BY id DESC LIMIT 1",
                               {"c": chat_key, "u": asked_by})

    async def user_answer(self, post_id: int, user_key: str) -> Answer | None:
        return await self._one(Answer, "SELECT * FROM quiz_answers WHERE post_id = ? AND user_key = ?",
                               (post_id, user_key))

    async def post_tally(self, post_id: int) -> tuple[int, int]:
        """(answers, correct answers) of one posted question."""
        row = await self._row(
            "SELECT COUNT(*) AS n, COALESCE(SUM(correct), 0) AS ok FROM quiz_answers"
            " WHERE post_id = ?", (post_id,))
        return (int(row["n"]), int(row["ok"])) if row else (0, 0)

    async def record_answer(self, *, post_id: int, user_key: str, user_name: str, chat_key: str,
                            question_id: str, choice: int, correct: bool, now: str, day: str,
                            yesterday: str) -> bool:
        """Store an answer and update the user's score and streak in this chat, atomically.
        False (and nothing changed) if the user already answered this post. One hop to the
        database thread (every quiz click comes here)."""
        # In an UPDATE every column reads its old value, so `streak` below is the streak
        # before this answer.
        streak = ("CASE WHEN last_day >= :day THEN streak"
                  " WHEN last_day = :yesterday THEN streak + 1 ELSE 1 END")

        def record(conn: sqlite3.Connection) -> bool:
            if conn.execute(
                    "INSERT OR IGNORE INTO quiz_answers (post_id, user_key, chat_key, question_id,"
                    " choice, correct, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (post_id, user_key, chat_key, question_id, choice, int(correct), now),
                    ).rowcount != 1:
                return False
            conn.execute(
                "INSERT INTO scores (chat_key, user_key, user_name, answered, correct,"
                " streak, best_streak, last_day) VALUES (:chat, :user, :name, 1, :ok, 1, 1,"
                " :day) ON CONFLICT (chat_key, user_key) DO UPDATE SET"
                " user_name = excluded.user_name, answered = answered + 1,"
                f" correct = correct + excluded.correct, streak = {streak},"
                f" best_streak = MAX(best_streak, {streak}),"
                " last_day = MAX(COALESCE(last_day, ''), :day)",
                {"chat": chat_key, "user": user_key, "name": user_name,
                 "ok": int(correct), "day": day, "yesterday": yesterday},
            )
            return True

        return await self._in_one_transaction(record)

    async def score(self, chat_key: str, user_key: str) -> Score | None:
        return await self._one(Score, "SELECT * FROM scores WHERE chat_key = ? AND user_key = ?",
                               (chat_key, user_key))

    async def leaderboard(self, chat_key: str, *, since: str | None = None, limit: int = 10
                          ) -> list[BoardRow]:
        """Top users of a chat by correct answers (then fewer answers): all time, or since a
        UTC instant (this week)."""
        return await self._all(
            BoardRow, "SELECT a.user_key, COALESCE(s.user_name, '') AS user_name, COUNT(*) AS answered,"
            " SUM(a.correct) AS correct FROM quiz_answers a LEFT JOIN scores s"
            " ON s.chat_key = a.chat_key AND s.user_key = a.user_key"
            " WHERE a.chat_key = ? AND a.answered_at >= ? GROUP BY a.user_key"
            " ORDER BY correct DESC, answered ASC, a.user_key LIMIT ?",
            (chat_key, since or "", limit),
        )

    async def answered_questions(self, user_key: str) -> set[str]:
        rows = await self._rows("SELECT DISTINCT question_id FROM quiz_answers WHERE user_key = ?",
                                (user_key,))
        return {r["question_id"] for r in rows}

    async def question_use(self, user_key: str) -> dict[str, int]:
        """Posts put to this user, per question: those they asked for and those they answered
        (a group's daily post they answered counts; one they scrolled past does not)."""
        rows = await self._rows(
            "SELECT question_id, COUNT(*) AS n FROM quiz_posts p WHERE p.asked_by = :u"
            " OR EXISTS (SELECT 1 FROM quiz_answers a WHERE a.post_id = p.id AND a.user_key = :u)"
            " GROUP BY question_id", {"u": user_key})
        return {r["question_id"]: int(r["n"]) for r in rows}

    # timed rounds

    async def round_start(self, *, chat_key: str, platform: str, chat_id: str, chat_kind: str,
                          started_by: str, lang: str, term_id: str | None, size: int,
                          seconds: int, now: str) -> int | None:
        try:
            async with self._db.execute(
                "INSERT INTO quiz_rounds (chat_key, platform, chat_id, chat_kind, started_by,"
                " lang, term_id, size, seconds, due, status, started_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)",
                (chat_key, platform, chat_id, chat_kind, started_by, lang, term_id, size,
                 seconds, now, now),
            ) as cur:
                return int(cur.lastrowid or 0)
        except sqlite3.IntegrityError:  # quiz_rounds_running: one running round per chat
            return None

    async def round_get(self, round_id: int) -> QuizRound | None:
        return await self._one(QuizRound, "SELECT * FROM quiz_rounds WHERE id = ?", (round_id,))

    async def round_running(self, chat_key: str) -> QuizRound | None:
        return await self._one(QuizRound, "SELECT * FROM quiz_rounds WHERE chat_key = ?"
                               " AND status = 'running'", (chat_key,))

    async def rounds_running(self) -> list[QuizRound]:
        return await self._all(QuizRound, "SELECT * FROM quiz_rounds WHERE status = 'running'"
                               " ORDER BY due, id")

    async def round_add_post(self, round_id: int, position: int, post_id: int, due: str,
                             message_id: str | None = None) -> None:
        async with self._transaction():
            await self._db.execute(
                "INSERT INTO quiz_round_posts (round_id, position, post_id, message_id)"
                " VALUES (?, ?, ?, ?)", (round_id, position, post_id, message_id))
            await self._db.execute("UPDATE quiz_rounds SET asked = ?, due = ? WHERE id = ?",
                                   (position, due, round_id))

    async def round_posts(self, round_id: int) -> list[RoundPost]:
        return await self._all(RoundPost, "SELECT * FROM quiz_round_posts WHERE round_id = ?"
                               " ORDER BY position", (round_id,))

    async def post_revealed(self, post_id: int) -> bool:
        row = await self._row("SELECT MAX(revealed) AS r FROM quiz_round_posts WHERE post_id = ?",
                              (post_id,))
        return bool(row and row["r"])

    async def round_revealed(self, round_id: int, position: int, due: str | None) -> None:
        async with self._transaction():
            await self._db.execute("UPDATE quiz_round_posts SET revealed = 1 WHERE round_id = ?"
                                   " AND position = ?", (round_id, position))
            await self._db.execute("UPDATE quiz_rounds SET due = ? WHERE id = ?", (due, round_id))

    async def round_end(self, round_id: int, status: str, now: str) -> bool:
        async with self._db.execute(
            "UPDATE quiz_rounds SET status = ?, ended_at = ?, due = NULL WHERE id = ?"
            " AND status = 'running'", (status, now, round_id)) as cur:
            return cur.rowcount == 1

    async def round_board(self, round_id: int) -> list[BoardRow]:
        return await self._all(
            BoardRow, "SELECT a.user_key, COALESCE(s.user_name, '') AS user_name,"
            " COUNT(*) AS answered, SUM(a.correct) AS correct FROM quiz_round_posts r"
            " JOIN quiz_answers a ON a.post_id = r.post_id LEFT JOIN scores s"
            " ON s.chat_key = a.chat_key AND s.user_key = a.user_key WHERE r.round_id = ?"
            " GROUP BY a.user_key ORDER BY correct DESC, answered ASC, a.user_key", (round_id,))

    async def answers_in_chat(self, chat_key: str, user_key: str) -> list[Answer]:
        return await self._all(
            Answer, "SELECT * FROM quiz_answers WHERE chat_key = ? AND user_key = ?"
            " ORDER BY answered_at, post_id", (chat_key, user_key))

    async def forget_user(self, user_key: str) -> int:
        """Delete a user's answers, scores and reviews everywhere; the number of rows removed."""
        removed = 0
        async with self._transaction():
            for table in ("quiz_answers", "scores", "srs_items", *CHALLENGE_TABLES):
                async with self._db.execute(f"DELETE FROM {table} WHERE user_key = ?",
                                            (user_key,)) as cur:
                    removed += max(cur.rowcount, 0)
        return removed

    async def user_has_practice_data(self, user_key: str) -> bool:
        row = await self._row(
            "SELECT EXISTS (SELECT 1 FROM quiz_answers WHERE user_key = :u)"
            " OR EXISTS (SELECT 1 FROM scores WHERE user_key = :u)"
            " OR EXISTS (SELECT 1 FROM srs_items WHERE user_key = :u)"
            " OR EXISTS (SELECT 1 FROM challenge_attempts WHERE user_key = :u) AS any_", {"u": user_key})
        return bool(row and row["any_"])

    # daily posts

    # Days, streaks and weeks are counted in the chat's zone: every quiz answer and score reads
    # it. Zones live in memory like the languages: loaded at startup, kept in step by daily_set
    # (the only statement that writes one).

    async def _load_chat_tzs(self) -> None:
        self._chat_tzs = {r[0]: r[1] for r in await self._db.execute_fetchall(
            "SELECT chat_key, tz FROM daily_targets")}

    async def chat_tz(self, chat_key: str) -> str | None:
        return self._chat_tzs.get(chat_key)

    async def daily_target(self, chat_key: str) -> DailyTarget | None:
        return await self._one(DailyTarget, "SELECT * FROM daily_targets WHERE chat_key = ?",
                               (chat_key,))

    async def daily_set(self, *, chat_key: str, platform: str, chat_id: str, chat_kind: str,
                        at_time: str, tz: str, next_day: str, next_due: str, now: str) -> None:
        await self._db.execute(
            "INSERT INTO daily_targets (chat_key, platform, chat_id, chat_kind, at_time, tz,"
            " enabled, next_day, next_due, disabled_reason, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, NULL, ?) ON CONFLICT (chat_key) DO UPDATE SET"
            " platform = excluded.platform, chat_id = excluded.chat_id,"
            " chat_kind = excluded.chat_kind, at_time = excluded.at_time, tz = excluded.tz,"
            " enabled = 1, next_day = excluded.next_day, next_due = excluded.next_due,"
            " disabled_reason = NULL, updated_at = excluded.updated_at, taken_by = NULL",
            (chat_key, platform, chat_id, chat_kind, at_time, tz, next_day, next_due, now),
        )
        self._chat_tzs[chat_key] = tz  # after the write: a refused one changes nothing

    async def daily_disable(self, chat_key: str, reason: str, now: str) -> bool:
        async with self._db.execute(
            "UPDATE daily_targets SET enabled = 0, disabled_reason = ?, updated_at = ?"
            " WHERE chat_key = ? AND enabled = 1", (reason, now, chat_key),
        ) as cur:
            return cur.rowcount == 1

    async def daily_next_due(self, platforms: list[str], instance: str | None = None
                             ) -> str | None:
        """The earliest due instant among enabled targets on the given platforms."""
        marks = ",".join("?" * len(platforms)) or "NULL"
        return await self._scalar(
            f"SELECT MIN(next_due) FROM daily_targets WHERE enabled = 1 AND platform IN ({marks})"
            " AND (? IS NULL OR taken_by IS NULL OR taken_by = ?)",
            (*platforms, instance, instance))

    async def daily_due(self, now: str, platforms: list[str], limit: int = 500
                        ) -> list[DailyTarget]:
        marks = ",".join("?" * len(platforms)) or "NULL"
        return await self._all(
            DailyTarget, "SELECT * FROM daily_targets WHERE enabled = 1 AND next_due <= ?"
            f" AND platform IN ({marks}) ORDER BY next_due, chat_key LIMIT ?",
            (now, *platforms, limit))

    # The fleet's moves (DailyStore). SQLite serves one process (the lock file refuses a
    # second), so the same statements need no row locks here: transactions run one at a time.

    async def daily_heartbeat(self, instance: str, now: str, alive_until: str) -> int:
        def beat(conn: sqlite3.Connection) -> int:
            conn.execute(
                "INSERT INTO daily_instances (instance, started_at, alive_until) VALUES (?, ?, ?)"
                " ON CONFLICT (instance) DO UPDATE SET alive_until = excluded.alive_until",
                (instance, now, alive_until))
            return int(conn.execute("SELECT COUNT(*) FROM daily_instances WHERE alive_until > ?",
                                    (now,)).fetchone()[0])

        return await self._in_one_transaction(beat)

    async def daily_leave(self, instance: str) -> None:
        await self._db.execute("DELETE FROM daily_instances WHERE instance = ?", (instance,))

    async def daily_take(self, now: str, platforms: list[str], instance: str, limit: int
                         ) -> list[DailyTarget]:
        marks = ",".join("?" * len(platforms)) or "NULL"

        def take(conn: sqlite3.Connection) -> list[DailyTarget]:
            rows = conn.execute(
                "SELECT * FROM daily_targets t WHERE enabled = 1 AND next_due <= ?"
                f" AND platform IN ({marks}) AND (taken_by IS NULL"
                "  OR NOT EXISTS (SELECT 1 FROM daily_instances i WHERE i.instance = t.taken_by"
                "  AND i.alive_until > ?)) ORDER BY next_due, chat_key LIMIT ?",
                (now, *platforms, now, limit)).fetchall()
            conn.executemany("UPDATE daily_targets SET taken_by = ? WHERE chat_key = ?",
                             [(instance, r["chat_key"]) for r in rows])
            return [make(DailyTarget, {**dict(r), "taken_by": instance}) for r in rows]

        return await self._in_one_transaction(take)

    async def daily_adopt(self, now: str, instance: str, limit: int = 500, *, own: bool = True
                          ) -> list[LedgerEntry]:
        """Leftovers of processes whose lease ran out, and with `own` this process's own (it
        asks for them between passes, when none of its sends is under way)."""
        dead = ("NOT EXISTS (SELECT 1 FROM daily_instances i WHERE i.instance = {col}"
                " AND i.alive_until > :now)")

        def adopt(conn: sqlite3.Connection) -> list[LedgerEntry]:
            # Without `own`, :mine matches nothing (no process is named ''), so only lapsed
            # processes' leftovers are taken.
            args = {"now": now, "me": instance, "mine": instance if own else "", "limit": limit}
            conn.execute(
                "UPDATE daily_messages SET status = 'unknown', updated_at = :now,"
                " detail = 'in flight when its process stopped' WHERE status = 'sending'"
                f" AND (sent_by IS NULL OR sent_by = :mine OR {dead.format(col='sent_by')})", args)
            conn.execute(
                "UPDATE daily_targets SET taken_by = NULL WHERE taken_by IS NOT NULL"
                f" AND (taken_by = :mine OR {dead.format(col='taken_by')})", args)
            rows = conn.execute(
                "SELECT chat_key, local_day FROM daily_ledger WHERE status = 'claimed'"
                f" AND (owner IS NULL OR owner = :mine OR {dead.format(col='owner')})"
                " AND owner IS NOT :me ORDER BY updated_at, chat_key LIMIT :limit", args).fetchall()
            conn.executemany(
                "UPDATE daily_ledger SET owner = ? WHERE chat_key = ? AND local_day = ?",
                [(instance, r[0], r[1]) for r in rows])
            conn.execute(
                "DELETE FROM daily_instances WHERE alive_until <= :now AND instance NOT IN"
                " (SELECT owner FROM daily_ledger WHERE status = 'claimed' AND owner IS NOT NULL)",
                args)
            mine = {(r[0], r[1]) for r in rows}
            return [make(LedgerEntry, r) for r in conn.execute(
                "SELECT * FROM daily_ledger WHERE status = 'claimed' AND owner = ?"
                " ORDER BY updated_at, chat_key", (instance,)).fetchall()
                if own or (r["chat_key"], r["local_day"]) in mine]

        return await self._in_one_transaction(adopt)

    async def daily_next_adoption(self, instance: str) -> str | None:
        return await self._scalar(
            "SELECT MIN(x) FROM ("
            " SELECT i.alive_until AS x FROM daily_instances i WHERE i.instance <> ? AND ("
            "  EXISTS (SELECT 1 FROM daily_ledger l WHERE l.status = 'claimed'"
            "          AND l.owner = i.instance)"
            "  OR EXISTS (SELECT 1 FROM daily_targets t WHERE t.taken_by = i.instance))"
            " UNION ALL SELECT MIN(l.updated_at) FROM daily_ledger l WHERE l.status = 'claimed'"
            "  AND (l.owner IS NULL OR (l.owner <> ? AND NOT EXISTS"
            "       (SELECT 1 FROM daily_instances i WHERE i.instance = l.owner)))"
            " UNION ALL SELECT MIN(t.next_due) FROM daily_targets t WHERE t.taken_by <> ?"
            "  AND NOT EXISTS (SELECT 1 FROM daily_instances i WHERE i.instance = t.taken_by))",
            (instance,) * 3)

    async def daily_advance(self, *, chat_key: str, day: str, status: str, detail: str | None,
                            next_day: str, next_due: str, now: str) -> None:
        """Record a day that will not be posted (missed while down) and move to the next."""
        async with self._transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO daily_ledger (chat_key, local_day, status, detail,"
                " updated_at) VALUES (?, ?, ?, ?, ?)", (chat_key, day, status, detail, now))
            await self._db.execute(
                "UPDATE daily_targets SET next_day = ?, next_due = ?, taken_by = NULL"
                " WHERE chat_key = ? AND next_day = ?", (next_day, next_due, chat_key, day))

    async def daily_claim(self, *, chat_key: str, day: str, term_id: str, cycle: int,
                          question_id: str, next_day: str, next_due: str, now: str,
                          choice_order: tuple[int, ...] = (), owner: str | None = None,
                          parts: tuple[str, ...] = ("post",)) -> int | None:
        """Claim one target's post for one local day: ledger row 'claimed' by `owner`, one
        'pending' row per message, the term marked shown, the question posted and the target
        moved to its next day, in one transaction. The post id, or None when that day already
        has a ledger row (never post twice).

        All of it runs in the database's thread in one go: as separate awaited statements it
        was 7 hops between threads while holding the transaction lock, and a fan-out's claims
        queued ~85 ms each behind one another."""

        def claim(conn: sqlite3.Connection) -> int | None:
            post_id = None
            if conn.execute(
                    "INSERT OR IGNORE INTO daily_ledger (chat_key, local_day, status, term_id,"
                    " updated_at, owner) VALUES (?, ?, 'claimed', ?, ?, ?)",
                    (chat_key, day, term_id, now, owner)).rowcount == 1:
                conn.execute(
                    "INSERT OR IGNORE INTO daily_rotation (chat_key, cycle, term_id, shown_at)"
                    " VALUES (?, ?, ?, ?)", (chat_key, cycle, term_id, now))
                post_id = int(conn.execute(
                    "INSERT INTO quiz_posts (chat_key, question_id, source, posted_at,"
                    " choice_order) VALUES (?, ?, 'daily', ?, ?)",
                    (chat_key, question_id, now, order_text(choice_order))).lastrowid or 0)
                conn.execute(
                    "UPDATE daily_ledger SET post_id = ? WHERE chat_key = ? AND local_day = ?",
                    (post_id, chat_key, day))
                conn.executemany(
                    "INSERT INTO daily_messages (chat_key, local_day, part, kind, status,"
                    " updated_at) VALUES (?, ?, ?, ?, 'pending', ?)",
                    [(chat_key, day, n, kind, now) for n, kind in enumerate(parts, start=1)])
            conn.execute(
                "UPDATE daily_targets SET next_day = ?, next_due = ?, taken_by = NULL"
                " WHERE chat_key = ? AND next_day = ?", (next_day, next_due, chat_key, day))
            conn.execute("UPDATE daily_targets SET taken_by = NULL WHERE chat_key = ?"
                         " AND taken_by = ?", (chat_key, owner))
            return post_id

        return await self._in_one_transaction(claim)

    async def daily_record(self, chat_key: str, day: str, status: str, detail: str | None,
                           now: str) -> None:
        await self._db.execute(
            "UPDATE daily_ledger SET status = ?, detail = ?, updated_at = ?, owner = NULL"
            " WHERE chat_key = ? AND local_day = ?", (status, detail, now, chat_key, day))

    async def daily_message_start(self, chat_key: str, day: str, part: int, instance: str,
                                  now: str) -> bool:
        async with self._db.execute(
            "UPDATE daily_messages SET status = 'sending', sent_by = ?, updated_at = ?"
            " WHERE chat_key = ? AND local_day = ? AND part = ? AND status = 'pending'"
            " AND EXISTS (SELECT 1 FROM daily_ledger l WHERE l.chat_key = ? AND l.local_day = ?"
            " AND l.status = 'claimed' AND l.owner = ?)",
            (instance, now, chat_key, day, part, chat_key, day, instance)) as cur:
            return cur.rowcount == 1

    async def daily_message_done(self, chat_key: str, day: str, part: int, status: str,
                                 detail: str | None, now: str) -> None:
        await self._db.execute(
            "UPDATE daily_messages SET status = ?, detail = ?, updated_at = ? WHERE chat_key = ?"
            " AND local_day = ? AND part = ? AND status IN ('pending', 'sending', 'unknown')",
            (status, detail, now, chat_key, day, part))

    async def daily_messages(self, chat_key: str, day: str) -> list[DailyMessage]:
        return await self._all(
            DailyMessage, "SELECT * FROM daily_messages WHERE chat_key = ? AND local_day = ?"
            " ORDER BY part", (chat_key, day))

    async def daily_ledger(self, chat_key: str, limit: int = 7) -> list[LedgerEntry]:
        return await self._all(
            LedgerEntry, "SELECT * FROM daily_ledger WHERE chat_key = ? ORDER BY local_day DESC LIMIT ?",
            (chat_key, limit))

    async def daily_ledger_day(self, chat_key: str, day: str) -> LedgerEntry | None:
        return await self._one(
            LedgerEntry, "SELECT * FROM daily_ledger WHERE chat_key = ? AND local_day = ?", (chat_key, day))

    async def daily_ledger_counts(self) -> dict[str, int]:
        rows = await self._rows("SELECT status, COUNT(*) AS n FROM daily_ledger GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    async def daily_rotation(self, chat_key: str) -> tuple[int, set[str]]:
        """The chat's current rotation cycle and the terms already shown in it."""
        rows = await self._rows(
            "SELECT cycle, term_id FROM daily_rotation WHERE chat_key = ? AND cycle ="
            " (SELECT COALESCE(MAX(cycle), 0) FROM daily_rotation WHERE chat_key = ?)",
            (chat_key, chat_key))
        cycle = rows[0]["cycle"] if rows else 0
        return cycle, {r["term_id"] for r in rows}

    # A chat's daily track lives in memory like its zone: read on every post of a fan-out, so
    # never a database hop there; loaded at startup, kept in step by daily_set_track.

    async def _load_daily_tracks(self) -> None:
        self._daily_tracks = {r[0]: r[1] for r in await self._db.execute_fetchall(
            "SELECT chat_key, track FROM daily_tracks")}

    async def daily_track(self, chat_key: str) -> str:
        return self._daily_tracks.get(chat_key, DAILY_TRACKS[0])

    async def daily_set_track(self, chat_key: str, track: str, now: str) -> None:
        if track not in DAILY_TRACKS:
            raise ValueError(f"unknown daily track {track!r}: one of {DAILY_TRACKS}")
        await self._db.execute(
            "INSERT INTO daily_tracks (chat_key, track, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key) DO UPDATE SET track = excluded.track,"
            " updated_at = excluded.updated_at", (chat_key, track, now))
        self._daily_tracks[chat_key] = track  # after the write: a refused one changes nothing

    async def daily_mark_shown(self, chat_key: str, cycle: int, term_id: str, now: str) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO daily_rotation (chat_key, cycle, term_id, shown_at)"
            " VALUES (?, ?, ?, ?)", (chat_key, cycle, term_id, now))

    # spaced repetition

    async def srs_get(self, user_key: str, item: str) -> SrsItem | None:
        return await self._one(SrsItem, "SELECT * FROM srs_items WHERE user_key = ? AND item = ?",
                               (user_key, item))

    async def srs_put(self, user_key: str, item: str, *, due: str, state_json: str,
                      reason: str | None, now: str) -> None:
        await self._db.execute(
            "INSERT INTO srs_items (user_key, item, due, state_json, reason, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_key, item) DO UPDATE SET"
            " due = excluded.due, state_json = excluded.state_json,"
            " reason = COALESCE(excluded.reason, reason), updated_at = excluded.updated_at",
            (user_key, item, due, state_json, reason, now))

    async def srs_due(self, user_key: str, now: str, limit: int = 20) -> list[SrsItem]:
        return await self._all(
            SrsItem, "SELECT * FROM srs_items WHERE user_key = ? AND due <= ? ORDER BY due, item LIMIT ?",
            (user_key, now, limit))

    async def srs_items(self, user_key: str) -> set[str]:
        rows = await self._rows("SELECT item FROM srs_items WHERE user_key = ?", (user_key,))
        return {r["item"] for r in rows}

    async def srs_next_due(self, user_key: str) -> str | None:
        return await self._scalar("SELECT MIN(due) FROM srs_items WHERE user_key = ?", (user_key,))

    # -- telegram: quiz polls (issue 6) -------------------------------------------------------

    async def telegram_poll_add(self, *, poll_id: str, post_id: int, chat_id: str, chat_kind: str,
                                message_id: int, now: str) -> None:
        await self._db.execute(
            "INSERT OR REPLACE INTO telegram_polls (poll_id, post_id, chat_id, chat_kind,"
            " message_id, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
            (poll_id, post_id, chat_id, chat_kind, message_id, now))

    async def telegram_poll(self, poll_id: str) -> TelegramPoll | None:
        """The posted question and chat a poll stands for, or None for a poll we never sent."""
        return await self._one(TelegramPoll, "SELECT * FROM telegram_polls WHERE poll_id = ?",
                               (poll_id,))


    # -- per-user limits (the /run cooldown) and fleet-wide locks ------------------------------

    async def cooldown_take(self, scope: str, user_key: str, period_s: float) -> CooldownTake:
        # One statement on the one connection: two takes of a user cannot interleave. This
        # process is the file's only one, so its clock is the only clock.
        at = time.time()
        rows = await self._db.execute_fetchall(
            "INSERT INTO user_cooldowns AS c (scope, user_key, last_at) VALUES (:s, :u, :at)"
            " ON CONFLICT (scope, user_key) DO UPDATE SET previous_at = c.last_at,"
            " last_at = excluded.last_at WHERE c.last_at <= excluded.last_at - :p"
            " RETURNING last_at", {"s": scope, "u": user_key, "at": at, "p": period_s})
        if rows:
            return CooldownTake(True, rows[0][0])
        last = await self._scalar(
            "SELECT last_at FROM user_cooldowns WHERE scope = ? AND user_key = ?", (scope, user_key))
        last_at = float(last) if last is not None else at
        return CooldownTake(False, last_at, min(period_s, max(0.0, last_at + period_s - at)))

    async def cooldown_give_back(self, scope: str, user_key: str, at: float) -> None:
        await self._db.execute(
            "DELETE FROM user_cooldowns WHERE scope = ? AND user_key = ? AND last_at = ?"
            " AND previous_at IS NULL", (scope, user_key, at))
        await self._db.execute(
            "UPDATE user_cooldowns SET last_at = previous_at, previous_at = NULL"
            " WHERE scope = ? AND user_key = ? AND last_at = ?", (scope, user_key, at))

    async def platform_value(self, name: str) -> str | None:
        return await self._scalar("SELECT value FROM platform_values WHERE name = ?", (name,))

    async def platform_values(self, prefix: str) -> dict[str, str]:
        rows = await self._db.execute_fetchall(
            "SELECT name, value FROM platform_values WHERE substr(name, 1, length(?1)) = ?1",
            (prefix,))
        return {row[0][len(prefix):]: row[1] for row in rows}

    async def forget_platform_value(self, name: str) -> None:
        await self._db.execute("DELETE FROM platform_values WHERE name = ?", (name,))

    async def set_platform_value(self, name: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO platform_values (name, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at", (name, value, _now()))

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[Held]:
        """Always held, never lost: the file's lock already makes this the only process on the
        database."""
        yield Held(True)


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script (sqlite3's complete_statement knows where they end)."""
    import sqlite3

    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the lock
