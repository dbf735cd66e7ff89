"""Text cut to fit one line of a platform's field: button labels, echoed queries, command
descriptions. One rule everywhere: whitespace (newlines included) collapses to single spaces;
a cut ends with "…", never with a space before it, and never splits a character from its
combining marks or an emoji sequence (a skin tone, a ZWJ family, a flag)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

ELLIPSIS = "…"
# A button label that fits every platform (Discord allows 80; Telegram rows share the width).
LABEL_MAX = 40

_ZWJ = "\u200d"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the Basic Multilingual Plane counts 2), as
    Telegram counts offsets: a text within a limit in these units is within it in characters too."""
    return len(text.encode("utf-16-le")) // 2


def cut_line(text: str, limit: int, *, measure: Callable[[str], int] = len) -> str:
    """`text` on one line and at most `limit` long as `measure` counts (characters by default;
    `utf16_len` where a platform may count UTF-16 units). "" when not even "…" fits."""
    flat = " ".join(text.split())
    if measure(flat) <= limit:
        return flat
    room = limit - measure(ELLIPSIS)
    if room < 0:
        return ""
    end = _longest_prefix(flat, room, measure)
    while 0 < end and _joined(flat, end):
        end -= 1
    return flat[:end].rstrip() + ELLIPSIS


def _longest_prefix(text: str, room: int, measure: Callable[[str], int]) -> int:
    """The largest n with measure(text[:n]) <= room (a measure grows with the text)."""
    if measure is len:
        return min(len(text), room)
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= room:
            low = mid
        else:
            high = mid - 1
    return low


def _joined(text: str, end: int) -> bool:
    """Whether a cut before text[end] would split what reads as one character."""
    before, after = text[end - 1], text[end]
    if before == _ZWJ or after == _ZWJ or unicodedata.category(after) in ("Mn", "Mc", "Me"):
        return True
    if ("\U0001f3fb" <= after <= "\U0001f3ff"  # skin tones (variation selectors are Mn)
            or "\U000e0020" <= after <= "\U000e007f"):  # tags (subdivision flags)
        return True
    if _regional(before) and _regional(after):
        run = 0  # flags are pairs of regional indicators: an odd run before the cut splits one
        while run < end and _regional(text[end - 1 - run]):
            run += 1
        return run % 2 == 1
    return False


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"
