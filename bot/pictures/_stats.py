"""/stats as a picture: the terms as a mastery grid, and the streak as a calendar strip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw

from bot.pictures import _style as s
from bot.pictures._text import word
from bot.pictures._timeline import png

COLUMNS = 4
GAP = 12
TILE_H = 108
MAX_TILES = 48
DAYS = 14
DAY = 56

LEVEL_KEYS = ("unseen", "seen", "quizzed", "mastered")
# Not strftime("%b"): that follows the process's locale, and the picture must not.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class TermProgress:
    """One term for one learner: the card seen, quiz answers given and right, practice due."""

    label: str  # the term's title in the learner's voice
    seen: bool = False
    quizzed: int = 0
    right: int = 0
    due: bool = False

    @property
    def level(self) -> int:
        """0 not seen, 1 card read, 2 quizzed, 3 mostly right (at least half the answers)."""
        if self.quizzed and self.right and 2 * self.right >= self.quizzed:
            return 3
        if self.quizzed:
            return 2
        return int(self.seen)


@dataclass(frozen=True, slots=True)
class StatsPicture:
    """What the /stats picture shows; the feature fills it from storage."""

    terms: tuple[TermProgress, ...]
    today: date
    active_days: frozenset[date] = frozenset()
    streak: int = 0
    best_streak: int = 0

    @classmethod
    def from_streak(cls, terms: tuple[TermProgress, ...], today: date, last_day: date | None,
                    streak: int, best_streak: int) -> StatsPicture:
        """For a store that keeps only the streak's length and its last day: the streak's days are
        the `streak` days ending on `last_day`."""
        days = frozenset(last_day - timedelta(days=i) for i in range(streak)) if last_day else frozenset()
        return cls(terms, today, days, streak, best_streak)


def _tile(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], term: TermProgress, lang: str) -> None:
    x0, y0, x1, y1 = box
    fill = s.LEVELS[term.level]
    ink = (255, 255, 255) if term.level == 3 else s.INK
    draw.rounded_rectangle(box, radius=10, fill=fill, outline=s.GRID if term.level == 0 else fill, width=2)
    face = s.font(22, bold=True)
    lines = s.wrap(term.label, face, x1 - x0 - 24, 2)
    for i, line in enumerate(lines):
        draw.text((x0 + 12, y0 + 10 + i * 28), line, font=face, fill=ink)
    small = s.font(20)
    status = (word(lang, "score", right=term.right, quizzed=term.quizzed) if term.quizzed
              else word(lang, LEVEL_KEYS[term.level]))
    room = x1 - x0 - 24
    if term.due:
        room -= _pill(draw, (x1 - 10, y1 - 10), word(lang, "due"), anchor_right=True) + 8
    draw.text((x0 + 12, y1 - 12), s.ellipsise(status, small, room), font=small,
              fill=ink if term.level else s.MUTED, anchor="ld")


def _pill(draw: ImageDraw.ImageDraw, at: tuple[int, int], text: str, anchor_right: bool = False) -> int:
    """A vermilion label (practice due); `at` is its bottom-left (or bottom-right). Returns its width."""
    face = s.font(18, bold=True)
    w = int(face.getlength(text)) + 16
    x, y = at
    x0 = x - w if anchor_right else x
    draw.rounded_rectangle((x0, y - 28, x0 + w, y), radius=14, fill=s.BLOCKING)
    draw.text((x0 + w / 2, y - 14), text, font=face, fill=(255, 255, 255), anchor="mm")
    return w


def render_stats(data: StatsPicture, lang: str = "hi") -> bytes:
    """The grid and the strip as a PNG, WIDTH pixels wide."""
    terms = data.terms[:MAX_TILES]
    rows = max(1, -(-len(terms) // COLUMNS))
    tile_w = (s.WIDTH - 2 * s.PAD - (COLUMNS - 1) * GAP) // COLUMNS
    grid_top = 76
    legend_y = grid_top + rows * (TILE_H + GAP) + 6
    strip_top = legend_y + 70
    height = strip_top + 48 + DAY + 44
    img = Image.new("RGB", (s.WIDTH, height), s.BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.text((s.PAD, 20), word(lang, "stats_title"), font=s.font(32, bold=True), fill=s.INK)
    if not terms:
        draw.text((s.PAD, grid_top + 30), word(lang, "no_terms"), font=s.font(24), fill=s.MUTED)
    for i, term in enumerate(terms):
        x = s.PAD + (i % COLUMNS) * (tile_w + GAP)
        y = grid_top + (i // COLUMNS) * (TILE_H + GAP)
        _tile(draw, (x, y, x + tile_w, y + TILE_H), term, lang)
    if len(data.terms) > MAX_TILES:
        draw.text((s.WIDTH - s.PAD, grid_top - 14), word(lang, "more_tasks", n=len(data.terms) - MAX_TILES),
                  font=s.font(20), fill=s.MUTED, anchor="rd")
    _legend(draw, legend_y, lang)
    _strip(draw, strip_top, data, lang)
    return png(img)


def _legend(draw: ImageDraw.ImageDraw, y: int, lang: str) -> None:
    face = s.font(20)
    x = s.PAD
    for level, key in enumerate(LEVEL_KEYS):
        fill = s.LEVELS[level]
        draw.rounded_rectangle((x, y + 6, x + 30, y + 30), radius=6, fill=fill,
                               outline=s.GRID if level == 0 else fill, width=2)
        label = word(lang, key)
        draw.text((x + 38, y + 18), label, font=face, fill=s.INK, anchor="lm")
        x += 38 + int(face.getlength(label)) + 24
    _pill(draw, (x, y + 32), word(lang, "due"))


def _strip(draw: ImageDraw.ImageDraw, top: int, data: StatsPicture, lang: str) -> None:
    draw.text((s.PAD, top), word(lang, "streak", n=data.streak, best=data.best_streak),
              font=s.font(26, bold=True), fill=s.INK)
    y = top + 44
    step = (s.WIDTH - 2 * s.PAD - DAY) / (DAYS - 1)
    for i in range(DAYS):
        day = data.today - timedelta(days=DAYS - 1 - i)
        x = round(s.PAD + i * step)
        box = (x, y, x + DAY, y + DAY)
        active = day in data.active_days
        draw.rounded_rectangle(box, radius=8, fill=s.ACTIVE if active else s.BACKGROUND,
                               outline=s.ACTIVE if active else s.GRID, width=2)
        below = (x + DAY / 2, y + DAY + 8)
        if day == data.today:
            draw.rounded_rectangle((x - 4, y - 4, x + DAY + 4, y + DAY + 4), 10, outline=s.INK, width=3)
            draw.text(below, word(lang, "today"), font=s.font(20), fill=s.INK, anchor="mt")
        elif day.day == 1 or i == 0:
            draw.text(below, MONTHS[day.month - 1], font=s.font(20), fill=s.MUTED, anchor="mt")
        draw.text((x + DAY / 2, y + DAY / 2), str(day.day), font=s.font(22, bold=active),
                  fill=(255, 255, 255) if active else s.MUTED, anchor="mm")
