"""Time for the practice features: an injectable clock, and local days in IANA time zones.

Everything stored is UTC; "days" (streaks, the daily ledger) are local dates in a chat's zone.
The clock is a port: features read `ctx.services.clock` (tests hand in a fake one), so nothing
here reads the wall clock but `SystemClock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

DEFAULT_TZ = "UTC"  # a chat without a daily schedule counts its days in UTC
_HHMM_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        """Return when `event` is set or `seconds` have passed, whichever is first."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        # Sleeping on the event (not polling it) is what keeps the scheduler idle: the loop
        # wakes it only at the deadline or when a schedule changes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=max(seconds, 0.0))


SYSTEM_CLOCK = SystemClock()


def iso(dt: datetime) -> str:
    """The one stored form of an instant: UTC, seconds, sortable as text."""
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def zone(name: str) -> ZoneInfo | None:
    """An IANA zone by name (case-insensitive for the common mistakes), or None."""
    name = name.strip()
    if not name or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    # "asia/kolkata" -> "Asia/Kolkata"; zoneinfo is case-sensitive on most file systems.
    fixed = "/".join("_".join(w.capitalize() for w in part.split("_")) for part in name.split("/"))
    try:
        return ZoneInfo(fixed)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_text(instant: datetime, tz: ZoneInfo) -> str:
    """An instant as a chat reads it: local date and time with the zone named by its IANA key
    (abbreviations are ambiguous, IST, or numeric, +04), and UTC beside it unless it is UTC:
    "2026-11-26 09:00 Asia/Kolkata (03:30 UTC)"."""
    local = instant.astimezone(tz)
    if local.utcoffset() == timedelta(0) and tz.key in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return f"{local:%Y-%m-%d %H:%M} UTC"
    text = f"{local:%Y-%m-%d %H:%M} {tz.key}"
    return text if local.utcoffset() == timedelta(0) else f"{text} ({instant.astimezone(UTC):%H:%M} UTC)"


def parse_hhmm(text: str) -> time | None:
    match = _HHMM_RE.match(text.strip())
    return time(int(match[1]), int(match[2])) if match else None


def local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of `at` on local `day`. A time in a DST gap (it never happens that day)
    moves to the next valid minute; a repeated time (the hour after a DST fall-back) takes its
    first occurrence, so it is posted once."""
    naive = datetime.combine(day, at)
    for minutes in range(0, 24 * 60):
        candidate = naive + timedelta(minutes=minutes)
        aware = candidate.replace(tzinfo=tz, fold=0)
        # A wall time in a gap does not survive a round trip through UTC.
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == candidate:
            return aware.astimezone(UTC)
    raise ValueError(f"no valid local time on {day} in {tz}")  # pragma: no cover


def week_start(instant: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 of the local week containing `instant`, as UTC."""
    day = local_day(instant, tz)
    return local_instant(day - timedelta(days=day.weekday()), time(0, 0), tz)


# Zones a learner of this bot most likely means, offered before anything is typed.
COMMON_ZONES = ("Asia/Kolkata", "UTC", "Asia/Karachi", "Asia/Dhaka", "Asia/Kathmandu", "Asia/Dubai",
                "Asia/Singapore", "Europe/London", "Europe/Berlin", "America/New_York",
                "America/Los_Angeles", "Australia/Sydney")
_NOT_ZONES = ("posix/", "right/", "SystemV/")  # duplicates of the real ones in some builds
ZONE_FUZZY_MIN = 75  # rapidfuzz ratio (0-100): "kolkatta" -> Kolkata scores 93, noise stays below
# Names people type for a zone that no IANA zone has: a country, or a city that shares a zone.
ZONE_ALIASES = {"india": "Asia/Kolkata", "ist": "Asia/Kolkata", "delhi": "Asia/Kolkata",
                "new delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata",
                "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata",
                "hyderabad": "Asia/Kolkata", "pune": "Asia/Kolkata", "pakistan": "Asia/Karachi",
                "lahore": "Asia/Karachi", "nepal": "Asia/Kathmandu", "bangladesh": "Asia/Dhaka",
                "sri lanka": "Asia/Colombo", "uae": "Asia/Dubai", "uk": "Europe/London",
                "gmt": "UTC"}


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows (tzdata), sorted."""
    return tuple(sorted(n for n in available_timezones()
                        if not n.startswith(_NOT_ZONES) and n not in ("Factory", "localtime", "posixrules")))


@functools.cache
def _zone_keys() -> dict[str, str]:
    """What a learner would type for a zone -> the zone: its city ("kolkata", "new york"), and
    its full name ("asia/kolkata")."""
    keys: dict[str, str] = {}
    for name in zone_names():
        keys.setdefault(name.casefold(), name)
        keys.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").casefold(), name)
    keys.update(ZONE_ALIASES)
    return keys


def complete_zones(typed: str, limit: int = 25) -> list[str]:
    """Zone names for a half-typed or misspelt zone: the common ones for nothing typed, then
    substring matches (cities first), then fuzzy ones ("kolkatta" offers Asia/Kolkata)."""
    key = " ".join(typed.replace("_", " ").split()).casefold()
    if not key:
        return list(COMMON_ZONES[:limit])
    names = zone_names()
    slug = key.replace(" ", "_")
    hits = [ZONE_ALIASES[key]] if key in ZONE_ALIASES else []
    hits += [n for n in names if n not in hits and n.rsplit("/", 1)[-1].casefold().startswith(slug)]
    hits += [n for n in names if n not in hits and slug in n.casefold()]
    if len(hits) < limit:
        keys = _zone_keys()
        for found, score, _ in process.extract(key, list(keys), scorer=fuzz.ratio, limit=limit * 2):
            if score >= ZONE_FUZZY_MIN and keys[found] not in hits:
                hits.append(keys[found])
    return hits[:limit]
