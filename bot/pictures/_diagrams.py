"""The diagrams of the event-loop and blocking cards, drawn here from code (no image files).

Both reuse the timeline's colours, so a learner who has seen one picture can read the others:
blue runs, grey waits, striped vermilion blocks the loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageDraw

from bot.pictures import _style as s
from bot.pictures._text import word
from bot.pictures._timeline import Bar, Row, TimelineChart, _union, draw_rows, legend, png, states

READY_CHIP = (86, 180, 233)  # Okabe-Ito sky blue: ready, about to run


def _arrow(draw: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float],
           colour: tuple = s.INK, width: int = 4, head: int = 16) -> None:
    angle = math.atan2(b[1] - a[1], b[0] - a[0])
    base = (b[0] - head * math.cos(angle), b[1] - head * math.sin(angle))
    draw.line((a, base), fill=colour, width=width)
    left = (base[0] + head * 0.6 * math.sin(angle), base[1] - head * 0.6 * math.cos(angle))
    right = (base[0] - head * 0.6 * math.sin(angle), base[1] + head * 0.6 * math.cos(angle))
    draw.polygon((b, left, right), fill=colour)


def _box(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], title: str, sub: str,
         chips: list[tuple[str, tuple]], edge: tuple) -> None:
    x0, y0, x1, _ = box
    draw.rounded_rectangle(box, radius=16, fill=s.BACKGROUND, outline=edge, width=4)
    draw.text(((x0 + x1) / 2, y0 + 16), title, font=s.font(28, bold=True), fill=s.INK, anchor="mt")
    draw.text(((x0 + x1) / 2, y0 + 52), sub, font=s.font(20), fill=s.MUTED, anchor="mt")
    y = y0 + 88
    for text, fill in chips:
        draw.rounded_rectangle((x0 + 24, y, x1 - 24, y + 36), radius=8, fill=fill)
        ink = (255, 255, 255) if fill == s.RUNNING else s.INK
        draw.text(((x0 + x1) / 2, y + 18), text, font=s.font(20, bold=True), fill=ink, anchor="mm")
        y += 44


def _label(draw: ImageDraw.ImageDraw, at: tuple[float, float], text: str, width: float, colour: tuple,
           side: str) -> None:
    """An arrow's label in at most two lines of `width` px, vertically centred on `at`."""
    face = s.font(22, bold=True)
    lines = [text]
    if face.getlength(text) > width:  # two lines of even length read better than a long and a short
        words = text.split()
        cut = min(range(1, len(words)), default=1,
                  key=lambda i: max(face.getlength(" ".join(words[:i])), face.getlength(" ".join(words[i:]))))
        lines = [s.ellipsise(" ".join(part), face, width) for part in (words[:cut], words[cut:]) if part]
    y = at[1] - 15 * (len(lines) - 1)
    for line in lines:
        draw.text((at[0], y), line, font=face, fill=colour, anchor=side + "m")
        y += 30


def render_event_loop(lang: str = "hi") -> bytes:
    """Ready -> running -> waiting -> ready: one task runs at a time and leaves only at await."""
    img = Image.new("RGB", (s.WIDTH, 600), s.BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.text((s.PAD, 20), word(lang, "loop_title"), font=s.font(30, bold=True), fill=s.INK)
    w, h = 270, 200
    running = (s.WIDTH // 2 - w // 2, 86, s.WIDTH // 2 + w // 2, 86 + h - 44)
    ready = (s.PAD + 10, 330, s.PAD + 10 + w, 330 + h)
    waiting = (s.WIDTH - s.PAD - 10 - w, 330, s.WIDTH - s.PAD - 10, 330 + h)
    _box(draw, running, word(lang, "loop_running"), word(lang, "loop_running_sub"),
         [("task A", s.RUNNING)], s.RUNNING)
    _box(draw, ready, word(lang, "loop_ready"), word(lang, "loop_ready_sub"),
         [("task B", READY_CHIP), ("task C", READY_CHIP)], READY_CHIP)
    _box(draw, waiting, word(lang, "loop_waiting"), word(lang, "loop_waiting_sub"),
         [("task D: sleep(1)", s.WAITING), ("task E: recv()", s.WAITING)], s.MUTED)
    # ready -> running, up and to the right; running -> waiting, down and to the right
    _arrow(draw, (ready[2] - 60, ready[1] - 8), (running[0] - 8, running[3] - 40), s.RUNNING)
    _label(draw, (ready[2] - 30, 236), word(lang, "loop_pick"), ready[2] - 30 - s.PAD, s.RUNNING, "r")
    _arrow(draw, (running[2] + 8, running[3] - 40), (waiting[0] + 60, waiting[1] - 8), s.MUTED)
    _label(draw, (waiting[0] + 30, 236), word(lang, "loop_await"), s.WIDTH - s.PAD - waiting[0] - 30,
           s.MUTED, "l")
    # waiting -> ready, along the bottom
    _arrow(draw, (waiting[0] - 8, ready[1] + 130), (ready[2] + 8, ready[1] + 130), READY_CHIP)
    draw.text((s.WIDTH / 2, ready[1] + 118), word(lang, "loop_wake"), font=s.font(20, bold=True),
              fill=s.INK, anchor="md")
    draw.text((s.WIDTH / 2, 575), word(lang, "loop_note"), font=s.font(24), fill=s.INK, anchor="mb")
    return png(img)


def _chart(bars: list[tuple[int, int, bool]]) -> TimelineChart:
    rows = tuple(Row(f"worker {i + 1}", tuple(Bar(a, b, blk) for a, b, blk in bars[i::3])) for i in range(3))
    return TimelineChart(rows=rows, end_us=max(b for _, b, _ in bars),
                         blocked=_union(b for r in rows for b in r.bars if b.blocking))


def blocking_charts() -> tuple[TimelineChart, TimelineChart]:
    """The blocking-sleep demo's two halves, as the sandbox would record them (rounded)."""
    slept = _chart([(i * 500_000, (i + 1) * 500_000, True) for i in range(3)])
    awaited = _chart([(i * 300, i * 300 + 200, False) for i in range(3)]
                     + [(500_000 + i * 300, 500_000 + i * 300 + 200, False) for i in range(3)])
    return slept, awaited


def render_blocking(lang: str = "hi") -> bytes:
    """time.sleep vs asyncio.sleep in three tasks, on one time scale: 1.5 s against 0.5 s."""
    slept, awaited = blocking_charts()
    img = Image.new("RGB", (s.WIDTH, 760), s.BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.text((s.PAD, 20), word(lang, "block_title"), font=s.font(30, bold=True), fill=s.INK)
    y = 80
    for chart, key in ((slept, "block_sync"), (awaited, "block_async")):
        draw.text((s.PAD, y), word(lang, key), font=s.font(24, bold=True), fill=s.INK)
        y = draw_rows(draw, chart, y + 40, lang, end_us=slept.end_us) + 24
    shown = set(states(slept) + states(awaited))
    bottom = legend(draw, y, lang, [k for k in ("running", "waiting", "blocking", "band") if k in shown])
    return png(img.crop((0, 0, s.WIDTH, bottom + 12)))


DIAGRAMS: dict[str, Callable[[str], bytes]] = {"event-loop": render_event_loop, "blocking": render_blocking}


def render_diagram(card: str, lang: str = "hi") -> bytes:
    """The diagram of the card with this id (a key of DIAGRAMS)."""
    return DIAGRAMS[card](lang)
