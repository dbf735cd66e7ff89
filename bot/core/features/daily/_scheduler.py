"""The daily scheduler: one long-lived task that sleeps until the next due post.

It reads the earliest `next_due` from the database, sleeps until then (an `asyncio.Event`
wakes it early when a schedule changes: no polling, no busy-wait), then fans out to every due
target with bounded concurrency and a rate limit, so thousands of posts neither exceed the
platforms' limits nor stall the event loop for other commands.

Exactly once per target per local day, through the ledger: claim (a 'claimed' row, written in
the same transaction that moves the target to its next day), send, record ('sent'). A crash
between claim and record leaves 'claimed'; at startup that becomes 'unknown' and is never
resent: for a daily post, missing one is better than posting twice. Days missed while the bot
was down are recorded as 'missed'; today's post, if still due, goes out once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from aiolimiter import AsyncLimiter

from bot.core.clock import Clock, iso, local_day, local_instant, parse_hhmm, parse_iso, zone
from bot.core.features._questions import deal
from bot.core.features.daily._post import daily_reply, next_term, pick_question, post_lang
from bot.core.ports.delivery import TargetGone
from bot.core.ports.storage import DailyTarget
from bot.core.types import ChatKind, ChatRef

if TYPE_CHECKING:
    from bot.core.app import Core


BURST_S = 0.05  # the fan-out may catch up this much time of sends after a late wake-up
log = logging.getLogger(__name__)

MAX_SLEEP = 300.0  # re-read the schedule at least this often (clock jumps, new adapters)
GRACE = timedelta(hours=2)  # a post this late still goes out, even after local midnight
BATCH = 500  # targets read per pass


def next_slot(target_day: date, at: str, tz_name: str) -> tuple[date, datetime]:
    """The day after `target_day` and its due instant."""
    tz = zone(tz_name)
    hhmm = parse_hhmm(at)
    if tz is None or hhmm is None:
        raise ValueError(f"bad schedule {at!r} {tz_name!r}")
    day = target_day + timedelta(days=1)
    return day, local_instant(day, hhmm, tz)


class DailyScheduler:
    name = "daily"  # the host supervises it like an adapter

    def __init__(self, core: Core, *, clock: Clock | None = None) -> None:
        self.core = core
        self._clock = clock
        pace = core.services.daily_pace
        self.concurrency = max(1, pace.concurrency)
        self.rate_per_second = max(0.1, pace.rate_per_second)
        self._wake = asyncio.Event()
        self.max_sleep = MAX_SLEEP
        self.in_flight = 0  # sends started and not finished
        self._limiter: AsyncLimiter | None = None
        self._next_post: datetime | None = None

    def configure(self, *, concurrency: int, rate_per_second: float) -> None:
        self.concurrency = max(1, concurrency)
        self.rate_per_second = max(0.1, rate_per_second)
        self._limiter = None

    @property
    def limiter(self) -> AsyncLimiter:
        # `rate` sends per second with at most 50 ms worth of catch-up, shared by every pass: a
        # new pass never gets a fresh allowance, so the rate holds across batches and restarts
        # of the loop. With no burst at all, every late wake-up of a busy loop was lost for good
        # (measured: 0.80 of the ceiling); with this allowance, 0.998.
        if self._limiter is None:
            self._limiter = AsyncLimiter(max(1.0, self.rate_per_second * BURST_S), BURST_S)
        return self._limiter

    @property
    def clock(self) -> Clock:
        return self._clock or self.core.services.clock

    def wake(self) -> None:
        """A schedule changed: re-read the next due time now."""
        self._wake.set()

    async def recover(self) -> int:
        unknown = await self.core.services.daily.daily_recover(iso(self.clock.now()))
        if unknown:
            log.warning("daily: %d post(s) were in flight when the bot stopped; marked unknown,"
                        " not resent", unknown)
        return unknown

    async def run(self) -> None:
        """Until cancelled: recover, then post whatever is due and sleep until the next."""
        await self.recover()  # an error here propagates: the host's supervisor retries
        while True:
            self._wake.clear()
            try:
                await self.run_due()
                wait = await self.seconds_to_next()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("daily: scheduler pass failed; retrying in a minute")
                wait = 60.0
            if wait > 0:
                await self.clock.wait(self._wake, wait)

    def next_post(self) -> datetime | None:
        """When the next post is due, as of the last pass (for /inside and /healthz)."""
        return self._next_post

    async def seconds_to_next(self) -> float:
        nxt = await self.core.services.daily.daily_next_due(sorted(self.core.delivers_to()))
        self._next_post = parse_iso(nxt) if nxt else None
        if nxt is None:
            return self.max_sleep
        return min(self.max_sleep, (parse_iso(nxt) - self.clock.now()).total_seconds())

    async def run_due(self) -> int:
        """One pass over every due target; the number of posts sent."""
        now = self.clock.now()
        platforms = sorted(self.core.delivers_to())
        targets = await self.core.services.daily.daily_due(iso(now), platforms, BATCH)
        if not targets:
            return 0
        sem = asyncio.Semaphore(self.concurrency)
        limiter = self.limiter
        results: list[bool] = []
        async with asyncio.TaskGroup() as tg:
            for target in targets:
                tg.create_task(self._guarded(target, now, sem, limiter, results))
        return sum(results)

    async def _guarded(self, target: DailyTarget, now: datetime, sem: asyncio.Semaphore,
                       limiter: AsyncLimiter, results: list[bool]) -> None:
        try:
            results.append(await self._one(target, now, sem, limiter))
        except asyncio.CancelledError:
            raise
        except Exception:
            # Never let one target stop the fan-out; move it on so it cannot spin the loop.
            log.exception("daily: target %s failed before sending", target.chat_key)
            day = date.fromisoformat(target.next_day)
            nday, ndue = next_slot(day, target.at_time, target.tz)
            await self.core.services.daily.daily_advance(
                chat_key=target.chat_key, day=target.next_day, status="failed",
                detail="internal error", next_day=nday.isoformat(), next_due=iso(ndue),
                now=iso(self.clock.now()))

    async def _one(self, target: DailyTarget, now: datetime, sem: asyncio.Semaphore,
                   limiter: AsyncLimiter) -> bool:
        storage = self.core.services.daily
        key, day_text = target.chat_key, target.next_day
        tz = zone(target.tz)
        if tz is None:
            raise ValueError(f"unknown zone {target.tz!r}")
        day = date.fromisoformat(day_text)
        due = parse_iso(target.next_due)
        nday, ndue = next_slot(day, target.at_time, target.tz)
        if day < local_day(now, tz) and now - due > GRACE:
            await storage.daily_advance(chat_key=key, day=day_text, status="missed",
                                        detail="the bot was not running", next_day=nday.isoformat(),
                                        next_due=iso(ndue), now=iso(now))
            log.info("daily: %s missed %s (the bot was down)", key, day_text)
            return False
        async with sem, limiter:
            term, cycle = await next_term(self.core, key)
            entry = pick_question(self.core, term)
            order = deal(entry.question)
            post_id = await storage.daily_claim(
                chat_key=key, day=day_text, term_id=term, cycle=cycle, question_id=entry.id,
                next_day=nday.isoformat(), next_due=iso(ndue), now=iso(self.clock.now()),
                choice_order=order)
            if post_id is None:
                log.info("daily: %s already has a ledger row for %s; not posting", key, day_text)
                return False
            chat = ChatRef(target.platform, target.chat_id, ChatKind(target.chat_kind))
            reply = daily_reply(self.core, entry, await post_lang(self.core, key), post_id, order)
            self.in_flight += 1
            try:
                await self.core.deliver(chat, reply)
            except TargetGone as exc:
                done = iso(self.clock.now())
                await storage.daily_record(key, day_text, "gone", str(exc)[:200], done)
                await storage.daily_disable(key, f"gone: {exc}"[:200], done)
                log.warning("daily: %s is gone (%s); its daily post is disabled", key, exc)
                return False
            except Exception as exc:
                await storage.daily_record(key, day_text, "failed",
                                           f"{type(exc).__name__}: {exc}"[:200],
                                           iso(self.clock.now()))
                log.warning("daily: posting to %s failed: %s", key, exc)
                return False
            finally:
                self.in_flight -= 1
            await storage.daily_record(key, day_text, "sent", None, iso(self.clock.now()))
            return True
