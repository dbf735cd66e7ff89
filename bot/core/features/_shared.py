"""Small helpers many features use; features import these, never each other."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.core.clock import DEFAULT_TZ, zone
from bot.core.services import Services
from bot.core.text import cut_line

# A fence opens at the start of a line (so print("```") in code is not one).
_FENCE = re.compile(r"(?:\A|\n)[ \t]*```[ \t]*([\w+-]*)[ \t]*\n?(.*?)(?:```|\Z)", re.S)

# Echoing a user's query back: keep it short so a 10,000-character query stays one line.
ECHO_MAX = 40


def echo(query: str) -> str:
    one_line = " ".join(query.split())  # first, so that a newline becomes a space, not nothing
    return cut_line("".join(ch for ch in one_line if ch.isprintable()), ECHO_MAX)


async def chat_zone(services: Services, chat_key: str) -> ZoneInfo:
    """The chat's time zone (its daily schedule's), for days, streaks and weeks."""
    name = await services.prefs.chat_tz(chat_key) or DEFAULT_TZ
    return zone(name) or ZoneInfo(DEFAULT_TZ)


def fenced_code(text: str, *, unwrap_inline: bool = False) -> str:
    """The code in a message: the first ``` fenced block if there is one (text around it is
    ignored), else the text itself; with `unwrap_inline`, a lone `inline` pair of backticks on
    one line is unwrapped too (what /run accepts)."""
    fenced = _FENCE.search(text)
    if fenced:
        return fenced.group(2).strip("\n")
    stripped = text.strip()
    if (unwrap_inline and len(stripped) > 1 and stripped[0] == stripped[-1] == "`"
            and "\n" not in stripped):
        return stripped.strip("`")
    return text.strip("\n")
