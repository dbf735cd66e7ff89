"""Reply -> Discord: embeds with escaped markdown, cut cleanly at Discord's limits, and buttons.

Pure functions over `discord.Embed` / `discord.ui`: no network, so the limits are tested
directly. The limits are Discord's (API v10); discord.py does not check them itself, the API
would answer 400.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

import discord

from bot.adapters.discord._buttons import CoreButton
from bot.core.i18n import t
from bot.core.text import cut_line
from bot.core.types import Block, Button, CodeBlock, Heading, Lang, Paragraph, Reply, Span, Style

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
EMBED_TOTAL_MAX = 6000  # all embeds of one message together
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000  # plain message content
BUTTONS_PER_ROW = 5
ROWS_MAX = 5
BUTTON_LABEL_MAX = 80
ALT_MAX = 1024  # an attachment's description (its alt text)
# A reply longer than this many messages is cut, with the cut said: a flood of messages helps
# nobody, and each one costs a request against the rate limit.
MESSAGES_MAX = 3

COLOUR = discord.Colour.from_rgb(55, 118, 171)  # Python blue
_LANG_RE = re.compile(r"[^A-Za-z0-9_+-]")
_ORDERED_RE = re.compile(r"^(\s*\d+)\.(\s)", re.M)


@dataclass
class Page:
    """One Discord message: its embeds (and, on the last page of a reply, the buttons)."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None


# -- markdown ---------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Plain text shown literally: markdown, masked links, headings, lists and quotes escaped."""
    return _ORDERED_RE.sub(r"\1\\.\2", discord.utils.escape_markdown(text))


def inline_code(text: str) -> str:
    """Inline code that stays code whatever backticks it holds (`` x`y `` is CommonMark)."""
    text = text.replace("\n", " ")
    if "`" not in text:
        return f"`{text}`" if text else ""
    safe = text.replace("``", "`\u200b`")
    return f"`` {safe} ``"


def fence(code: str, lang: str = "") -> str:
    """A fenced block that no ``` inside the code can close early: a zero-width space splits
    every run of three backticks (it renders invisibly)."""
    safe = code.replace("```", "`\u200b``").rstrip("\n")
    return f"```{_LANG_RE.sub('', lang)}\n{safe}\n```"


def _wrap(text: str, mark: str) -> str:
    """`**x** ` not `**x **`: a closing mark after a space does not close (CommonMark)."""
    core = text.strip()
    if not core:
        return escape(text)
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}{mark}{escape(core)}{mark}{trail}"


def span_md(span: Span) -> str:
    text = span.text
    match span.style:
        case Style.BOLD:
            return _wrap(text, "**")
        case Style.ITALIC:
            return _wrap(text, "*")
        case Style.CODE:
            return inline_code(text)
        case Style.TIME if span.at:
            # Each viewer sees the instant in their own zone and language, and how far off it is.
            unix = int(datetime.fromisoformat(span.at).timestamp())
            return f"<t:{unix}:f> (<t:{unix}:R>)"
        case Style.LINK if span.url:
            url = span.url.replace(" ", "%20").replace(")", "%29")
            return f"[{escape(text) or url}]({url})"
        case _:
            return escape(text)


def block_md(block: Block) -> str:
    match block:
        case Heading(text=text):
            return f"**{escape(text)}**"
        case CodeBlock(code=code, lang=lang):
            return fence(code, lang)
        case Paragraph(spans=spans, bullet=bullet):
            return ("• " if bullet else "") + "".join(span_md(s) for s in spans)
    return ""


# -- cutting at the limits --------------------------------------------------------------------


def _split_long(block: Block, md: str, limit: int) -> list[str]:
    """A block too long for one embed: code is re-fenced per piece, cut between lines where it
    can; text is cut between words."""
    if len(md) <= limit:
        return [md]
    if isinstance(block, CodeBlock):
        overhead = len(fence("", block.lang))
        pieces, current = [], ""
        for line in block.code.replace("```", "`\u200b``").splitlines(keepends=True):
            while len(line) > limit - overhead:  # one enormous line: hard cut
                if current:
                    pieces.append(current)
                    current = ""
                pieces.append(line[: limit - overhead])
                line = line[limit - overhead:]
            if len(current) + len(line) > limit - overhead:
                pieces.append(current)
                current = ""
            current += line
        if current:
            pieces.append(current)
        lang = _LANG_RE.sub("", block.lang)
        return [f"```{lang}\n{p.rstrip(chr(10))}\n```" for p in pieces]
    pieces = []
    while len(md) > limit:
        cut = md.rfind(" ", limit // 2, limit)
        if cut <= 0 or md[cut - 1] == "\\":
            cut = limit - 1 if md[limit - 1] == "\\" else limit  # never split an escape
        pieces.append(md[:cut])
        md = md[cut:].lstrip(" ")
    return [*pieces, md] if md else pieces


def _chunks(reply: Reply) -> list[str]:
    out: list[str] = []
    previous_bullet = False
    for block in reply.blocks:
        md = block_md(block)
        if not md:
            continue
        bullet = isinstance(block, Paragraph) and block.bullet
        if bullet and previous_bullet and len(out[-1]) + 1 + len(md) <= DESCRIPTION_MAX:
            out[-1] += "\n" + md  # a list reads as one block, not paragraphs apart
        else:
            out.extend(_split_long(block, md, DESCRIPTION_MAX))
        previous_bullet = bullet
    if reply.url and not reply.title:
        out.append(f"<{reply.url}>")
    if reply.deadline:
        # Discord counts down in each viewer's own client.
        out.append(f"⏱ <t:{int(datetime.fromisoformat(reply.deadline).timestamp())}:R>")
    return out


def _descriptions(chunks: list[str]) -> list[str]:
    """Pack chunks (joined by blank lines) into embed descriptions of at most 4,096 chars."""
    descriptions: list[str] = []
    current = ""
    for chunk in chunks:
        joined = f"{current}\n\n{chunk}" if current else chunk
        if len(joined) <= DESCRIPTION_MAX:
            current = joined
        else:
            descriptions.append(current)
            current = chunk
    if current:
        descriptions.append(current)
    return descriptions


def untyped(reply: Reply) -> Reply:
    """The reply without its hints about typing a command: on Discord only synced slash
    commands and the reply's buttons exist, so "or type /answer 12 2" would mislead."""
    if not any(isinstance(b, Paragraph) and b.typed for b in reply.blocks):
        return reply
    return replace(reply, blocks=tuple(b for b in reply.blocks
                                       if not (isinstance(b, Paragraph) and b.typed)))


def render(reply: Reply, lang: Lang = "hi") -> list[Page]:
    """The messages that show a reply: the first embed has the title and docs link; embeds
    are packed into messages under the 6,000-char total; past `MESSAGES_MAX` messages the rest
    is cut with a note that says how much. Buttons go on the last message. A picture is shown
    in the first message's last embed (`attachment://`, uploaded with that message: `files`)
    in place of the text it replaces."""
    pages = _render(untyped(reply).with_picture_shown(), lang)
    if reply.image is not None:
        pages[0].embeds[-1].set_image(url=f"attachment://{reply.image.name}")
    pages[-1].view = view_for(reply)
    return pages


def files(reply: Reply) -> list[discord.File]:
    """The reply's picture and text file as uploads for its first message: new objects for each
    send (discord.py closes a file once it is sent). The alt text is the picture's description."""
    out: list[discord.File] = []
    if reply.image is not None:
        out.append(discord.File(io.BytesIO(reply.image.png), reply.image.name,
                                description=reply.image.alt[:ALT_MAX]))
    if reply.document is not None:
        out.append(discord.File(io.BytesIO(reply.document.data), reply.document.name,
                                description=reply.document.caption[:ALT_MAX] or None))
    return out


def _render(reply: Reply, lang: Lang) -> list[Page]:
    title = cut_line(reply.title, TITLE_MAX) if reply.title else reply.title
    descriptions = _descriptions(_chunks(reply)) or ([] if title else ["\u200b"])
    pages: list[Page] = []
    page, total = Page(), 0
    first = discord.Embed(title=title, url=reply.url if title else None, colour=COLOUR,
                          description=descriptions[0] if descriptions else None)
    queue = [first] + [discord.Embed(description=d, colour=COLOUR) for d in descriptions[1:]]
    cut_chars = 0
    for i, embed in enumerate(queue):
        size = len(embed)
        if page.embeds and (total + size > EMBED_TOTAL_MAX or len(page.embeds) >= EMBEDS_PER_MESSAGE):
            pages.append(page)
            page, total = Page(), 0
        if len(pages) >= MESSAGES_MAX:
            cut_chars = sum(len(e.description or "") for e in queue[i:])
            break
        page.embeds.append(embed)
        total += size
    if page.embeds and len(pages) < MESSAGES_MAX:
        pages.append(page)
    if cut_chars:
        last = pages[-1].embeds[-1]
        desc = last.description or ""
        # Room for the note (its count has at most 7 digits) in this embed and this message.
        room = min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - sum(len(e) for e in pages[-1].embeds)
                   + len(desc)) - len(t(lang, "discord_cut", count=9_999_999)) - 10
        if len(desc) > room:
            cut_at = desc.rfind("\n", 0, room)
            kept = desc[: cut_at if cut_at > room // 2 else room]
            cut_chars += len(desc) - len(kept)
            desc = kept + ("\n```" if kept.count("```") % 2 else "")
        note = escape(t(lang, "discord_cut", count=cut_chars))
        last.description = f"{desc}\n\n{note}" if desc else note
    return pages


def plain_pages(reply: Reply) -> list[str]:
    """The plain-text fallback (no Embed Links permission): message contents of <= 2,000
    chars, cut between lines, markdown escaped."""
    text = escape(untyped(reply).plain())
    pages: list[str] = []
    while text:
        if len(text) <= CONTENT_MAX:
            pages.append(text)
            break
        cut = text.rfind("\n", 0, CONTENT_MAX)
        if cut <= 0:
            cut = CONTENT_MAX - 1 if text[CONTENT_MAX - 1] == "\\" else CONTENT_MAX
        pages.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return pages[:MESSAGES_MAX] or ["\u200b"]


# -- buttons ----------------------------------------------------------------------------------


def view_for(reply: Reply) -> discord.ui.View | None:
    """Persistent buttons (no timeout, `ag:<payload>` custom ids that the adapter's dynamic
    item understands after a restart). Duplicate payloads are dropped: Discord refuses two
    components with one custom id in a message. The reply's rows are kept where they fit in
    Discord's 5 rows; where they do not (the 19 demos of `/demo`, two a row for a phone's
    Telegram), the buttons are packed 5 a row instead, so none is lost while 25 fit."""
    if not reply.buttons:
        return None
    seen: set[str] = set()
    kept: list[list[Button]] = []
    for buttons in reply.buttons:
        fresh = [b for b in buttons if b.payload not in seen]
        seen.update(b.payload for b in fresh)
        kept.append(fresh)
    rows = [row[s:s + BUTTONS_PER_ROW] for row in kept for s in range(0, len(row), BUTTONS_PER_ROW)]
    if len(rows) > ROWS_MAX:
        flat = [b for row in kept for b in row]
        rows = [flat[s:s + BUTTONS_PER_ROW] for s in range(0, len(flat), BUTTONS_PER_ROW)]
    view = discord.ui.View(timeout=None)
    for n, row in enumerate(rows[:ROWS_MAX]):
        for button in row:
            label = (cut_line(button.label, BUTTON_LABEL_MAX)
                     or cut_line(button.command_line, BUTTON_LABEL_MAX))
            view.add_item(CoreButton(button.payload, label=label, row=n))
    return view if view.children else None
