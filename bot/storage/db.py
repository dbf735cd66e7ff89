"""All SQL of the bot, parameterised, in one place: the SQLite implementation of the core's
storage ports (bot/core/ports/storage.py), returning their frozen rows.

aiosqlite runs sqlite3 in its own thread, so no query ever blocks the event loop. The schema
changes only through `migrations/NNNN_name.sql`, applied in order at startup and recorded in
`schema_version`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.core.ports.storage import (
    Answer,
    BoardRow,
    DailyTarget,
    LedgerEntry,
    QuizPost,
    Score,
    SrsItem,
    TelegramPoll,
)
from bot.storage.challenges import CHALLENGE_TABLES, ChallengeSQL

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
SEEN_WRITE_AFTER_S = 0.25  # seen marks wait this long to be written together
POSTS_KEPT = 512  # posted questions kept in memory (the latest read), ~1 KiB each
_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Columns stored as 0/1 that the ports' rows hold as booleans.
_BOOLEANS: dict[type, tuple[str, ...]] = {Answer: ("correct",), DailyTarget: ("enabled",)}


def _make(cls: type[R], row: Any) -> R:
    """A port's frozen row from a database row whose column names are its fields."""
    values = dict(row)
    for name in _BOOLEANS.get(cls, ()):
        values[name] = bool(values[name])
    return cls(**values)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration, in order."""
    found = []
    for item in resources.files("bot.storage").joinpath("migrations").iterdir():
        match = _MIGRATION_RE.match(item.name)
        if match:
            found.append((int(match[1]), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


class Storage(ChallengeSQL):
    """One object implementing every storage port: Preferences, QuizStore, DailyStore,
    PracticeStore, PlatformState and ChallengeStore (bot/storage/challenges.py)."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._db = conn
        self.path = path
        self._tx = asyncio.Lock()
        self._user_langs: dict[str, str] = {}
        self._chat_langs: dict[str, str] = {}
        self._chat_tzs: dict[str, str] = {}  # chat -> its daily schedule's zone (daily_set)
        self._posts: dict[int, QuizPost] = {}  # recently read posted questions (never changed)
        self._seen: dict[str, dict[str, str]] = {}  # user -> term -> first seen, not yet written
        self._seen_writer: asyncio.Task[None] | None = None
        self._seen_waiting = False

    @classmethod
    async def open(cls, path: Path | str) -> Storage:
        """Open (creating the file and its folder on first run) and migrate."""
        target = str(path)
        if target != ":memory:":
            await asyncio.to_thread(Path(target).parent.mkdir, parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        storage = cls(conn, target)
        await storage._migrate(migrations())
        await storage._load_langs()
        await storage._load_chat_tzs()
        return storage

    async def close(self) -> None:
        """Write what is still waiting (seen marks), then close."""
        writer = self._seen_writer
        if writer is not None and not writer.done():
            if self._seen_waiting:
                writer.cancel()  # only its wait: a write under way is let finish
            await writer
        await self._write_seen()
        await self._db.close()

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

    # Every /term marks its card seen (hundreds a second under load). The mark must neither hold
    # up the answer nor cost a commit each: marks wait in memory and a moment later go to the
    # database in one transaction (`seen_terms` counts them meanwhile). A crash loses at most
    # that moment's marks: the guided path would offer those cards once more.

    async def mark_seen(self, user_key: str, term_id: str) -> None:
        self._seen.setdefault(user_key, {}).setdefault(term_id, _now())
        if self._seen_writer is None or self._seen_writer.done():
            self._seen_writer = asyncio.create_task(self._write_seen_soon(),
                                                    name="storage:seen-marks")

    async def _write_seen_soon(self) -> None:
        self._seen_waiting = True
        try:
            await asyncio.sleep(SEEN_WRITE_AFTER_S)
        except asyncio.CancelledError:
            return  # closing: close() writes them itself
        finally:
            self._seen_waiting = False
        await self._write_seen()

    async def _write_seen(self) -> None:
        marks, self._seen = self._seen, {}
        rows = [(user, term, at) for user, terms in marks.items() for term, at in terms.items()]
        if not rows:
            return
        try:
            await self._in_one_transaction(lambda conn: conn.executemany(
                "INSERT OR IGNORE INTO seen_terms (user_key, term_id, first_seen)"
                " VALUES (?, ?, ?)", rows))
        except Exception:
            log.exception("storage: could not record %d seen card(s); kept for the next try",
                          len(rows))
            for user, term, at in rows:
                self._seen.setdefault(user, {}).setdefault(term, at)

    async def seen_terms(self, user_key: str) -> set[str]:
        stored = {row[0] for row in await self._db.execute_fetchall(
            "SELECT term_id FROM seen_terms WHERE user_key = ?", (user_key,))}
        return stored | set(self._seen.get(user_key, ()))

    # -- discord: slash command sync ----------------------------------------------------------

    async def discord_sync_hash(self, application_id: str, scope: str) -> str | None:
        return await self._scalar(
            "SELECT spec_hash FROM discord_command_sync WHERE application_id = ? AND scope = ?",
            (application_id, scope),
        )

    async def set_discord_sync_hash(self, application_id: str, scope: str, spec_hash: str) -> None:
        await self._db.execute(
            "INSERT INTO discord_command_sync (application_id, scope, spec_hash, synced_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (application_id, scope) DO UPDATE SET"
            " spec_hash = excluded.spec_hash, synced_at = excluded.synced_at",
            (application_id, scope, spec_hash, _now()),
        )

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
        return [_make(cls, row) for row in await self._db.execute_fetchall(sql, params)]

    async def _one(self, cls: type[R], sql: str, params: tuple | dict = ()) -> R | None:
        rows = await self._db.execute_fetchall(sql, params)
        return next((_make(cls, row) for row in rows), None)

    async def create_quiz_post(self, chat_key: str, question_id: str, source: str,
                               owner_key: str | None, now: str) -> int:
        async with self._db.execute(
            "INSERT INTO quiz_posts (chat_key, question_id, source, owner_key, posted_at)"
            " VALUES (?, ?, ?, ?, ?)", (chat_key, question_id, source, owner_key, now),
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
            " disabled_reason = NULL, updated_at = excluded.updated_at",
            (chat_key, platform, chat_id, chat_kind, at_time, tz, next_day, next_due, now),
        )
        self._chat_tzs[chat_key] = tz  # after the write: a refused one changes nothing

    async def daily_disable(self, chat_key: str, reason: str, now: str) -> bool:
        async with self._db.execute(
            "UPDATE daily_targets SET enabled = 0, disabled_reason = ?, updated_at = ?"
            " WHERE chat_key = ? AND enabled = 1", (reason, now, chat_key),
        ) as cur:
            return cur.rowcount == 1

    async def daily_next_due(self, platforms: list[str]) -> str | None:
        """The earliest due instant among enabled targets on the given platforms."""
        marks = ",".join("?" * len(platforms)) or "NULL"
        return await self._scalar(
            f"SELECT MIN(next_due) FROM daily_targets WHERE enabled = 1 AND platform IN ({marks})",
            tuple(platforms))

    async def daily_due(self, now: str, platforms: list[str], limit: int = 500
                        ) -> list[DailyTarget]:
        marks = ",".join("?" * len(platforms)) or "NULL"
        return await self._all(
            DailyTarget, "SELECT * FROM daily_targets WHERE enabled = 1 AND next_due <= ?"
            f" AND platform IN ({marks}) ORDER BY next_due, chat_key LIMIT ?",
            (now, *platforms, limit))

    async def daily_recover(self, now: str) -> int:
        """At startup: a post claimed but never recorded as sent may or may not have gone out.
        It becomes 'unknown' and is never resent (at most once beats twice)."""
        async with self._db.execute(
            "UPDATE daily_ledger SET status = 'unknown', detail = 'in flight when the bot stopped',"
            " updated_at = ? WHERE status = 'claimed'", (now,),
        ) as cur:
            return max(cur.rowcount, 0)

    async def daily_advance(self, *, chat_key: str, day: str, status: str, detail: str | None,
                            next_day: str, next_due: str, now: str) -> None:
        """Record a day that will not be posted (missed while down) and move to the next."""
        async with self._transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO daily_ledger (chat_key, local_day, status, detail,"
                " updated_at) VALUES (?, ?, ?, ?, ?)", (chat_key, day, status, detail, now))
            await self._db.execute(
                "UPDATE daily_targets SET next_day = ?, next_due = ? WHERE chat_key = ?"
                " AND next_day = ?", (next_day, next_due, chat_key, day))

    async def daily_claim(self, *, chat_key: str, day: str, term_id: str, cycle: int,
                          question_id: str, next_day: str, next_due: str, now: str) -> int | None:
        """Claim one target's post for one local day: ledger row 'claimed', the term marked
        shown, the question posted and the target moved to its next day, in one transaction.
        The post id, or None when that day already has a ledger row (never post twice).

        All of it runs in the database's thread in one go: as separate awaited statements it
        was 7 hops between threads while holding the transaction lock, and a fan-out's claims
        queued ~85 ms each behind one another."""

        def claim(conn: sqlite3.Connection) -> int | None:
            post_id = None
            if conn.execute(
                    "INSERT OR IGNORE INTO daily_ledger (chat_key, local_day, status, term_id,"
                    " updated_at) VALUES (?, ?, 'claimed', ?, ?)",
                    (chat_key, day, term_id, now)).rowcount == 1:
                conn.execute(
                    "INSERT OR IGNORE INTO daily_rotation (chat_key, cycle, term_id, shown_at)"
                    " VALUES (?, ?, ?, ?)", (chat_key, cycle, term_id, now))
                post_id = int(conn.execute(
                    "INSERT INTO quiz_posts (chat_key, question_id, source, posted_at)"
                    " VALUES (?, ?, 'daily', ?)", (chat_key, question_id, now)).lastrowid or 0)
                conn.execute(
                    "UPDATE daily_ledger SET post_id = ? WHERE chat_key = ? AND local_day = ?",
                    (post_id, chat_key, day))
            conn.execute(
                "UPDATE daily_targets SET next_day = ?, next_due = ? WHERE chat_key = ?"
                " AND next_day = ?", (next_day, next_due, chat_key, day))
            return post_id

        return await self._in_one_transaction(claim)

    async def daily_record(self, chat_key: str, day: str, status: str, detail: str | None,
                           now: str) -> None:
        await self._db.execute(
            "UPDATE daily_ledger SET status = ?, detail = ?, updated_at = ?"
            " WHERE chat_key = ? AND local_day = ?", (status, detail, now, chat_key, day))

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
