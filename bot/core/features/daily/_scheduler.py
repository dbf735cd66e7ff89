"""The daily scheduler: one long-lived task per bot process that sleeps until the next due post.

It reads the earliest `next_due` from the database, sleeps until then (an `asyncio.Event`
wakes it early when a schedule changes here; with other processes alive it also looks again
every heartbeat, for schedules changed through them), then fans out to every due target with
bounded concurrency and a rate limit, so thousands of posts neither exceed the platform's limits
nor stall the event loop for other commands.

Any number of processes may share one database (PostgreSQL) and fan out at once. Each registers
with a heartbeat whose expiry is its lease. Exactly once per target per local day, through the
ledger: take a few due targets (each taken by one process), claim each (a 'claimed' row owned by
this process, one 'pending' row per message of the post, written in the transaction that moves
the target to its next day), then send the messages in order, each moved from 'pending' to
'sending' by one conditional write first, and recorded after. When a process dies, the others
wait for its lease to run out, then adopt its claims: a message it was sending becomes 'unknown'
(shown in /daily status, never resent: for a daily post, missing one is better than posting
twice) and its messages not yet started are sent, so a post cut between its recap and its
question is completed. A starting process never touches a live process's claims. Days missed
while no process was running are recorded as 'missed'; today's post, if still due, goes out once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
import socket
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import Clock, iso, local_day, local_instant, parse_hhmm, parse_iso, zone
from bot.core.features._questions import deal
from bot.core.features.daily._post import (
    PARTS,
    daily_parts,
    daily_reply,
    next_term,
    pick_question,
    post_lang,
)
from bot.core.ports.delivery import TargetGone
from bot.core.ports.storage import DailyMessage, DailyTarget, LedgerEntry
from bot.core.quizbank import Entry
from bot.core.types import ChatKind, ChatRef, Reply

if TYPE_CHECKING:
    from bot.core.app import Core


BURST_S = 0.05  # the fan-out may catch up this much time of sends after a late wake-up
log = logging.getLogger(__name__)

MAX_SLEEP = 300.0  # re-read the schedule at least this often (clock jumps, new adapters)
GRACE = timedelta(hours=2)  # a post this late still goes out, even after local midnight
BATCH = 500  # posts adopted per pass
BEATS_PER_LEASE = 3  # the heartbeat renews the lease this often within it
IDLE_FLOOR_S = 0.5  # a pass that found nothing to do never loops faster than this


def next_slot(target_day: date, at: str, tz_name: str) -> tuple[date, datetime]:
    """The day after `target_day` and its due instant."""
    tz = zone(tz_name)
    hhmm = parse_hhmm(at)
    if tz is None or hhmm is None:
        raise ValueError(f"bad schedule {at!r} {tz_name!r}")
    day = target_day + timedelta(days=1)
    return day, local_instant(day, hhmm, tz)


def new_instance_id() -> str:
    """This process's name in the ledger: host and pid for people, random for uniqueness (a
    restarted process, even with the same pid, is a new instance)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def outcome(messages: list[DailyMessage]) -> tuple[str, str | None]:
    """A post's ledger status from its messages: 'sent' when all were; 'gone' or 'failed'
    when the platform refused one (the rest were skipped); 'unknown' when one may or may not
    have gone out (it was in flight when its process stopped)."""
    if messages and all(m.status == "sent" for m in messages):
        return "sent", None
    for status in ("gone", "failed"):
        refused = next((m for m in messages if m.status == status), None)
        if refused is not None:
            return status, refused.detail
    unknown = [m for m in messages if m.status in ("unknown", "sending")]
    if unknown:
        return "unknown", "; ".join(f"{m.kind}: {m.detail or 'in flight'}" for m in unknown)[:200]
    return "failed", "nothing was sent"


class Pacer:
    """Sends start at most `rate` per second, with at most BURST_S worth of catch-up after a
    late wake-up (with no allowance, every late wake-up of a busy loop was lost for good:
    measured 0.80 of the ceiling; with it, 0.998). Its rate changes at run time (the fleet's
    ceiling is re-split when processes come and go), which a fixed token bucket does not allow:
    each start books the next free slot, one interval after the last (GCRA)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(self._next, now - BURST_S)
        self._next = slot + 1.0 / self.rate
        if slot > now:
            await asyncio.sleep(slot - now)


class DailyScheduler:
    name = "daily"  # the host supervises it like an adapter

    def __init__(self, core: Core, *, clock: Clock | None = None, instance: str | None = None
                 ) -> None:
        self.core = core
        self._clock = clock
        pace = core.services.daily_pace
        self.instance = instance or new_instance_id()
        self.concurrency = max(1, pace.concurrency)
        self.rate_per_second = max(0.1, pace.rate_per_second)  # the whole fleet's ceiling
        self.lease = timedelta(seconds=pace.lease_seconds)
        self.pacer = Pacer(core.fleet.share(self.rate_per_second))
        self._wake = asyncio.Event()
        self.max_sleep = MAX_SLEEP
        self.in_flight = 0  # sends started and not finished
        self.sent_messages = 0  # messages this process sent (figures, tests)
        self._next_post: datetime | None = None

    def configure(self, *, concurrency: int, rate_per_second: float,
                  lease_seconds: float | None = None) -> None:
        self.concurrency = max(1, concurrency)
        self.rate_per_second = max(0.1, rate_per_second)
        if lease_seconds is not None:
            self.lease = timedelta(seconds=lease_seconds)
        self.pacer.rate = self.core.fleet.share(self.rate_per_second)

    @property
    def live(self) -> int:
        """Processes sharing the ceiling, as of the last heartbeat (the core's `Fleet`)."""
        return self.core.fleet.live

    @property
    def clock(self) -> Clock:
        return self._clock or self.core.services.clock

    @property
    def beat_every(self) -> float:
        return self.lease.total_seconds() / BEATS_PER_LEASE

    def wake(self) -> None:
        """A schedule changed: re-read the next due time now."""
        self._wake.set()

    # The rate ceiling is per bot token, not per process. It is split evenly between the live
    # processes (each heartbeat counts them into the core's `Fleet`, which the adapters' rate
    # limiters split their ceilings by too) rather than drawn from a token bucket in the
    # database: a bucket would cost a database round trip per message (or bursts, if drawn in
    # chunks), while the split costs nothing per send, and every process takes its share of
    # targets at its own pace, so the shares stay fair. Safe on both edges: a process that
    # joins waits one heartbeat before sending (by then the others have shrunk their share),
    # and one that dies leaves the others below the ceiling until its lease runs out.

    async def heartbeat(self) -> int:
        now = self.clock.now()
        live = await self.core.services.daily.daily_heartbeat(self.instance, iso(now),
                                                              iso(now + self.lease))
        self.core.fleet.update(live)
        self.pacer.rate = self.core.fleet.share(self.rate_per_second)
        return self.live

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.beat_every)
            before = self.live
            try:
                live = await self.heartbeat()
            except Exception as exc:  # the lease may run out: then others adopt our posts
                log.warning("daily: heartbeat failed (%s); retrying", exc)
                continue
            # With other processes, look at the schedule each beat: they may have set or taken
            # targets (a /daily set through one of them wakes only its own scheduler).
            if live > 1 or live != before:
                self.wake()

    async def run(self) -> None:
        """Until cancelled: join the fleet, then post whatever is due and sleep until the next."""
        if await self.heartbeat() > 1:  # an error here propagates: the host's supervisor retries
            await asyncio.sleep(self.beat_every)
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self._beat_forever(), name="daily:heartbeat")
                await self._loop()
        finally:
            try:
                await self.core.services.daily.daily_leave(self.instance)
            except Exception as exc:
                log.warning("daily: could not end this process's lease (%s): it runs out", exc)

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                worked = await self.run_due()
                wait = await self.seconds_to_next()
                if not worked:
                    wait = max(wait, IDLE_FLOOR_S)
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
        storage = self.core.services.daily
        nxt = await storage.daily_next_due(sorted(self.core.delivers_to()), self.instance)
        self._next_post = parse_iso(nxt) if nxt else None
        # Work another process holds falls to us if its lease runs out: look again then.
        adopt = await storage.daily_next_adoption(self.instance)
        instants = [parse_iso(x) for x in (nxt, adopt) if x]
        if not instants:
            return self.max_sleep
        return min(self.max_sleep, (min(instants) - self.clock.now()).total_seconds())

    def take_size(self) -> int:
        """Targets taken at a time: about a second of this process's share (at least one per
        sender), so that processes split the last targets fairly, and a process that dies holds
        few untouched targets until its lease runs out."""
        per_second = self.pacer.rate / len(PARTS)
        return max(self.concurrency, min(BATCH, math.ceil(per_second)))

    async def run_due(self) -> int:
        """One pass: adopt the posts left by stopped processes, then take and post every due
        target until none is left; the number of posts fully sent."""
        storage = self.core.services.daily
        await self.heartbeat()
        now = self.clock.now()
        platforms = sorted(self.core.delivers_to())
        adopted = await storage.daily_adopt(iso(now), self.instance, BATCH)
        if adopted:
            log.info("daily: completing %d post(s) left by a stopped process", len(adopted))
        size = self.take_size()
        queue: asyncio.Queue[DailyTarget | LedgerEntry | None] = asyncio.Queue(maxsize=size)
        results: list[bool] = []
        loop = asyncio.get_running_loop()
        async with asyncio.TaskGroup() as tg:
            workers = [tg.create_task(self._worker(queue, now, results))
                       for _ in range(self.concurrency)]
            for entry in adopted:
                await queue.put(entry)
            looked = loop.time()
            while targets := await storage.daily_take(iso(now), platforms, self.instance, size):
                for target in targets:
                    await queue.put(target)
                if loop.time() - looked >= self.beat_every:
                    # A long fan-out also completes, within a lease, the posts of a process that
                    # stopped meanwhile (its own sends under way are left alone).
                    looked = loop.time()
                    for entry in await storage.daily_adopt(iso(self.clock.now()), self.instance,
                                                           BATCH, own=False):
                        await queue.put(entry)
            for _ in workers:
                await queue.put(None)
        return sum(results)

    async def _worker(self, queue: asyncio.Queue[DailyTarget | LedgerEntry | None],
                      now: datetime, results: list[bool]) -> None:
        while (item := await queue.get()) is not None:
            try:
                if isinstance(item, LedgerEntry):
                    results.append(await self._complete(item))
                else:
                    results.append(await self._post(item, now))
            except asyncio.CancelledError:
                raise
            except Exception:
                # Never let one target stop the fan-out. A post claimed already is adopted by
                # the next pass; a target not yet claimed moves on so it cannot spin the loop.
                log.exception("daily: target failed")
                if isinstance(item, DailyTarget):
                    day = date.fromisoformat(item.next_day)
                    nday, ndue = next_slot(day, item.at_time, item.tz)
                    await self.core.services.daily.daily_advance(
                        chat_key=item.chat_key, day=item.next_day, status="failed",
                        detail="internal error", next_day=nday.isoformat(), next_due=iso(ndue),
                        now=iso(self.clock.now()))

    async def _post(self, target: DailyTarget, now: datetime) -> bool:
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
        term, cycle = await next_term(self.core, key)
        entry = pick_question(self.core, term)
        order = deal(entry.question)
        post_id = await storage.daily_claim(
            chat_key=key, day=day_text, term_id=term, cycle=cycle, question_id=entry.id,
            next_day=nday.isoformat(), next_due=iso(ndue), now=iso(self.clock.now()),
            choice_order=order, owner=self.instance, parts=PARTS)
        if post_id is None:
            log.info("daily: %s already has a ledger row for %s; not posting", key, day_text)
            return False
        chat = ChatRef(target.platform, target.chat_id, ChatKind(target.chat_kind))
        pending = [DailyMessage(key, day_text, n, kind, "pending", None, None, iso(now))
                   for n, kind in enumerate(PARTS, start=1)]
        return await self._send(chat, key, day_text, post_id, entry, order, pending)

    async def _complete(self, claim: LedgerEntry) -> bool:
        """Send what a stopped process left unstarted of its post (now ours)."""
        key, day = claim.chat_key, claim.local_day
        target = await self.core.services.daily.daily_target(key)
        post = (await self.core.services.quiz.quiz_post(claim.post_id)
                if claim.post_id is not None else None)
        entry = self.core.services.quiz_bank.by_id.get(post.question_id) if post else None
        messages = await self.core.services.daily.daily_messages(key, day)
        if target is None or post is None or entry is None:
            for m in messages:
                if m.status == "pending":
                    await self.core.services.daily.daily_message_done(
                        key, day, m.part, "failed", "its question is no longer in the bank",
                        iso(self.clock.now()))
            return await self._finish(key, day)
        chat = ChatRef(target.platform, target.chat_id, ChatKind(target.chat_kind))
        return await self._send(chat, key, day, post.id, entry, post.choice_order, messages)

    async def _send(self, chat: ChatRef, key: str, day: str, post_id: int, entry: Entry,
                    order: tuple[int, ...], messages: list[DailyMessage]) -> bool:
        storage = self.core.services.daily
        lang = await post_lang(self.core, key)
        replies: dict[str, Reply] = dict(zip(PARTS, daily_parts(self.core, entry, lang, post_id,
                                                                 order), strict=True))
        final: list[DailyMessage] = []  # the messages as they end here: the post's outcome
        refused = False  # the platform refused one message: the rest would make no sense alone
        for message in messages:
            if message.status != "pending":
                final.append(message)
                continue
            status, detail = "skipped", None
            if not refused:
                await self.pacer.wait()
                if not await storage.daily_message_start(key, day, message.part, self.instance,
                                                         iso(self.clock.now())):
                    # Another process adopted the post (our lease ran out): it sends the rest
                    # and records the outcome; this message was never started here.
                    return False
                reply = replies.get(message.kind) or daily_reply(self.core, entry, lang, post_id,
                                                                 order)
                status, detail = await self._deliver(chat, key, reply)
                refused = status != "sent"
            await storage.daily_message_done(key, day, message.part, status, detail,
                                             iso(self.clock.now()))
            final.append(replace(message, status=status, detail=detail))
        status, detail = outcome(final)
        await storage.daily_record(key, day, status, detail, iso(self.clock.now()))
        return status == "sent"

    async def _deliver(self, chat: ChatRef, key: str, reply: Reply) -> tuple[str, str | None]:
        """Send one message: ('sent', None), ('gone', why) or ('failed', why)."""
        self.in_flight += 1
        try:
            await self.core.deliver(chat, reply)
        except TargetGone as exc:
            await self.core.services.daily.daily_disable(key, f"gone: {exc}"[:200],
                                                         iso(self.clock.now()))
            log.warning("daily: %s is gone (%s); its daily post is disabled", key, exc)
            return "gone", str(exc)[:200]
        except Exception as exc:
            log.warning("daily: posting to %s failed: %s", key, exc)
            return "failed", f"{type(exc).__name__}: {exc}"[:200]
        finally:
            self.in_flight -= 1
        self.sent_messages += 1
        return "sent", None

    async def _finish(self, key: str, day: str) -> bool:
        storage = self.core.services.daily
        status, detail = outcome(await storage.daily_messages(key, day))
        await storage.daily_record(key, day, status, detail, iso(self.clock.now()))
        return status == "sent"
