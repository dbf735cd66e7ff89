"""The storage suite runs against both backends: `storage` is SQLite in a temporary folder or
PostgreSQL in a fresh schema of one real server started for the session (tests/storage/
pg_server.py). Where that server cannot start, its tests skip locally and FAIL under CI=true."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.storage import Storage
from bot.storage.postgresql import PostgresStorage
from tests.storage import pg_server

# What a constraint the schema enforces raises, in either backend.
INTEGRITY = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_server.PgServer]:
    try:
        server = pg_server.start()
    except pg_server.PgUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()


async def fresh_schema_url(server: pg_server.PgServer) -> str:
    """A URL whose tables live in a schema of their own (a fresh database, cheaply)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(server.url())
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    return f"{server.url()}?search_path={schema}"


@pytest.fixture
async def pg_url(pg: pg_server.PgServer) -> str:
    return await fresh_schema_url(pg)


@pytest.fixture(params=["sqlite", "postgresql"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path
                  ) -> AsyncIterator[Storage | PostgresStorage]:
    """Each backend in turn, freshly migrated."""
    if request.param == "sqlite":
        db: Storage | PostgresStorage = await Storage.open(tmp_path / "data" / "test.sqlite3")
    else:
        db = await PostgresStorage.open(await fresh_schema_url(request.getfixturevalue("pg")))
    yield db
    await db.close()
