"""Fonts, colours and sizes shared by every picture.

Text is drawn with DejaVu Sans from Debian's fonts-dejavu-core, loaded by path (never by
fontconfig lookup), so a picture looks the same on every host that has the package. Colours come
from the Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies;
the states also differ in shape (bar height, stripes), never in colour alone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# Discord and Telegram show a picture ~350-400 points wide on a phone, i.e. scaled by ~0.4 at
# the usual 2-3x pixel density: 960 px with 26-32 px text stays readable there.
WIDTH = 960
PAD = 28

BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
GRID = (222, 226, 230)
RUNNING = (0, 114, 178)      # Okabe-Ito blue
WAITING = (190, 196, 202)    # neutral grey, drawn as a thin bar
BLOCKING = (213, 94, 0)      # Okabe-Ito vermilion, drawn striped
BLOCKING_DARK = (160, 60, 0)
BLOCKED_BAND = (253, 232, 216)  # the whole loop stood still: a pale vermilion band
ACTIVE = (0, 158, 115)       # Okabe-Ito bluish green (a streak day)
LEVELS = ((255, 255, 255), (214, 234, 248), (86, 180, 233), (0, 114, 178))  # unseen .. mostly right


class PictureError(Exception):
    """No picture this time (font missing, a worker died, too slow): send the text instead."""


class FontMissing(PictureError):
    """Debian's fonts-dejavu-core is not installed."""


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = BOLD if bold else REGULAR
    # Checked first: given a missing path, Pillow would search other font folders by file name
    # and might draw with another file.
    if not path.is_file():
        raise FontMissing(f"{path} is missing: install Debian's fonts-dejavu-core")
    return ImageFont.truetype(str(path), size)


def ellipsise(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """`text` cut with an ellipsis so it fits in `width` pixels."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def ellipsise_middle(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """`text` with its middle replaced by an ellipsis so it fits: task names often differ only
    at the end (worker-1, worker-2), so both ends stay."""
    if face.getlength(text) <= width:
        return text
    head, tail = len(text) // 2, len(text) // 2
    while head > 1 and face.getlength(text[:head] + "…" + text[-tail:]) > width:
        head -= 1
        if face.getlength(text[:head] + "…" + text[-tail:]) > width and tail > 1:
            tail -= 1
    return text[:head] + "…" + text[-tail:]


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float, lines: int) -> list[str]:
    """Words over at most `lines` lines of `width` pixels; the last line is ellipsised."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and face.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words:
        out[-1] = out[-1] + " " + " ".join(words)
    return [ellipsise(line, face, width) for line in out]


def stripes(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], colour: tuple,
            step: int = 12) -> None:
    """Diagonal stripes inside `box`: the blocking state's shape, readable without colour."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    x = x0 - h
    while x < x1:
        a, b = max(x, x0), min(x + h, x1)  # the segment from (x, y1) to (x + h, y0), clipped
        if b > a:
            draw.line([(a, y1 - (a - x)), (b, y1 - (b - x))], fill=colour, width=3)
        x += step
