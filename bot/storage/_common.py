"""What both backends share: the migration files, the ports' rows from database rows, the clock
of `updated_at` columns, and the one error a caller may show instead of a traceback."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Literal, TypeVar

from bot.core.ports.storage import Answer, DailyTarget, QuizPost, RoundPost

log = logging.getLogger(__name__)
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
_BOOLEANS: dict[type, tuple[str, ...]] = {Answer: ("correct",), DailyTarget: ("enabled",),
                                          RoundPost: ("revealed",)}


def make(cls: type[R], row: Any) -> R:
    """A port's frozen row from a database row whose column names are its fields."""
    values = dict(row)
    for name in _BOOLEANS.get(cls, ()):
        values[name] = bool(values[name])
    if cls is QuizPost:
        values["choice_order"] = order_of(values.get("choice_order"))
    return cls(**values)


def order_text(order: tuple[int, ...]) -> str | None:
    """A post's choice order as stored: "3,1,2"; None for the bank's own order."""
    return ",".join(str(n) for n in order) if order else None


def order_of(text: str | None) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(",")) if text else ()


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


SEEN_WRITE_AFTER_S = 0.25  # seen marks wait this long to be written together


class SeenMarks:
    """Cards marked seen, waiting a moment to be written together by `write(rows)`.

    Every /term marks its card seen (hundreds a second under load); the mark must not hold up
    the answer nor cost a commit each. Marks wait here and a moment later go to the database
    in one write; the store's `seen_terms` adds this process's waiting ones. A crash loses at
    most that moment's marks (the guided path offers those cards once more), and another
    process sees them that moment later: nothing read here stands for another process's data.
    The writer task is the store's: `close()` cancels its wait and writes what is left."""

    def __init__(self, write: Callable[[list[tuple[str, str, str]]], Awaitable[None]]) -> None:
        self._write_rows = write
        self._marks: dict[str, dict[str, str]] = {}  # user -> term -> first seen
        self._writer: asyncio.Task[None] | None = None
        self._waiting = False

    def add(self, user_key: str, term_id: str) -> None:
        self._marks.setdefault(user_key, {}).setdefault(term_id, now())
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon(), name="storage:seen-marks")

    def waiting(self, user_key: str) -> set[str]:
        return set(self._marks.get(user_key, ()))

    async def _write_soon(self) -> None:
        self._waiting = True
        try:
            await asyncio.sleep(SEEN_WRITE_AFTER_S)
        except asyncio.CancelledError:
            return  # closing: close() writes them itself
        finally:
            self._waiting = False
        await self.write()

    async def write(self) -> None:
        marks, self._marks = self._marks, {}
        rows = [(user, term, at) for user, terms in marks.items() for term, at in terms.items()]
        if not rows:
            return
        try:
            await self._write_rows(rows)
        except Exception:
            log.exception("storage: could not record %d seen card(s); kept for the next try",
                          len(rows))
            for user, term, at in rows:
                self._marks.setdefault(user, {}).setdefault(term, at)

    async def close(self) -> None:
        writer = self._writer
        if writer is not None and not writer.done():
            if self._waiting:
                writer.cancel()  # only its wait: a write under way is let finish
            await writer
        await self.write()
