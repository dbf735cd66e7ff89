"""Small helpers many features use; features import these, never each other."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.clock import DEFAULT_TZ, zone
from bot.core.services import Services

# Echoing a user's query back: keep it short so a 10,000-character query stays one line.
ECHO_MAX = 40


def echo(query: str) -> str:
    one_line = " ".join(query.split())
    cleaned = "".join(ch for ch in one_line if ch.isprintable())
    return cleaned if len(cleaned) <= ECHO_MAX else cleaned[: ECHO_MAX - 1] + "…"


async def chat_zone(services: Services, chat_key: str) -> ZoneInfo:
    """The chat's time zone (its daily schedule's), for days, streaks and weeks."""
    name = await services.prefs.chat_tz(chat_key) or DEFAULT_TZ
    return zone(name) or ZoneInfo(DEFAULT_TZ)
