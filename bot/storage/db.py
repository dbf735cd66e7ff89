"""All SQL of the bot, parameterised, in one place.

aiosqlite runs sqlite3 in its own thread, so no query ever blocks the event loop. The schema
changes only through `migrations/NNNN_name.sql`, applied in order at startup and recorded in
`schema_version`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)
_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


class Storage:
    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._db = conn
        self.path = path

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
        return storage

    async def close(self) -> None:
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
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split_sql(sql):
                    await self._db.execute(statement)
                await self._db.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
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

    async def user_lang(self, user_key: str) -> str | None:
        return await self._scalar("SELECT lang FROM user_prefs WHERE user_key = ?", (user_key,))

    async def set_user_lang(self, user_key: str, lang: str) -> None:
        await self._db.execute(
            "INSERT INTO user_prefs (user_key, lang, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_key) DO UPDATE SET lang = excluded.lang,"
            " updated_at = excluded.updated_at",
            (user_key, lang, _now()),
        )

    async def chat_lang(self, chat_key: str) -> str | None:
        return await self._scalar("SELECT lang FROM chat_prefs WHERE chat_key = ?", (chat_key,))

    async def set_chat_lang(self, chat_key: str, lang: str) -> None:
        await self._db.execute(
            "INSERT INTO chat_prefs (chat_key, lang, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_key) DO UPDATE SET lang = excluded.lang,"
            " updated_at = excluded.updated_at",
            (chat_key, lang, _now()),
        )

    # -- guided path -------------------------------------------------------------------------

    async def mark_seen(self, user_key: str, term_id: str) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO seen_terms (user_key, term_id, first_seen) VALUES (?, ?, ?)",
            (user_key, term_id, _now()),
        )

    async def seen_terms(self, user_key: str) -> set[str]:
        async with self._db.execute(
            "SELECT term_id FROM seen_terms WHERE user_key = ?", (user_key,)
        ) as cur:
            return {row[0] for row in await cur.fetchall()}

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
        async with self._db.execute(sql, params) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]


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
