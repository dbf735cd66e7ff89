"""The core's pictures port (bot/core/ports/pictures.py), served by `Pictures`: the core's
values in, this package's charts drawn in a worker process, every failure as the port's
`NoPicture`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Hashable

from bot.core.ports.pictures import NoPicture, StatsSheet
from bot.core.timeline import Timeline
from bot.pictures._diagrams import DIAGRAMS
from bot.pictures._renderer import Pictures
from bot.pictures._stats import StatsPicture, TermProgress
from bot.pictures._style import BOLD, REGULAR, PictureError
from bot.pictures._timeline import TimelineChart

log = logging.getLogger(__name__)

# A reply waits at most this long for its picture (a queue of pictures behind a busy worker
# included), then goes as text alone: a picture is worth a moment, not a stalled answer.
WAIT_S = 3.0


class PictureService:
    """Implements `PicturesPort` over a `Pictures` its owner opened (and closes)."""

    def __init__(self, pictures: Pictures, *, wait_s: float = WAIT_S) -> None:
        self.pictures = pictures
        self.wait_s = wait_s

    @classmethod
    def if_drawable(cls, pictures: Pictures) -> PictureService | None:
        """The service, or None (pictures off, text only) where the font is missing."""
        missing = [str(path) for path in (REGULAR, BOLD) if not path.is_file()]
        if missing:
            log.warning("pictures: off, replies stay text only (%s missing: install Debian's"
                        " fonts-dejavu-core)", ", ".join(missing))
            return None
        return cls(pictures)

    def has_diagram(self, card_id: str) -> bool:
        return card_id in DIAGRAMS

    async def timeline(self, timeline: Timeline, lang: str, *, key: Hashable | None = None
                       ) -> bytes:
        chart = TimelineChart.from_timeline(timeline)
        return await self._within(self.pictures.timeline(chart, lang, key=key))

    async def stats(self, sheet: StatsSheet, lang: str) -> bytes:
        picture = StatsPicture(
            terms=tuple(TermProgress(t.label, seen=t.seen, quizzed=t.quizzed, right=t.right, due=t.due)
                        for t in sheet.terms),
            today=sheet.today, active_days=sheet.active_days, streak=sheet.streak,
            best_streak=sheet.best_streak)
        return await self._within(self.pictures.stats(picture, lang))

    async def diagram(self, card_id: str, lang: str) -> bytes:
        return await self._within(self.pictures.diagram(card_id, lang))

    async def _within(self, drawing: Awaitable[bytes]) -> bytes:
        try:
            async with asyncio.timeout(self.wait_s):
                return await drawing
        except PictureError as exc:
            raise NoPicture(str(exc)) from exc
        except TimeoutError:
            raise NoPicture(f"no picture within {self.wait_s:g} s") from None
