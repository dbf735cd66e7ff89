"""Time for the practice features: an injectable clock, and local days in IANA time zones.

Everything stored is UTC; "days" (streaks, the daily ledger) are local dates in a chat's zone.
The clock is a port: features read `ctx.services.clock` (tests hand in a fake one), so nothing
here reads the wall clock but `SystemClock`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
