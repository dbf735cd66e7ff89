"""Delivery: the one port for messages the bot starts itself (daily posts)."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import ChatRef, Reply


class TargetGone(Exception):
    """Raised by a deliverer when the chat cannot be posted to again: the bot was blocked,
    kicked or removed, the chat no longer exists, or the platform answers 403/404. The core
    stops posting there (a daily schedule is disabled) instead of retrying forever."""


class Deliverer(Protocol):
    """One platform's way to post a reply to a chat (each adapter is one)."""

    async def deliver(self, chat: ChatRef, reply: Reply) -> None: ...


class Delivery(Protocol):
    """Posts to any chat whose platform has a deliverer; what the daily scheduler sends with."""

    def delivers_to(self) -> frozenset[str]:
        """Platforms that can be posted to now."""

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        """Post `reply`; raises TargetGone for a chat that is gone for good, LookupError for a
        platform without a deliverer."""
