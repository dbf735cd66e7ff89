"""The core's services: one frozen object holding an implementation of every port.

`bot/__main__.py` builds it once (storage, sandbox, pictures, clock, demos, quiz bank, delivery, the daily
pace from settings) and hands it to `Core`; features read what they need from
`ctx.services` and never attach anything to the core. Tests build it the same way, with a fake
clock or another store where they need one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.challenges import Challenges
from bot.core.clock import SYSTEM_CLOCK, Clock
from bot.core.ports.delivery import Deliverer, Editor
from bot.core.ports.pictures import PicturesPort
from bot.core.ports.sandbox import SandboxPort
from bot.core.ports.storage import (
    ChallengeStore,
    DailyStore,
    PlatformState,
    PracticeStore,
    Preferences,
    QuizStore,
    SnippetStore,
    Store,
)
from bot.core.quizbank import Bank, BankError
from bot.core.types import ChatRef, Reply

if TYPE_CHECKING:
    from bot.core.content import Library
    from bot.core.demos import Demo

__all__ = ["BackgroundService", "DailyPace", "Deliveries", "Services", "bank_beside"]

log = logging.getLogger(__name__)


class BackgroundService(Protocol):
    """Work a feature owns that lives as long as the process (the daily scheduler): declared
    to the core, run by the host in its one TaskGroup until cancelled."""

    name: str

    async def run(self) -> None: ...


class Deliveries:
    """The delivery port's implementation: one deliverer per platform, registered by the
    adapters as they start."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Deliverer] = {}

    def register(self, platform: str, deliverer: Deliverer) -> None:
        self._by_platform[platform] = deliverer

    def delivers_to(self) -> frozenset[str]:
        return frozenset(self._by_platform)

    def deliverer(self, platform: str) -> Deliverer | None:
        return self._by_platform.get(platform)

    async def deliver(self, chat: ChatRef, reply: Reply) -> str | None:
        deliverer = self._by_platform.get(chat.platform)
        if deliverer is None:
            raise LookupError(f"no adapter delivers to {chat.platform!r}")
        posted = await deliverer.deliver(chat, reply)
        return posted if isinstance(posted, str) else None

    async def edit(self, chat: ChatRef, message_id: str, reply: Reply) -> bool:
        editor = self._by_platform.get(chat.platform)
        if not isinstance(editor, Editor):
            return False
        return await editor.edit_delivered(chat, message_id, reply)


@dataclass(frozen=True, slots=True)
class DailyPace:
    """How fast the daily fan-out may go (PRACTICE__DAILY_* settings)."""

    concurrency: int = 8
    rate_per_second: float = 20.0  # messages per second, for the whole fleet of processes
    lease_seconds: float = 30.0  # how long a silent process's claims stay its own


@dataclass(frozen=True, slots=True)
class Services:
    prefs: Preferences
    quiz: QuizStore
    daily: DailyStore
    practice: PracticeStore
    platform: PlatformState
    snippets: SnippetStore
    attempts: ChallengeStore
    quiz_bank: Bank
    clock: Clock = SYSTEM_CLOCK
    sandbox: SandboxPort | None = None  # None: running code is off on this host
    pictures: PicturesPort | None = None  # None: replies stay text only (e.g. no font here)
    demos: Mapping[str, Demo] = field(default_factory=dict)  # by id
    deliver: Deliveries = field(default_factory=Deliveries)
    daily_pace: DailyPace = DailyPace()
    challenges: Challenges = field(default_factory=lambda: Challenges([]))  # content/challenges

    @classmethod
    def of(cls, store: Store, *, quiz_bank: Bank, **others) -> Services:
        """Every storage port served by one store (bot.storage.Storage), plus the others."""
        return cls(prefs=store, quiz=store, daily=store, practice=store, platform=store,
                   snippets=store, attempts=store, quiz_bank=quiz_bank, **others)


def bank_beside(library: Library) -> Bank:
    """The question bank next to the cards (`<content>/quiz`), in curriculum order. A broken
    bank is logged and leaves the quiz features empty (they say so) rather than the bot down."""
    order = [c.id for c in library.terms]
    root = next((Path(c.path).resolve().parent.parent for c in library.terms if c.path), None)
    try:
        return Bank.from_dir(root / "quiz", order) if root else Bank((), {}, order)
    except BankError as exc:
        log.error("quiz: the question bank is broken (%s); run python -m bot.lint content/",
                  exc)
        return Bank((), {}, order)
