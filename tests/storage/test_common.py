"""The migration files of both backends."""

from pathlib import Path

import pytest

from bot.storage import postgresql, sqlite
from bot.storage._common import migrations
from bot.storage.postgresql import PostgresStorage
from bot.storage.sqlite import Storage


def test_migrations_are_uniquely_numbered_files_per_backend():
    for backend in ("sqlite", "postgresql"):
        versions = [v for v, _, _ in migrations(backend)]
        assert versions == sorted(set(versions)) and versions[0] == 1, backend


def test_every_sqlite_migration_has_a_postgresql_twin():
    """A schema change lands for both backends: migrations/NNNN_x.sql comes with a
    migrations/postgresql/NNNN_*.sql of the same number (and PostgreSQL has none of its own)."""
    sqlite = {v: name for v, name, _ in migrations("sqlite")}
    postgresql = {v for v, _, _ in migrations("postgresql")}
    assert {v: name for v, name in sqlite.items() if v not in postgresql} == {}  # need a twin
    assert postgresql - set(sqlite) == set()


async def _open_at(backend: str, where: str, monkeypatch: pytest.MonkeyPatch, upto: int):
    """A store of `backend` migrated only up to version `upto` (a deployment of that version)."""
    module = sqlite if backend == "sqlite" else postgresql
    with monkeypatch.context() as patch:
        patch.setattr(module, "migrations", lambda b: [m for m in migrations(b) if m[0] <= upto])
        if backend == "sqlite":
            return await Storage.open(where)
        return await PostgresStorage.open(where)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_0015_moves_the_sync_hashes_into_platform_values(
        backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    """Rows of Discord's command sync, Telegram's profile sync and the webhook's value, written
    at version 14, are in platform_values under their namespaced names after 0015; the two old
    tables are gone, and a restart would send nothing."""
    where = (str(tmp_path / "bot.sqlite3") if backend == "sqlite"
             else await request.getfixturevalue("pg").fresh_url())
    old = await _open_at(backend, where, monkeypatch, upto=14)
    rows = [
        ("discord_command_sync", ("42", "global", "d1", "t1")),
        ("discord_command_sync", ("42", "guild:7", "d2", "t2")),
        ("telegram_profile_sync", ("99", "commands:default:", "p1", "t3")),
        ("telegram_profile_sync", ("99", "description:en", "p2", "t4")),
        ("platform_values", ("telegram-webhook:99", "fp", "t5")),
    ]
    try:
        assert await old.schema_version() == 14
        for table, values in rows:
            if isinstance(old, Storage):
                await old._db.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values))})",
                                      values)
            else:
                marks = ", ".join(f"${n}" for n in range(1, len(values) + 1))
                await old._pool.execute(f"INSERT INTO {table} VALUES ({marks})", *values)
    finally:
        await old.close()
    new = await (Storage.open(where) if backend == "sqlite" else PostgresStorage.open(where))
    try:
        assert await new.schema_version() >= 15
        assert await new.platform_values("discord.commands:42:") == {"global": "d1", "guild:7": "d2"}
        assert await new.platform_values("telegram.profile:99:") == {"commands:default:": "p1",
                                                                     "description:en": "p2"}
        assert await new.platform_value("telegram-webhook:99") == "fp"
        if isinstance(new, Storage):
            tables = {r[0] for r in await new._db.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        else:
            tables = {r[0] for r in await new._pool.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
        assert "platform_values" in tables
        assert {"discord_command_sync", "telegram_profile_sync"} & tables == set()
    finally:
        await new.close()
