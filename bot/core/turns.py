"""Turns: new commands start one per event-loop iteration.

Updates arrive in bursts: one Telegram long poll hands over twenty at once, and a gateway read
can hold several Discord events. Started together, their first steps (build the command,
answer it, render, send) all run in ONE iteration of the loop, 20-30 ms during which no timer
fires and no socket is read: event-loop lag, for every other user. Taking turns, the same work
runs as twenty short iterations with the loop's timers and I/O served between them. The CPU
work is the same; it is shared fairly. This is cooperative multitasking's manners made
explicit: yield, so that others get their turn.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Turns:
    def __init__(self) -> None:
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._admitting = False

    async def turn(self) -> None:
        """Wait until this caller may start: at most one caller is let go per iteration."""
        loop = asyncio.get_running_loop()
        ticket: asyncio.Future[None] = loop.create_future()
        self._waiting.append(ticket)
        if not self._admitting:
            self._admitting = True
            loop.call_soon(self._admit, loop)
        await ticket

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _admit(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._waiting:
            ticket = self._waiting.popleft()
            if not ticket.done():  # a caller cancelled while waiting gives up its turn
                ticket.set_result(None)
                break
        if self._waiting:
            loop.call_soon(self._admit, loop)  # the next one, in the next iteration
        else:
            self._admitting = False
