"""Typed events between features, so that no feature imports another to call it.

`/answer` publishes `Answered` once an answer is recorded; a subscriber (practice, which rates
its reviews) may add blocks and buttons to the answer's private reply. Subscribers run in the
order they subscribed; each sees the same event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.core.ports.storage import QuizPost
from bot.core.quizbank import Entry
from bot.core.types import Block, Button

if TYPE_CHECKING:
    from bot.core.router import Context

E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Answered:
    """An answer that was just recorded (a repeated answer is not one)."""

    post: QuizPost
    entry: Entry
    choice: int
    correct: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class Addition:
    """What a subscriber adds to the answer's reply."""

    blocks: tuple[Block, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Submitted:
    """A challenge submission that was just graded and recorded."""

    challenge_id: str
    term: str
    passed: bool
    check: str | None  # the first failed check (None when passed)
    misconception: str | None
    card: str  # the card the verdict points at
    first_pass: bool  # the user's first ✅ of this challenge
    at: datetime


class Hooks(Generic[E]):
    """Subscribers to one kind of event, each called with the command's context and the event,
    in the order they subscribed; each may add to the reply."""

    def __init__(self) -> None:
        self._hooks: list[Callable[[Context, E], Awaitable[Addition | None]]] = []

    def subscribe(self, hook: Callable[[Context, E], Awaitable[Addition | None]]) -> None:
        if hook not in self._hooks:
            self._hooks.append(hook)

    async def publish(self, ctx: Context, event: E) -> list[Addition]:
        """Every subscriber's addition, in order (None = nothing to add)."""
        added = []
        for hook in self._hooks:
            addition = await hook(ctx, event)
            if addition is not None:
                added.append(addition)
        return added


# `/answer` publishes `Answered`; `/submit` publishes `Submitted` (practice subscribes to both:
# a wrong answer or a failed check schedules the misconception's card).
AnswerHooks = Hooks[Answered]
SubmissionHooks = Hooks[Submitted]
