"""What every platform adapter shares: the `Adapter` protocol the host supervises,
`AdapterFatal`, the one error that stops an adapter for good, and `Answer`, the one policy for
streaming a command's replies to a user, which each platform drives through a few primitives.
Adapters import these from here, never from the host: the host imports adapters, not the other
way round."""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable
from typing import Generic, Protocol, TypeVar

from bot.core.monitor import LatencyHistogram
from bot.core.types import Reply

H = TypeVar("H")


class AdapterFatal(Exception):
    """The adapter cannot work with this configuration (e.g. the platform rejected the token):
    restarting would not help."""


class Adapter(Protocol):
    """A platform adapter, run by the host under a supervisor. Its "connected" probe for
    /inside and /healthz is declared in `bot.adapters.registry`: /healthz shows "starting"
    until the probe says yes; without one, an adapter counts as connected while `run()` runs."""

    name: str

    async def run(self) -> None:
        """Connect and serve until cancelled. Raise AdapterFatal for a configuration the
        platform rejects; any other exception means "try again later". On cancellation, stop
        taking updates and close the platform session before re-raising."""


class Refused(Exception):
    """A platform would not take a reply this way (Telegram refuses an edit, the user never
    opened a private chat with the bot): `Answer` falls back to the next way."""


class Answer(ABC, Generic[H]):
    """The replies to one incoming event (a command, a click), as the core streams them: the
    one reply-streaming policy of every platform, written once.

    - A progress reply (`final=False`) is replaced in place by the next reply; where the
      platform refuses the edit, the next reply is sent anew.
    - A reply marked `edit_source` replaces the message whose button was clicked, where there
      is one and the platform can edit it; elsewhere it is sent anew.
    - A private reply is shown to its user alone where the event happened when the platform
      can (Discord's ephemeral messages, `private_here`). Where it cannot (a click in a
      Telegram group): as a short notice only they see if it fits; else in their private chat,
      with a short note; if that is refused, its start as a notice with a hint how to open the
      private chat; only when even the notice is spent, in place.
    - A public quiz question goes out as the platform's native poll when it has one.
    - Code to edit (`reply.form`) opens the platform's form where it has one and can open it
      now; elsewhere the reply shows the code to copy.
    - A long-running command is acknowledged at once and shows a busy sign (renewed every
      `busy_every` seconds) until its last reply; a quick one that is still working after
      `ack_after` seconds is acknowledged then (Discord's 3 s window). The acknowledgement
      and the first reply never race.

    A platform implements the primitives below; those it lacks keep their defaults (no
    poll, no notice, no private chat, nothing to acknowledge, no busy sign). `H` is the
    platform's handle of a sent message, what a later reply may edit.
    """

    ack_after: float | None = None
    busy_every: float | None = None

    def __init__(self) -> None:
        self.progress: H | None = None  # the message the next reply replaces
        self._showing = asyncio.Lock()  # the acknowledgement and the replies take turns
        self._timing: tuple[LatencyHistogram, float] | None = None

    def time_first_reply(self, into: LatencyHistogram, received: float | None = None) -> None:
        """Record into `into` the seconds from `received` (time.monotonic() when the adapter
        got the update; default now) to the first reply being handed to the platform: the
        bot's own share of a command's latency, whatever the platform's round trip adds."""
        self._timing = (into, time.monotonic() if received is None else received)

    @property
    def private_here(self) -> bool:
        """Whether a private reply can be shown to its user alone where the event happened."""
        return True

    @property
    def others_see_private(self) -> bool:
        """Whether a private reply shown in place is seen by others too (a typed command in a
        Telegram group): then a reply that `spoils` goes to the user's private chat."""
        return False

    async def play(self, replies: AsyncIterable[Reply], *, long_running: bool = False) -> None:
        """Show every reply of one command as it comes."""
        if long_running:
            await self.acknowledge()
        async with asyncio.TaskGroup() as tg:  # owns the timers
            ack = (tg.create_task(self._acknowledge_after(self.ack_after), name="answer:ack")
                   if self.ack_after is not None else None)
            busy = (tg.create_task(self._keep_busy(self.busy_every), name="answer:busy")
                    if long_running and self.busy_every is not None else None)
            try:
                async for reply in replies:
                    async with self._showing:
                        if ack is not None:
                            ack.cancel()
                        await self.show(reply)
            finally:
                for task in (ack, busy):
                    if task is not None:
                        task.cancel()

    async def show(self, reply: Reply) -> None:
        """Show one reply where it belongs, falling back when the platform refuses a way."""
        if self._timing is not None:
            into, received = self._timing
            self._timing = None
            into.observe(time.monotonic() - received)
        spoiled = reply.spoils and self.others_see_private
        if reply.private and (spoiled or not self.private_here):
            if await self._show_privately(reply) or spoiled:
                return  # a spoiling reply is never shown where others see it
        if reply.poll is not None and not reply.private and await self.send_poll(reply):
            self.progress = None
            return
        if reply.form is not None and await self.send_form(reply):
            self.progress = None
            return
        handle: H | None = None
        edited = False
        if self.progress is not None or reply.edit_source:
            try:
                handle = await (self.edit(self.progress, reply) if self.progress is not None
                                else self.edit_source(reply))
                edited = True
            except Refused:
                pass
        if not edited:
            handle = await self.send(reply)
        self.progress = None if reply.final else handle

    async def _show_privately(self, reply: Reply) -> bool:
        """False when every private way was refused or spent: then it is shown in place."""
        if await self.notice(reply):
            return True
        try:
            await self.send_private(reply)
        except Refused:
            return await self.notice(reply, hint=True)
        await self.note_sent_private()
        return True

    async def _acknowledge_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        async with self._showing:
            await self.acknowledge()

    async def _keep_busy(self, every: float) -> None:
        while True:
            await self.show_busy()
            await asyncio.sleep(every)

    # -- the platform's primitives -------------------------------------------------------------

    @abstractmethod
    async def send(self, reply: Reply) -> H | None:
        """Send the reply anew where the event happened (to its user alone if `reply.private`
        and `private_here`). Returns what a later reply may edit; None when nothing can be."""

    @abstractmethod
    async def edit(self, target: H, reply: Reply) -> H | None:
        """Replace a message this answer sent with the reply; raise Refused when the platform
        will not, and the reply is sent anew."""

    async def edit_source(self, reply: Reply) -> H | None:
        """Replace the message whose button was clicked; raise Refused where there is none or
        it cannot be edited."""
        raise Refused("no message to edit")

    async def send_poll(self, reply: Reply) -> bool:
        """Send `reply.poll` as the platform's native poll; False to send the reply instead."""
        return False

    async def send_form(self, reply: Reply) -> bool:
        """Open `reply.form` as the platform's form, prefilled, for its user alone; False to
        show the reply instead (no forms here, or not now)."""
        return False

    async def notice(self, reply: Reply, *, hint: bool = False) -> bool:
        """Show the reply as a short notice to its user alone (with `hint`: its start and how
        to open a private chat with the bot); False when it does not fit or was spent."""
        return False

    async def send_private(self, reply: Reply) -> None:
        """Send the reply to its user's private chat with the bot; raise Refused when the
        platform will not (the user never opened one)."""
        raise Refused("no private chat")

    async def note_sent_private(self) -> None:
        """Tell the user where their private answer went."""

    async def acknowledge(self) -> None:
        """Tell the platform the event is being worked on; the replies come later."""

    async def show_busy(self) -> None:
        """Show a short-lived "working" sign in the chat (renewed every `busy_every` s)."""
