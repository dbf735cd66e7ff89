"""The storage suite runs against both backends: `storage` is SQLite in a temporary folder or
PostgreSQL in a fresh schema of the real server the session starts (`pg`, tests/conftest.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.storage import Storage
from bot.storage.postgresql import PostgresStorage
from tests.storage import pg_server

# What a constraint the schema enforces raises, in either backend.
INTEGRITY = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


@pytest.fixture
async def pg_url(pg: pg_server.PgServer) -> str:
    """A fresh PostgreSQL database (schema) of the session's server."""
    return await pg.fresh_url()


@pytest.fixture(params=["sqlite", "postgresql"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path
                  ) -> AsyncIterator[Storage | PostgresStorage]:
    """Each backend in turn, freshly migrated."""
    if request.param == "sqlite":
        db: Storage | PostgresStorage = await Storage.open(tmp_path / "data" / "test.sqlite3")
    else:
        db = await PostgresStorage.open(await request.getfixturevalue("pg").fresh_url())
    yield db
    await db.close()
