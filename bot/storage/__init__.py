"""Persistence behind the core's storage ports (bot/core/ports/storage.py): SQLite, the embedded
default for one process (`sqlite.py`), or PostgreSQL for one or many processes
(`postgresql.py`). All SQL of the bot lives in this package; each backend's schema changes only
by its numbered migrations (`migrations/NNNN_*.sql`, `migrations/postgresql/NNNN_*.sql`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage._common import StorageUnavailable
from bot.storage.sqlite import Storage

if TYPE_CHECKING:
    from bot.core.ports.storage import Store

__all__ = ["Storage", "StorageUnavailable", "open_store"]


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


async def open_store(*, url: str | None, path: Path | str) -> Store:
    """PostgreSQL when `url` is set (STORAGE__URL), else SQLite at `path` (STORAGE__PATH).
    StorageUnavailable (one line for a person) when it cannot be opened."""
    if url:
        if not is_postgres_url(url):
            raise StorageUnavailable("STORAGE__URL must start with postgresql:// (or be empty for"
                                     " SQLite at STORAGE__PATH)")
        from bot.storage.postgresql import PostgresStorage  # asyncpg only when asked for

        return await PostgresStorage.open(url)
    import sqlite3

    try:
        return await Storage.open(path)
    except (OSError, sqlite3.Error) as exc:
        raise StorageUnavailable(f"cannot open the database STORAGE__PATH={path}: {exc}") from None
