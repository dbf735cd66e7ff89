"""Program output made safe for every chat, once, here in the core (adapters only escape their
own markup). A snippet's output is hostile text: it may try to ping everyone, spoof direction
with bidi overrides, paint the terminal with ANSI escapes, or close the code block it is shown
in and format the rest of the message."""

from __future__ import annotations

import re
import unicodedata

from bot.core.types import CodeBlock

ZWSP = "\u200b"
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte ESC sequences, 8-bit CSI.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|"
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|"
    r"\x1b[@-Z\\-_]|"
    r"\x9b[0-?]*[ -/]*[@-~]"
)
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
# "@everyone", "@here", "@username": a zero-width space after '@' keeps the text, loses the ping.
_AT = re.compile(r"@(?=[\w.])")
# Discord's <@id>, <@!id>, <@&role>, <#channel>, </command:id>: break the angle-bracket syntax.
_DISCORD_REF = re.compile(r"<(?=[@#/:])")
_FENCE = re.compile(r"`{3,}")


def _control(ch: str) -> str:
    if ch in "\n\t":
        return ch
    if unicodedata.category(ch) == "Cc":
        return f"\\x{ord(ch):02x}"
    return ch


def neutralise(text: str) -> str:
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_BIDI)
    text = "".join(_control(ch) for ch in text)
    text = _AT.sub("@" + ZWSP, text)
    text = _DISCORD_REF.sub("<" + ZWSP, text)
    # A run of backticks can close the code block: interleave zero-width spaces.
    return _FENCE.sub(lambda m: ZWSP.join(m.group(0)), text)


def clip(text: str, max_chars: int, max_lines: int) -> tuple[str, int]:
    """Fit text in a chat message: keep the head and the tail (a traceback's last line matters
    most), cut the middle. Returns the text and how many lines are not shown in full (left out,
    or a line too long for the message shortened)."""
    lines = text.splitlines()
    if len(text) <= max_chars and len(lines) <= max_lines:
        return text, 0
    head_budget, tail_budget = max_chars * 2 // 3, max_chars // 3
    head: list[str] = []
    used = 0
    shortened = 0
    for line in lines[: max_lines * 2 // 3]:
        if used + len(line) + 1 > head_budget:
            if not head:
                head.append(line[:head_budget])
                shortened = 1
            break
        head.append(line)
        used += len(line) + 1
    tail: list[str] = []
    used = 0
    for line in reversed(lines[len(head):][-(max_lines // 3):]):
        if used + len(line) + 1 > tail_budget:
            break
        tail.insert(0, line)
        used += len(line) + 1
    cut = len(lines) - len(head) - len(tail) + shortened
    return "\n".join([*head, "…", *tail]), max(cut, 1)


def output_block(text: str, lang: str = "") -> CodeBlock:
    """The one way program output enters a reply."""
    return CodeBlock(neutralise(text), lang)
