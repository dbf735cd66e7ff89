"""Delivery: the one port for messages the bot starts itself (daily posts, timed rounds).

A deliverer may return an id of the message it posted (the one carrying the answer buttons)
and may offer `edit_delivered` to replace that message later (a round reveals its answer so);
a platform that cannot, or whose post shows the answer by itself (a quiz poll that closes),
returns None."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.types import ChatRef, Reply


class TargetGone(Exception):
    """Raised by a deliverer when the chat cannot be posted to again: the bot was blocked,
    kicked or removed, the chat no longer exists, or the platform answers 403/404. The core
    stops posting there (a daily schedule is disabled) instead of retrying forever."""


class Deliverer(Protocol):
    """One platform's way to post a reply to a chat (each adapter is one)."""

    async def deliver(self, chat: ChatRef, reply: Reply) -> str | None: ...


@runtime_checkable
class Editor(Protocol):
    """A deliverer that can replace a message it posted."""

    async def edit_delivered(self, chat: ChatRef, message_id: str, reply: Reply) -> bool:
        """Replace the message; False when the platform would not (too old, deleted)."""


class Delivery(Protocol):
    """Posts to any chat whose platform has a deliverer; what the daily scheduler sends with."""

    def delivers_to(self) -> frozenset[str]:
        """Platforms that can be posted to now."""

    async def deliver(self, chat: ChatRef, reply: Reply) -> str | None:
        """Post `reply`; raises TargetGone for a chat that is gone for good, LookupError for a
        platform without a deliverer. The posted message's id where it can be edited later."""

    async def edit(self, chat: ChatRef, message_id: str, reply: Reply) -> bool:
        """Replace a delivered message; False where the platform cannot."""
