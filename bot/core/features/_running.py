"""Running code for a user: the queue position as progress, then how the run ended, its
(neutralised) output, the task timeline of async code and explanations of classic asyncio
errors. /run and /demo both run code this way, through the sandbox port."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Hashable, Sequence
from dataclasses import dataclass

from bot.core import explain
from bot.core.neutral import clip, output_block
from bot.core.ports.pictures import NoPicture
from bot.core.ports.sandbox import Busy, CoolingDown, Ending, Queued, RunRequest, RunResult, Unavailable
from bot.core.router import Context
from bot.core.text import LABEL_MAX, cut_line
from bot.core.timeline import render as render_timeline
from bot.core.types import Block, Button, Document, Heading, Image, Paragraph, Reply, Span, Style

log = logging.getLogger(__name__)

# The whole reply must fit one chat message everywhere (Discord: 2,000 characters, the
# smallest): title, ending, output, timeline and explanations together stay under REPLY_CHARS.
REPLY_CHARS = 1_800
OUTPUT_CHARS = 900
MIN_OUTPUT_CHARS = 300
OUTPUT_LINES = 25
BLOCK_OVERHEAD = 10  # code fences, bullets, bold markers an adapter adds per block


def ending_text(ctx: Context, result: RunResult) -> str:
    limits = result.limits
    wall = f"{result.wall_s:.2f}"
    match result.ending:
        case Ending.EXIT if result.exit_code == 0:
            return ctx.t("run_ok", wall=wall)
        case Ending.EXIT:
            return ctx.t("run_exit", code=result.exit_code, wall=wall)
        case Ending.TIME:
            return ctx.t("run_time", limit=f"{limits.wall_s:g}")
        case Ending.CPU:
            return ctx.t("run_cpu", limit=limits.cpu_s)
        case Ending.MEMORY:
            return ctx.t("run_memory", per=limits.memory_mb, tree=limits.tree_memory_mb)
        case Ending.OUTPUT:
            return ctx.t("run_output", limit=limits.output_bytes // 1024)
        case Ending.FILE_SIZE:
            return ctx.t("run_file_size", limit=limits.file_mb)
        case _:
            return ctx.t("run_signal", signal=result.signal_name, wall=wall)


@dataclass(frozen=True, slots=True)
class Laid:
    """A run's result laid out for a reply: its blocks, buttons to the matching cards, the text
    timeline's blocks (what a timeline picture replaces) and whether the output was cut."""

    blocks: tuple[Block, ...]
    buttons: tuple[Button, ...]
    timeline: tuple[Block, ...] = ()
    output_cut: bool = False


def result_blocks(ctx: Context, result: RunResult, *, room: int = REPLY_CHARS) -> Laid:
    """Ending in words, output, timeline and explanations, plus buttons to the matching cards.
    The output gets what is left of `room` characters once the rest is laid out."""
    tail: list[Block] = []
    timeline = render_timeline(result.timeline) if result.timeline.has_tasks() else ""
    timeline_blocks: tuple[Block, ...] = ()
    if timeline:
        timeline_blocks = (Heading(ctx.t("run_timeline")), output_block(timeline))
        tail += timeline_blocks
    buttons: list[Button] = []
    found = explain.explain(result.output, result.evidence)
    if found:
        # "Why this error?" only when the program raised or exited with an error; a run that
        # ended well (or was stopped by a limit) showed warnings or asyncio's reports: neutral.
        failed = result.evidence.raised is not None or (
            result.ending is Ending.EXIT and result.exit_code not in (0, None))
        tail.append(Heading(ctx.t("explain_title" if failed else "explain_title_note")))
        library = ctx.core.library
        for item in found:
            spans = [Span(explain.text(item, ctx.lang, result.output))]
            card = next((library.by_id[c] for c in item.cards if c in library.by_id), None)
            if card is not None:
                spans += [Span(" → "), Span(f"/term {card.id}", Style.CODE)]
                if all(b.args != card.id for b in buttons):
                    label = cut_line(f"{ctx.t('explain_card')}: {card.title(ctx.lang)}", LABEL_MAX)
                    buttons.append(Button(label, "term", card.id))
            tail.append(Paragraph(tuple(spans), bullet=True))
    head: list[Block] = [Paragraph((Span(ending_text(ctx, result), Style.BOLD),))]
    used = len(Reply(blocks=(*head, *tail)).plain()) + BLOCK_OVERHEAD * (len(head) + len(tail) + 2)
    budget = max(MIN_OUTPUT_CHARS, min(OUTPUT_CHARS, room - used))
    shown, cut = clip(result.output.rstrip("\n"), budget, OUTPUT_LINES)
    if shown.strip():
        head.append(output_block(shown))
    else:
        head.append(Paragraph((Span(ctx.t("run_no_output"), Style.ITALIC),)))
    if cut or result.output_cut:
        head.append(Paragraph.plain(ctx.t("run_cut", lines=cut or "…")))
    return Laid(tuple(head + tail), tuple(buttons), timeline_blocks, bool(cut or result.output_cut))


async def timeline_image(ctx: Context, result: RunResult, replaces: tuple[Block, ...], *,
                         key: Hashable | None = None) -> Image | None:
    """The run's task timeline as a picture, where it had tasks and pictures are on."""
    pictures = ctx.services.pictures
    if pictures is None or not result.timeline.has_tasks():
        return None
    try:
        png = await pictures.timeline(result.timeline, ctx.lang, key=key)
    except NoPicture as exc:
        log.warning("run: no timeline picture (%s); the text timeline stands", exc)
        return None
    tasks = len({r.name for r in result.timeline.steps if r.name != "loop"})
    return Image("timeline.png", png, ctx.t("run_timeline_alt", tasks=tasks), replaces=replaces)


def output_document(ctx: Context, result: RunResult) -> Document:
    """All the output the sandbox kept, as a text file (said so at its end when it was cut)."""
    text = result.output
    lines = text.count("\n") + (not text.endswith("\n") and bool(text))
    caption = ctx.t("run_file_kept" if result.output_cut else "run_file", lines=lines)
    if result.output_cut:
        kib = result.limits.output_bytes // 1024
        note = ctx.t("run_file_cut", limit=kib)
        text = f"{text.rstrip(chr(10))}\n\n[{note}]\n"
        caption += " " + note
    return Document("output.txt", text, caption)


async def execute(ctx: Context, code: str, *, title: str, wall_s: float | None = None,
                  before: Sequence[Block] = (), buttons: Sequence[Button] = (),
                  picture_key: Hashable | None = None) -> AsyncIterator[Reply]:
    """Run code for the user behind ctx: queue position as progress, then the result, with
    the timeline as a picture and a cut output whole as a file (for adapters that send them).
    `picture_key`: runs with equal keys share one timeline picture (a demo's id)."""
    sandbox = ctx.services.sandbox
    if sandbox is None or not sandbox.available:
        reason = sandbox.reason if sandbox is not None else "no sandbox configured"
        yield Reply.text(ctx.t("run_unavailable", reason=reason), private=True)
        return
    # The console is the operator's own terminal: no cooldown there.
    user_key = None if ctx.command.chat.platform == "console" else ctx.command.user.key
    try:
        async for event in sandbox.submit(RunRequest.of(code, wall_s=wall_s), user_key=user_key):
            if isinstance(event, Queued):
                yield Reply.text(ctx.t("run_queued", ahead=event.position), final=False)
                continue
            room = REPLY_CHARS - len(Reply(blocks=tuple(before), title=title).plain())
            laid = result_blocks(ctx, event, room=room)
            rows = [tuple(row) for row in (list(buttons), laid.buttons[:3]) if row]
            image = await timeline_image(ctx, event, laid.timeline, key=picture_key)
            document = output_document(ctx, event) if laid.output_cut else None
            yield Reply(blocks=(*before, *laid.blocks), title=title, buttons=tuple(rows),
                        image=image, document=document)
    except Busy as exc:
        yield Reply.text(ctx.t("run_busy", seconds=exc.retry_after), private=True)
    except CoolingDown as exc:
        yield Reply.text(ctx.t("run_cooldown", seconds=exc.retry_after), private=True)
    except Unavailable as exc:
        yield Reply.text(ctx.t("run_unavailable", reason=str(exc)), private=True)
