"""Persistence: aiosqlite, WAL, numbered migrations. All SQL of the bot lives in `db.py`."""

from bot.storage.db import Storage

__all__ = ["Storage"]
