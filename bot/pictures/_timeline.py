"""The task timeline of /run and /demo as a picture: one row per task, time across.

`TimelineChart.from_timeline` reads only the attributes of a sandbox timeline (`records`, each
with `kind`, `name`, `start_us`, `end_us`), so this package never imports the sandbox. What
counts as blocking the loop is what the text timeline reports: a step of one task that held the
loop for BLOCKED_MS or more, or a `time.sleep` of SLEEP_MS or more inside the loop.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import Image, ImageDraw

from bot.pictures import _style as s
from bot.pictures._text import word

BLOCKED_MS = 50
SLEEP_MS = 20
MAX_ROWS = 8
LEAD = 0.2  # the axis starts at the first step when nothing ran for this share of the run before it
LOOP = "loop"

TITLE_H = 64
ROW_H = 54
BAR_H = 32
WAIT_H = 10
LABEL_W = 220
AXIS_H = 74


@dataclass(frozen=True, slots=True)
class Bar:
    start_us: int
    end_us: int
    blocking: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    bars: tuple[Bar, ...]

    @property
    def first_us(self) -> int:
        return min(b.start_us for b in self.bars)

    @property
    def last_us(self) -> int:
        return max(b.end_us for b in self.bars)


@dataclass(frozen=True, slots=True)
class TimelineChart:
    """What the picture shows; frozen and hashable, so equal charts share a cached image."""

    rows: tuple[Row, ...] = ()
    end_us: int = 1
    start_us: int = 0  # where the axis starts: 0, or the first step when nothing ran long before it
    blocked: tuple[tuple[int, int], ...] = ()  # spans when the whole loop stood still
    more: int = 0  # tasks left out of `rows`

    def __reduce__(self) -> tuple:
        # Sent to the worker as plain tuples: pickling 3000 dataclasses takes ~3 ms of the GIL
        # in the bot's process (the loop waits for it), plain tuples ~0.1 ms.
        rows = tuple((r.name, tuple((b.start_us, b.end_us, b.blocking) for b in r.bars)) for r in self.rows)
        return _rebuild, (rows, self.end_us, self.start_us, self.blocked, self.more)

    @classmethod
    def from_timeline(cls, timeline: Any, max_rows: int = MAX_ROWS) -> TimelineChart:
        records = list(timeline.records)
        sleeps = [r for r in records if r.kind == "b" and r.end_us - r.start_us >= SLEEP_MS * 1000]
        rows: dict[str, list[Bar]] = {}
        for r in records:
            if r.kind != "s":
                continue
            long = r.end_us - r.start_us >= BLOCKED_MS * 1000
            if r.name == LOOP and not long:
                continue  # the loop's own short callbacks are no one's lesson
            rows.setdefault(r.name, []).append(Bar(r.start_us, r.end_us, long))
        for r in sleeps:
            who = r.name.partition(":")[2] or LOOP
            rows.setdefault(who, []).append(Bar(r.start_us, r.end_us, True))
        loop = rows.pop(LOOP, None)
        names = list(rows)
        keep = max_rows - (loop is not None)
        shown = [Row(n, tuple(rows[n])) for n in names[:keep]]
        if loop is not None:
            shown.append(Row(LOOP, tuple(loop)))
        end = max((r.end_us for r in records if r.kind in ("s", "b")), default=0)
        everyone = [*rows.values(), loop or []]
        first = min((b.start_us for bars in everyone for b in bars), default=0)
        # Synchronous code before asyncio.run (seconds of it, in sync-vs-async) would squeeze
        # the tasks into the right edge: the axis then starts at the first step.
        start = first if first > LEAD * end else 0
        return cls(rows=tuple(shown), end_us=max(end, 1), start_us=start,
                   blocked=_union(b for bars in everyone for b in bars if b.blocking),
                   more=max(0, len(names) - keep))


def _rebuild(rows: tuple, end_us: int, start_us: int, blocked: tuple, more: int) -> TimelineChart:
    return TimelineChart(tuple(Row(name, tuple(Bar(*b) for b in bars)) for name, bars in rows),
                         end_us, start_us, blocked, more)


def _union(bars: Any) -> tuple[tuple[int, int], ...]:
    spans: list[list[int]] = []
    for b in sorted(bars, key=lambda b: b.start_us):
        if spans and b.start_us <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b.end_us)
        else:
            spans.append([b.start_us, b.end_us])
    return tuple((a, b) for a, b in spans)


def ticks(end_us: int, most: int = 5, start_us: int = 0) -> tuple[list[int], str]:
    """Round tick positions (µs) from the last one at or before `start_us` up to `end_us`, and
    the axis unit (ms or s)."""
    start_ms, end_ms = start_us / 1000, end_us / 1000
    raw = (end_ms - start_ms) / most
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = max(next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), 0.001)
    unit = "s" if end_ms >= 2000 else "ms"
    first = math.floor(start_ms / step + 1e-9)  # at or before the start: the axis begins on a mark
    return [round(i * step * 1000) for i in range(first, int(end_ms / step + 1e-9) + 1)], unit


def _tick_label(us: int, unit: str) -> str:
    if unit == "s":
        return f"{us / 1e6:g}"
    return f"{us / 1000:g}"


X0, X1 = s.PAD + LABEL_W + 14, s.WIDTH - s.PAD - 12  # the time axis


def _px(end_us: int, start_us: int = 0) -> Any:
    scale = (X1 - X0) / max(end_us - start_us, 1)
    return lambda us: X0 + (us - start_us) * scale


def states(chart: TimelineChart) -> list[str]:
    """The states the chart shows, in legend order: a legend names only what is drawn."""
    px = _px(chart.end_us, ticks(chart.end_us, start_us=chart.start_us)[0][0])
    drawn: set[tuple] = set()
    waiting = False
    for row in chart.rows:
        columns = running_columns(row.bars, px, X1)
        drawn |= {colour for _, colour in columns}
        if row.name == LOOP or waiting:
            continue
        covered = {c for c, _ in columns}
        for bar in row.bars:
            if bar.blocking:
                covered |= set(range(round(px(bar.start_us)), round(px(bar.end_us)) + 1))
        waiting = any(c not in covered for c in range(round(px(row.first_us)), round(px(row.last_us)) + 1))
    out = ["running"] if s.RUNNING in drawn else []
    if drawn - {s.RUNNING}:
        out.append("bursts")
    if waiting:
        out.append("waiting")
    if chart.blocked:
        out += ["blocking", "band"]
    return out


def legend(draw: ImageDraw.ImageDraw, y: int, lang: str, kinds: list[str]) -> int:
    """Swatches for `kinds` (see `states`), wrapped to the width; returns the bottom."""
    face = s.font(24)
    x = s.PAD
    for kind in kinds:
        label = word(lang, kind)
        width = 44 + 10 + face.getlength(label) + 30
        if x + width > s.WIDTH - s.PAD and x > s.PAD:
            x, y = s.PAD, y + 40
        sw = (x, y + 6, x + 44, y + 30)
        if kind == "running":
            draw.rectangle(sw, fill=s.RUNNING)
        elif kind == "bursts":
            draw.rectangle(sw, fill=_mix(s.RUNNING, s.BACKGROUND, 0.4))
        elif kind == "waiting":
            draw.rectangle((x, y + 13, x + 44, y + 23), fill=s.WAITING)
        elif kind == "blocking":
            draw.rectangle(sw, fill=s.BLOCKING)
            s.stripes(draw, sw, s.BLOCKING_DARK)
        else:
            draw.rectangle(sw, fill=s.BLOCKED_BAND, outline=s.BLOCKING, width=1)
        draw.text((x + 54, y + 18), label, font=face, fill=s.INK, anchor="lm")
        x += width
    return y + 40


LONE = 4  # px: a short step with no other running pixel this close is drawn this wide, to be seen
BIN = 3  # px: dense running is averaged over bins this wide (single pixels would look like a comb)


def running_columns(bars: tuple[Bar, ...], px: Any, x_end: float) -> list[tuple[int, tuple]]:
    """The pixel columns where a task ran, each with its colour. Where short steps crowd
    together (several within LONE px of each other), each bin of BIN px is the running colour
    when the task ran for at least half of it, and paler the less it ran: hundreds of 60 µs
    steps look mostly idle, as they were, rather than solid. A short step on its own is drawn at
    least LONE px wide in the full colour: one run of 100 µs still shows."""
    out: list[tuple[int, tuple]] = []
    short: list[tuple[float, float]] = []
    for bar in bars:
        if bar.blocking:
            continue  # drawn on top, striped
        a, b = px(bar.start_us), min(px(bar.end_us), x_end)
        if b - a >= BIN:  # wide enough to show as it is
            out += [(c, s.RUNNING) for c in range(round(a), round(b) + 1)]
        else:
            short.append((a, b))
    groups: list[list[tuple[float, float]]] = []
    for a, b in sorted(short):
        if groups and a - groups[-1][-1][1] <= LONE:
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    last = int(x_end)
    for group in groups:
        if len(group) == 1:
            a, _ = group[0]
            out += [(c, s.RUNNING) for c in range(int(a), min(int(a) + LONE, last + 1))]
            continue
        cover: dict[int, float] = {}
        for a, b in group:
            for col in range(int(a), int(b) + 1):
                part = max(0.0, min(b, col + 1) - max(a, col))
                cover[col // BIN] = cover.get(col // BIN, 0.0) + part / BIN
        for i, share in cover.items():
            # Ten shades at most: neighbouring bins merge into one rectangle, and PNG packs them.
            share = 1.0 if share >= 0.5 else round(0.3 + 1.4 * share, 1)
            colour = s.RUNNING if share >= 1.0 else _mix(s.RUNNING, s.BACKGROUND, share)
            out += [(c, colour) for c in range(i * BIN, min((i + 1) * BIN, last + 1))]
    best: dict[int, tuple] = {}
    for col, colour in out:
        if best.get(col) != s.RUNNING:  # where a step and a pale bin meet, the step's colour wins
            best[col] = colour
    return sorted(best.items())


def _runs(columns: list[tuple[int, tuple]]) -> list[tuple[int, int, tuple]]:
    """Adjacent columns of one colour as one rectangle (first, last, colour): fewer draw calls."""
    out: list[list] = []
    for x, colour in columns:
        if out and out[-1][1] >= x - 1 and out[-1][2] == colour:
            out[-1][1] = max(out[-1][1], x)
        else:
            out.append([x, x, colour])
    return [(a, b, c) for a, b, c in out]


@cache
def _mix(a: tuple, b: tuple, share: float) -> tuple:
    return tuple(round(x * share + y * (1 - share)) for x, y in zip(a, b, strict=True))


def draw_rows(draw: ImageDraw.ImageDraw, chart: TimelineChart, top: int, lang: str,
              end_us: int | None = None) -> int:
    """Rows, stuck-loop bands, grid and axis from `top`; returns the bottom of the axis labels.
    `end_us` fixes the time scale (two charts drawn on one scale compare at a glance)."""
    end_us = max(end_us or chart.end_us, chart.start_us + 1)
    x0, x1 = X0, X1
    label_face, tick_face = s.font(26), s.font(22)
    marks, unit = ticks(end_us, start_us=chart.start_us)
    px = _px(end_us, marks[0])
    nrows = len(chart.rows) + (chart.more > 0)
    bottom = top + nrows * ROW_H

    for a, b in chart.blocked:
        draw.rectangle((px(a), top, max(px(b), px(a) + 2), bottom), fill=s.BLOCKED_BAND)
    for us in marks:
        draw.line((px(us), top, px(us), bottom), fill=s.GRID, width=1)
    for i, row in enumerate(chart.rows):
        mid = top + i * ROW_H + ROW_H // 2
        name = s.ellipsise_middle(row.name, label_face, LABEL_W)
        draw.text((s.PAD, mid), name, font=label_face, fill=s.INK, anchor="lm")
        if row.name != LOOP:  # the loop never waits at an await: it has no grey line
            draw.rectangle((px(row.first_us), mid - WAIT_H // 2, px(row.last_us), mid + WAIT_H // 2),
                           fill=s.WAITING)
        y0, y1 = mid - BAR_H // 2, mid + BAR_H // 2
        for xa, xb, colour in _runs(running_columns(row.bars, px, x1)):
            draw.rectangle((xa, y0, xb, y1), fill=colour)
        for bar in row.bars:
            if bar.blocking:  # at least SLEEP_MS long: wide enough to draw as it is
                box = (px(bar.start_us), y0, max(px(bar.end_us), px(bar.start_us) + 4), y1)
                draw.rectangle(box, fill=s.BLOCKING)
                s.stripes(draw, box, s.BLOCKING_DARK)
    if chart.more:
        mid = top + len(chart.rows) * ROW_H + ROW_H // 2
        draw.text((s.PAD, mid), word(lang, "more_tasks", n=chart.more), font=label_face,
                  fill=s.MUTED, anchor="lm")
    draw.line((x0, bottom, x1, bottom), fill=s.INK, width=2)
    for us in marks:
        draw.line((px(us), bottom, px(us), bottom + 8), fill=s.INK, width=2)
        draw.text((px(us), bottom + 12), _tick_label(us, unit), font=tick_face, fill=s.INK, anchor="mt")
    draw.text((s.PAD, bottom + 12), word(lang, f"time_{unit}") + " →", font=tick_face, fill=s.MUTED)
    return bottom + 44


def render_timeline(chart: TimelineChart, lang: str = "hi") -> bytes:
    """The chart as a PNG, WIDTH pixels wide; the same chart and voice give the same bytes."""
    if not chart.rows:
        img = Image.new("RGB", (s.WIDTH, 180), s.BACKGROUND)
        draw = ImageDraw.Draw(img)
        draw.text((s.PAD, s.PAD), word(lang, "timeline_title"), font=s.font(32, bold=True), fill=s.INK)
        draw.text((s.PAD, 110), word(lang, "no_tasks"), font=s.font(26), fill=s.MUTED)
        return png(img)
    nrows = len(chart.rows) + (chart.more > 0)
    legend_h = 100 if chart.blocked else 60
    height = TITLE_H + nrows * ROW_H + AXIS_H + legend_h
    img = Image.new("RGB", (s.WIDTH, height), s.BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.text((s.PAD, 20), word(lang, "timeline_title"), font=s.font(32, bold=True), fill=s.INK)
    y = draw_rows(draw, chart, TITLE_H + 8, lang)
    bottom = legend(draw, y + 14, lang, states(chart))
    if bottom + 12 < height:
        img = img.crop((0, 0, s.WIDTH, bottom + 12))
    return png(img)


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    # Level 1: half the encoding time of the default for a few percent more bytes (flat colours).
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()
