"""Pictures the bot sends where people would rather look than read: the task timeline of /run
and /demo, /stats, and the diagrams of the event-loop and blocking cards.

Platform-neutral: plain frozen values in, PNG bytes out (960 px wide, for phones). In the bot,
one `Pictures` (owned by whoever owns the other background work) renders them in a worker
process, so the event loop never waits for a drawing:

    async with Pictures() as pictures:
        png = await pictures.timeline(TimelineChart.from_timeline(result.timeline), lang)
        png = await pictures.stats(StatsPicture(...), lang)
        png = await pictures.diagram("event-loop", lang)   # a card id in DIAGRAMS

`bot.pictures.port.PictureService(pictures)` serves the core's pictures port with them (that
module alone imports the core: a worker imports this package without it). Any failure is a
PictureError, on which the caller sends the text it would have sent anyway.
The render_* functions draw in the calling thread (tests, benchmarks).
"""

from bot.pictures._diagrams import DIAGRAMS, render_diagram
from bot.pictures._renderer import Pictures
from bot.pictures._stats import StatsPicture, TermProgress, render_stats
from bot.pictures._style import FontMissing, PictureError
from bot.pictures._timeline import TimelineChart, render_timeline

__all__ = [
    "DIAGRAMS", "FontMissing", "PictureError", "Pictures", "StatsPicture", "TermProgress",
    "TimelineChart", "render_diagram", "render_stats", "render_timeline",
]
