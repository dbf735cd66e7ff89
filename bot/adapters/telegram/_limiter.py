"""The Telegram rate limiter of a bot that may run as several processes.

Telegram's overall flood limit (`TELEGRAM__RATE_OVERALL` per `_PERIOD`, about 30 messages a
second) is per bot token: N processes behind a load balancer, each with PTB's own
`AIORateLimiter` at the full ceiling, could send N times it. Here each process keeps to its
share of the ceiling, the ceiling divided by the live processes (`bot.core.fleet.Fleet`, counted
by the daily scheduler's heartbeat: the one count the daily fan-out splits its own ceiling by).
Everything this process sends to a chat is counted, replies and daily posts alike, since both go
through this limiter, so together they stay under the token's ceiling.

PTB's `AIORateLimiter` still does the rest (per-group limits, one `RetryAfter` pausing every
request, retries); the share is waited for inside it, after the group's limiter and before each
attempt, retries included. With one live process (always with SQLite) no share is applied: the
limiter is PTB's alone, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.core.fleet import Fleet

Result = Any  # what a Bot API call answers (bool, a dict, a list of dicts)


class FleetShare:
    """At most `share` sends per `period` on average, with a burst of up to `share` (PTB's
    limiter, aiolimiter's bucket, allows its whole rate at once; a fleet of N such shares then
    allows what one process at the full ceiling would). The share follows the fleet as it
    changes, which a fixed bucket does not allow: each send books the next slot (GCRA)."""

    def __init__(self, ceiling: float, period: float, fleet: Fleet) -> None:
        self.ceiling = ceiling
        self.period = period
        self.fleet = fleet
        self._next = 0.0  # the theoretical time of the next send

    async def wait(self) -> None:
        share = self.fleet.share(self.ceiling)
        interval = self.period / share
        now = asyncio.get_running_loop().time()
        slot = max(self._next, now)
        start = slot - (max(1.0, share) - 1.0) * interval  # the burst's allowance
        self._next = slot + interval
        if start > now:
            await asyncio.sleep(start - now)


class FleetRateLimiter(BaseRateLimiter[int]):
    """PTB's `AIORateLimiter` (`inner`) with the overall ceiling split across the fleet."""

    def __init__(self, inner: AIORateLimiter, fleet: Fleet, *, overall_max_rate: float,
                 overall_time_period: float) -> None:
        self.inner = inner
        self.fleet = fleet
        # 0 turns the overall limit off, as it does PTB's.
        self.share = (FleetShare(overall_max_rate, overall_time_period, fleet)
                      if overall_max_rate and overall_time_period else None)

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        share = self.share
        # The requests PTB counts against the overall limit: those to a chat, except paid
        # broadcasts (which Telegram limits apart).
        if (share is None or self.fleet.live <= 1 or data.get("chat_id") is None
                or data.get("allow_paid_broadcast", False)):
            return await self.inner.process_request(callback, args, kwargs, endpoint, data,
                                                    rate_limit_args)

        async def paced(*call_args: Any, **call_kwargs: Any) -> Result:
            await share.wait()
            return await callback(*call_args, **call_kwargs)

        return await self.inner.process_request(paced, args, kwargs, endpoint, data,
                                                rate_limit_args)
