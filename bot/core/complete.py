"""Autocomplete: the named sources an option's `autocomplete` may name, answered from memory.

A platform with live suggestions (Discord) asks while the user types, and cannot wait for a
database round trip: every source here reads only what is loaded at start. Suggestions are
only that: a handler still checks the value it receives.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.clock import complete_zones
from bot.core.text import cut_line

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.types import Lang

LIMIT = 25  # Discord's cap on suggestions; more is refused
LABEL_MAX = 100  # a suggestion's shown name


def _terms(core: Core, typed: str, lang: Lang, limit: int) -> list[tuple[str, str]]:
    out = []
    for card in core.library.complete(typed, limit=limit):
        title = card.title(lang)
        out.append((card.id, title if title.casefold() == card.id else f"{title} ({card.id})"))
    return out


def _challenges(core: Core, typed: str, lang: Lang, limit: int) -> list[tuple[str, str]]:
    key = typed.strip().casefold()
    out = []
    for challenge in core.services.challenges:
        title = challenge.meta.title.get(lang)
        if key in challenge.id or key in title.casefold() or key == challenge.term:
            out.append((challenge.id, f"{challenge.id}: {title}"))
    return out[:limit]


def _demos(core: Core, typed: str, lang: Lang, limit: int) -> list[tuple[str, str]]:
    key = typed.strip().casefold().replace(" ", "-").replace("_", "-")
    demos = core.services.demos.values()
    starts = [d for d in demos if d.id.startswith(key)]
    inside = [d for d in demos if d not in starts
              and (key in d.id or key in d.meta.title.get(lang).casefold())]
    return [(d.id, f"{d.meta.title.get(lang)} ({d.id})") for d in (starts + inside)[:limit]]


def _zones(core: Core, typed: str, lang: Lang, limit: int) -> list[tuple[str, str]]:
    now = core.services.clock.now()
    return [(name, f"{name} ({_offset(now, name)})") for name in complete_zones(typed, limit)]


def _offset(now: datetime, name: str) -> str:
    """"UTC+05:30": the zone's offset now, so a learner can tell Asia/Kolkata from Asia/Dhaka."""
    offset = now.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


SOURCES = {"terms": _terms, "challenges": _challenges, "demos": _demos, "zones": _zones}


def complete(core: Core, source: str, typed: str, lang: Lang, limit: int = LIMIT
             ) -> list[tuple[str, str]]:
    """(value, label) suggestions for what is typed so far, at most `limit`; none for a source
    that does not exist."""
    found = SOURCES.get(source)
    if found is None:
        return []
    return [(value, cut_line(label, LABEL_MAX))
            for value, label in found(core, typed, lang, min(limit, LIMIT))]
