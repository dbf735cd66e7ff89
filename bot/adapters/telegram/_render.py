"""Render a core `Reply` as Telegram HTML messages and an inline keyboard.

Every piece of text (card text, user echoes, program output) goes through `html.escape`, so it
can never inject markup. A reply longer than one message is split between blocks, and a block
that is itself too long is cut between lines (or words) with its tags closed and reopened: a
chunk never ends inside a tag or a code block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import CallbackQueryLimit, MessageLimit

from bot.core.i18n import t
from bot.core.text import utf16_len
from bot.core.types import CodeBlock, Heading, Paragraph, Reply, Span, Style

# Telegram counts a message's length in UTF-16 code units (an emoji is two).
MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH
MAX_ALERT = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH

_LANG_CLASS = re.compile(r"[^a-z0-9_+-]")


def _wrap_span(span: Span) -> Callable[[str], str]:
    match span.style:
        case Style.BOLD:
            return lambda s: f"<b>{s}</b>"
        case Style.ITALIC:
            return lambda s: f"<i>{s}</i>"
        case Style.CODE:
            return lambda s: f"<code>{s}</code>"
        case Style.LINK if span.url and span.url.startswith(("http://", "https://", "tg://")):
            href = html.escape(span.url, quote=True)
            return lambda s: f'<a href="{href}">{s}</a>'
        case _:
            return lambda s: s


def _code_wrapper(block: CodeBlock) -> Callable[[str], str]:
    lang = _LANG_CLASS.sub("", block.lang.lower())
    if lang:
        return lambda s: f'<pre><code class="language-{lang}">{s}</code></pre>'
    return lambda s: f"<pre>{s}</pre>"


def fit(raw: str, wrap: Callable[[str], str], budget: int) -> list[str]:
    """Cut `raw` into parts whose escaped, wrapped HTML fits `budget`: between lines when it
    can, else between words, else anywhere (never inside an `&amp;` escape)."""
    whole = wrap(html.escape(raw, quote=False))
    if utf16_len(whole) <= budget:
        return [whole]
    room = budget - utf16_len(wrap(""))
    if room <= 0:
        raise ValueError("budget smaller than the markup around the text")
    parts: list[str] = []
    rest = raw
    while rest:
        cut = _longest_prefix(rest, room)
        parts.append(wrap(html.escape(rest[:cut], quote=False)))
        rest = rest[cut:]
    return parts


def _longest_prefix(text: str, room: int) -> int:
    """The length of the longest prefix whose escaped form fits `room`, ending at a newline or
    a space where possible."""
    lo, hi = 1, len(text)
    while lo < hi:  # binary search: escaping makes the escaped length non-linear
        mid = (lo + hi + 1) // 2
        if utf16_len(html.escape(text[:mid], quote=False)) <= room:
            lo = mid
        else:
            hi = mid - 1
    if lo == len(text):
        return lo
    for sep in ("\n", " "):
        at = text.rfind(sep, 0, lo)
        if at > lo // 3:  # do not leave a tiny first part just to cut at a separator
            return at + 1
    return lo


def _paragraph_pieces(block: Paragraph, budget: int) -> list[str]:
    """One paragraph as HTML parts, each under `budget`; usually a single part."""
    lead = "• " if block.bullet else ""
    html_spans: list[str] = []
    for span in block.spans:
        html_spans += fit(span.text, _wrap_span(span), budget - len(lead))
    parts: list[str] = []
    current = lead
    for piece in html_spans:
        if current and utf16_len(current) + utf16_len(piece) > budget:
            parts.append(current)
            current = ""
        current += piece
    if current:
        parts.append(current)
    return parts


def _block_pieces(block: object, budget: int) -> list[str]:
    match block:
        case Heading(text=text):
            return fit(text, lambda s: f"<b>{s}</b>", budget)
        case CodeBlock():
            return fit(block.code.rstrip("\n"), _code_wrapper(block), budget)
        case Paragraph():
            return _paragraph_pieces(block, budget)
    return []


def render_chunks(reply: Reply, *, limit: int = MAX_MESSAGE) -> list[str]:
    """The reply as one or more Telegram HTML messages, each at most `limit` long."""
    # (html, separator before it) for every atomic piece, in order.
    pieces: list[tuple[str, str]] = []
    if reply.title:
        pieces += [(p, "\n\n") for p in fit(reply.title, lambda s: f"<b>{s}</b>", limit)]
    previous: object = None
    for block in reply.blocks:
        if isinstance(previous, Heading) or (
            isinstance(block, Paragraph) and block.bullet
            and isinstance(previous, Paragraph) and previous.bullet
        ):
            sep = "\n"
        else:
            sep = "\n\n"
        for i, piece in enumerate(_block_pieces(block, limit)):
            pieces.append((piece, sep if i == 0 else "\n"))
        previous = block
    if reply.url and reply.url.startswith(("http://", "https://")):
        href = html.escape(reply.url, quote=True)
        pieces.append((f'📖 <a href="{href}">{html.escape(t("en", "docs"))}</a>', "\n\n"))
    chunks: list[str] = []
    current = ""
    for piece, sep in pieces:
        if not current:
            current = piece
        elif utf16_len(current) + utf16_len(sep) + utf16_len(piece) <= limit:
            current += sep + piece
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks or ["…"]


# The payload of the add-to-group link: Telegram posts `/start@<bot> group` in the group it
# was added to, where /start says what a group can do.
GROUP_START = "group"


def keyboard(reply: Reply, username: str | None = None, inline: bool = False
             ) -> InlineKeyboardMarkup | None:
    """The reply's buttons; each button's callback data is its command line (<= 64 bytes, checked
    when the core built the Button). Then, where the bot can offer them, a share button (inline
    mode, when the bot has it: the user picks a chat and the card's query is typed there) and
    the add-to-group link (needs the bot's username)."""
    rows = [
        [InlineKeyboardButton(button.label, callback_data=button.payload) for button in row]
        for row in reply.buttons if row
    ]
    if reply.share is not None and inline:
        rows.append([InlineKeyboardButton(reply.share.label, switch_inline_query=reply.share.query)])
    if reply.invite and username:
        rows.append([InlineKeyboardButton(
            reply.invite, url=f"https://t.me/{username}?startgroup={GROUP_START}")])
    return InlineKeyboardMarkup(rows) if rows else None


def alert_text(reply: Reply) -> str | None:
    """The reply as a callback-query alert, or None when it does not fit one (too long, or it
    has buttons or code that an alert cannot show)."""
    if reply.buttons or any(isinstance(b, CodeBlock) for b in reply.blocks):
        return None
    text = reply.plain().strip()
    return text if 0 < utf16_len(text) <= MAX_ALERT else None


def cut_alert(reply: Reply, note: str) -> str:
    """A reply that does not fit an alert, made to fit one: its start (cut at a space or line
    end), then `note` saying where the whole answer can be read. Alerts are plain text."""
    text = reply.plain().strip()
    whole = f"{text}\n\n{note}"
    if utf16_len(whole) <= MAX_ALERT:
        return whole
    tail = f"…\n\n{note}"
    room = MAX_ALERT - utf16_len(tail)
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits, counted in UTF-16 units as Telegram does
        mid = (lo + hi + 1) // 2
        if utf16_len(text[:mid]) <= room:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    at = max(cut.rfind("\n"), cut.rfind(" "))
    if at > lo // 2:
        cut = cut[:at]
    return cut.rstrip() + tail
