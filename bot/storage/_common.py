"""What both backends share: the migration files, the ports' rows from database rows, the clock
of `updated_at` columns, and the one error a caller may show instead of a traceback."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Literal, TypeVar

from bot.core.ports.storage import Answer, DailyTarget

R = TypeVar("R")
Backend = Literal["sqlite", "postgresql"]
_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# SQLite's files sit at the top of migrations/ (the embedded default, where every branch adds
# its numbers); each has a twin of the same number under migrations/postgresql/.
_FOLDERS: dict[str, tuple[str, ...]] = {"sqlite": ("migrations",),
                                        "postgresql": ("migrations", "postgresql")}


class StorageUnavailable(Exception):
    """The store cannot be opened or used as configured; the message is one line for a person."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# Columns stored as 0/1 (in both backends) that the ports' rows hold as booleans.
_BOOLEANS: dict[type, tuple[str, ...]] = {Answer: ("correct",), DailyTarget: ("enabled",)}


def make(cls: type[R], row: Any) -> R:
    """A port's frozen row from a database row whose column names are its fields."""
    values = dict(row)
    for name in _BOOLEANS.get(cls, ()):
        values[name] = bool(values[name])
    return cls(**values)


def migrations(backend: Backend = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration of a backend, in order."""
    folder = resources.files("bot.storage")
    for part in _FOLDERS[backend]:
        folder = folder.joinpath(part)
    found = []
    for item in folder.iterdir():
        match = _MIGRATION_RE.match(item.name)
        if match and item.is_file():
            found.append((int(match[1]), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two {backend} migrations share a number: {versions}")
    return found
