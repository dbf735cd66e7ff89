"""The pictures port: PNG pictures of what the bot otherwise says in text.

Every picture stands beside text that says the same, so a picture that cannot be drawn (no
font on this host, a worker that died, a slow render) costs nothing but the picture:
`NoPicture` is the one error, and the caller sends its text alone. `Services.pictures` is None
where pictures are off altogether.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.core.timeline import Timeline


class NoPicture(Exception):
    """No picture this time; str() says why (for the log, never for the user)."""


@dataclass(frozen=True, slots=True)
class TermMastery:
    """One term of one learner, as the /stats grid shows it."""

    label: str  # the term's title in the learner's voice
    seen: bool = False  # the card was opened
    quizzed: int = 0  # quiz answers given on its questions
    right: int = 0  # of which right
    due: bool = False  # a review of it is due in /practice


@dataclass(frozen=True, slots=True)
class StatsSheet:
    """What the /stats picture shows: every term in curriculum order, and the streak as the
    local days with an answer."""

    terms: tuple[TermMastery, ...]
    today: date
    active_days: frozenset[date] = frozenset()
    streak: int = 0
    best_streak: int = 0


class PicturesPort(Protocol):
    def has_diagram(self, card_id: str) -> bool:
        """Whether a card has a diagram."""

    async def timeline(self, timeline: Timeline, lang: str, *, key: Hashable | None = None
                       ) -> bytes:
        """A run's task timeline. `key` stands for the timeline where equal keys may share one
        picture (a demo: its tasks do the same every run); None = drawn for this run."""

    async def stats(self, sheet: StatsSheet, lang: str) -> bytes:
        """The /stats picture: the mastery grid and the streak strip."""

    async def diagram(self, card_id: str, lang: str) -> bytes:
        """A card's diagram (`has_diagram(card_id)`)."""
