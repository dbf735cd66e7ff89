"""The daily scheduler: once per target per local day, through the ledger, across restarts,
downtime and DST changes, with a fixed clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.clock import SystemClock, iso
from bot.core.features.daily import DailyScheduler
from bot.core.types import ChatKind
from tests.conftest import daily_of, rewire
from tests.core.features.conftest import ALICE, ChatRef, replies

CHAT = ChatRef("test", "room-1", ChatKind.GROUP)


async def set_daily(core, spec: str, chat: ChatRef = CHAT) -> None:
    (reply,) = await replies(core, f"/daily set {spec}", chat, ALICE, admin=True)
    assert "Ho gaya" in reply.plain(), reply.plain()


async def test_posts_once_when_due_and_not_before(core, clock, recorder):
    """Nothing before 09:00 local; one post at 09:00; a second pass that day posts nothing."""
    clock.set(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))  # 08:30 IST
    await set_daily(core, "09:00 Asia/Kolkata")
    assert await daily_of(core).run_due() == 0
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))  # 09:00 IST
    assert await daily_of(core).run_due() == 1
    assert await daily_of(core).run_due() == 0
    (chat, recap), (again, question) = recorder.sent  # its two messages, in order
    assert chat == again == CHAT and "Aaj ka term" in recap.title
    assert recap.buttons[0][0].command == "term" and question.buttons and question.poll
    assert (await core.services.daily.daily_ledger_day(CHAT.key, "2026-11-25")).status == "sent"
    messages = await core.services.daily.daily_messages(CHAT.key, "2026-11-25")
    assert [(m.kind, m.status) for m in messages] == [("recap", "sent"), ("question", "sent")]


async def test_terms_rotate_without_repeats(core, clock, recorder):
    """Fifteen days post fifteen different terms, in curriculum order, then start over."""
    clock.set(datetime(2026, 11, 25, 0, 0, tzinfo=UTC))
    await set_daily(core, "06:00 UTC")
    for _ in range(16):
        clock.advance(days=1) if recorder.sent else clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
        assert await daily_of(core).run_due() == 1
    titles = [post.title for _, post in recorder.sent if post.title]  # the recaps
    assert len(set(titles[:15])) == 15 and titles[15] == titles[0]


async def test_level_two_joins_the_rotation_only_when_an_admin_chooses_it(core, clock, recorder):
    """On the default track 15 days post the sheet's 15 terms and start over, never a level-2
    term; after `/daily track all` the round goes on past the sheet into level 2, in path order,
    and `/daily track curriculum` takes it back to the sheet."""
    lib = core.library
    clock.set(datetime(2026, 11, 25, 0, 0, tzinfo=UTC))
    await set_daily(core, "06:00 UTC")
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))

    async def post_days(n: int) -> list[str]:
        shown = []
        for _ in range(n):
            assert await daily_of(core).run_due() == 1
            recap = recorder.sent[-2][1]  # the card's button rides under the recap
            shown.append(recap.buttons[-1][0].command_line.split()[-1])
            clock.advance(days=1)
        return shown

    sheet = [c.id for c in lib.curriculum]
    assert await post_days(16) == [*sheet, sheet[0]]
    (reply,) = await replies(core, "/daily track all", CHAT, ALICE, admin=True)
    assert "level 2" in reply.plain().lower()
    assert await post_days(15) == [*sheet[1:], lib.beyond[0].id]  # the round goes on past the sheet
    assert await post_days(8) == [c.id for c in lib.beyond[1:]]
    assert await post_days(1) == [sheet[0]]  # all 24 shown: a new round
    await replies(core, "/daily track curriculum", CHAT, ALICE, admin=True)
    assert not set(await post_days(15)) & {c.id for c in lib.beyond}


async def cut_after_recap(core, clock, *, instance: str = "gone-host:1:dead") -> None:
    """A process claims today's post, starts its recap and dies before recording it."""
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    await set_daily(core, "06:00 UTC")
    store = core.services.daily
    await store.daily_heartbeat(instance, iso(clock.now()), iso(clock.now() + timedelta(seconds=30)))
    await store.daily_claim(chat_key=CHAT.key, day="2026-11-25", term_id="sync", cycle=0,
                            question_id="sync-1", next_day="2026-11-26",
                            next_due=iso(datetime(2026, 11, 26, 6, 0, tzinfo=UTC)),
                            now=iso(clock.now()), owner=instance, parts=("recap", "question"))
    assert await store.daily_message_start(CHAT.key, "2026-11-25", 1, instance, iso(clock.now()))


async def test_a_post_cut_after_its_recap_is_completed_once_the_lease_runs_out(core, clock, recorder):
    """The recap in flight when its process died is 'unknown' and never resent; the question it
    never started is sent by the next process, but only after the dead process's lease ran out;
    /daily status shows the post as unknown, saying which message."""
    await cut_after_recap(core, clock)
    restarted = DailyScheduler(core)
    clock.set(datetime(2026, 11, 25, 5, 0, 20, tzinfo=UTC))  # its lease (30 s) still runs
    assert await restarted.run_due() == 0 and recorder.sent == []
    assert (await core.services.daily.daily_ledger_day(CHAT.key, "2026-11-25")).status == "claimed"
    assert await restarted.seconds_to_next() == 10  # it looks again when the lease ends
    clock.set(datetime(2026, 11, 25, 5, 0, 31, tzinfo=UTC))
    assert await restarted.run_due() == 0  # not fully sent: its recap is unknown
    [(chat, question)] = recorder.sent
    assert chat == CHAT and question.poll and question.poll.quiz_id
    messages = await core.services.daily.daily_messages(CHAT.key, "2026-11-25")
    assert [(m.kind, m.status, m.sent_by) for m in messages] == [
        ("recap", "unknown", "gone-host:1:dead"), ("question", "sent", restarted.instance)]
    row = await core.services.daily.daily_ledger_day(CHAT.key, "2026-11-25")
    assert row.status == "unknown" and "recap" in row.detail and row.owner is None
    clock.set(datetime(2026, 11, 25, 6, 30, tzinfo=UTC))
    assert await restarted.run_due() == 0 and len(recorder.sent) == 1  # nothing twice
    (status,) = await replies(core, "/daily status", CHAT, ALICE, admin=True)
    assert "2026-11-25" in status.plain() and "pata nahi" in status.plain()
    assert "recap" in status.plain()


async def test_a_process_whose_post_was_adopted_never_sends_its_rest(core, clock, recorder):
    """A process that stalled past its lease finds its post adopted: it sends nothing more."""
    await cut_after_recap(core, clock, instance="stalled:2:abcd")
    clock.set(datetime(2026, 11, 25, 5, 1, tzinfo=UTC))
    await DailyScheduler(core).run_due()
    store = core.services.daily
    assert not await store.daily_message_start(CHAT.key, "2026-11-25", 2, "stalled:2:abcd",
                                               iso(clock.now()))
    assert len(recorder.sent) == 1  # the question, once, by the adopter


async def test_the_fleet_ceiling_is_split_between_live_processes(core, clock):
    """Two live processes each pace at half the ceiling; when one's lease runs out, the other
    goes back to the whole of it."""
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    one, two = DailyScheduler(core), DailyScheduler(core)
    for scheduler in (one, two):
        scheduler.configure(concurrency=4, rate_per_second=40, lease_seconds=30)
    assert await one.heartbeat() == 1 and one.pacer.rate == 40
    assert await two.heartbeat() == 2 and await one.heartbeat() == 2
    assert one.pacer.rate == two.pacer.rate == 20
    clock.advance(seconds=31)  # `two` stopped beating
    assert await one.heartbeat() == 1 and one.pacer.rate == 40


async def test_two_schedulers_on_one_store_split_a_fan_out_without_duplicates(core, clock, recorder):
    """Two processes' schedulers fanning out together: every post once, both took a share."""
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    chats = [ChatRef("test", f"c{i}", ChatKind.GROUP) for i in range(20)]
    for chat in chats:
        await set_daily(core, "06:00 UTC", chat)
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    one, two = DailyScheduler(core), DailyScheduler(core)
    for scheduler in (one, two):
        scheduler.configure(concurrency=2, rate_per_second=40)
        await scheduler.heartbeat()
    await one.heartbeat()  # it now counts `two`
    assert one.take_size() == 10  # a second of its share (20 messages: 10 posts)
    assert sum(await asyncio.gather(one.run_due(), two.run_due())) == 20
    assert sorted(c.id for c, post in recorder.sent if post.title) == sorted(c.id for c in chats)
    assert len(recorder.sent) == 40 and one.sent_messages > 0 and two.sent_messages > 0


async def test_downtime_records_missed_days_and_sends_today_once(core, clock, recorder):
    """Down for three days: two earlier days are 'missed', today's post goes out once."""
    clock.set(datetime(2026, 11, 20, 5, 0, tzinfo=UTC))
    await set_daily(core, "06:00 UTC")
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))  # back on the 22nd, after 06:00
    while await daily_of(core).seconds_to_next() <= 0:
        await daily_of(core).run_due()
    ledger = {r.local_day: r.status for r in await core.services.daily.daily_ledger(CHAT.key)}
    assert ledger == {"2026-11-20": "missed", "2026-11-21": "missed", "2026-11-22": "sent"}
    assert len(recorder.sent) == 2  # one post: its recap and its question
    (status,) = await replies(core, "/daily status", CHAT, ALICE, admin=True)
    assert status.plain().count("chhoot gaya") == 2


async def test_dst_gap_posts_at_the_next_valid_minute_every_day(core, clock, recorder):
    """Europe/Berlin at 02:30 across 2026-03-29 (02:00-03:00 never happens): one post a day,
    that day at 03:00 CEST."""
    clock.set(datetime(2026, 3, 27, 0, 0, tzinfo=UTC))
    await set_daily(core, "02:30 Europe/Berlin")
    times = []
    while clock.now() < datetime(2026, 3, 31, tzinfo=UTC):
        if await daily_of(core).run_due():
            times.append(clock.now())
        clock.advance(minutes=1)
    assert times == [datetime(2026, 3, 27, 1, 30, tzinfo=UTC), datetime(2026, 3, 28, 1, 30, tzinfo=UTC),
                     datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 30, 0, 30, tzinfo=UTC)]


async def test_repeated_hour_posts_once(core, clock, recorder):
    """America/New_York at 01:30 on 2026-11-01 (01:00-02:00 happens twice): one post."""
    clock.set(datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    await set_daily(core, "01:30 America/New_York")
    while clock.now() < datetime(2026, 11, 1, 12, 0, tzinfo=UTC):
        await daily_of(core).run_due()
        clock.advance(minutes=5)
    assert len(recorder.sent) == 2  # one post: its recap and its question
    assert (await core.services.daily.daily_ledger_day(CHAT.key, "2026-11-01")).status == "sent"


async def test_gone_target_is_disabled_not_retried(core, clock, recorder):
    """A chat whose deliverer raises TargetGone is disabled with the reason shown."""
    recorder.gone.add(CHAT.id)
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    await set_daily(core, "06:00 UTC")
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    assert await daily_of(core).run_due() == 0
    target = await core.services.daily.daily_target(CHAT.key)
    assert not target.enabled and "403" in target.disabled_reason
    clock.advance(days=1)
    assert await daily_of(core).run_due() == 0 and await core.services.daily.daily_next_due(["test"]) is None
    (status,) = await replies(core, "/daily status", CHAT, ALICE, admin=True)
    assert "Band hai" in status.plain()


async def test_fan_out_is_bounded_by_the_concurrency_setting(core, clock):
    """Sixty due chats: every one posted once, never more than `concurrency` in flight."""
    peak = 0
    gate = asyncio.Event()

    class Gated:
        async def deliver(self, chat, reply):
            nonlocal peak
            peak = max(peak, daily_of(core).in_flight)
            await gate.wait()

    core.register_deliverer("slow", Gated())
    daily_of(core).configure(concurrency=4, rate_per_second=1000)
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    for i in range(60):
        await set_daily(core, "06:00 UTC", ChatRef("slow", f"c{i}", ChatKind.GROUP))
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    fan_out = asyncio.create_task(daily_of(core).run_due())
    for _ in range(500):
        if daily_of(core).in_flight == 4:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # time for a fifth send to start, if the bound were broken
    assert daily_of(core).in_flight == 4
    gate.set()
    assert await fan_out == 60
    assert peak == 4


async def test_other_commands_answer_during_a_fan_out(core, clock):
    """While 200 posts trickle out at a paced rate, /term still answers at once."""
    class Slow:
        async def deliver(self, chat, reply):
            await asyncio.sleep(0.01)

    core.register_deliverer("slow", Slow())
    daily_of(core).configure(concurrency=4, rate_per_second=200)
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    for i in range(200):
        await set_daily(core, "06:00 UTC", ChatRef("slow", f"c{i}", ChatKind.GROUP))
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    fan_out = asyncio.create_task(daily_of(core).run_due())
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    (card,) = await replies(core, "/term await")
    took = loop.time() - started
    assert not fan_out.done() and "await" in card.title
    assert await fan_out == 200
    assert took < 0.5  # generous: the point is "not after the fan-out", which takes ~1 s


async def test_run_sleeps_until_woken_by_a_schedule_change(core, storage, recorder):
    """With nothing due, run() sleeps (no polling); /daily set wakes it and the post goes out."""
    waits = []

    class CountingClock(SystemClock):
        async def wait(self, event, seconds):
            waits.append(seconds)
            await super().wait(event, seconds)

    clock = CountingClock()
    rewire(core, clock=clock)
    task = asyncio.create_task(daily_of(core).run())
    await asyncio.sleep(0.1)
    assert len(waits) == 1 and waits[0] == daily_of(core).max_sleep  # asleep, not polling
    now = clock.now()
    await storage.daily_set(chat_key=CHAT.key, platform="test", chat_id=CHAT.id, chat_kind="group",
                            at_time="00:00", tz="UTC", next_day=now.date().isoformat(),
                            next_due=iso(now - timedelta(seconds=1)), now=iso(now))
    daily_of(core).wake()
    for _ in range(100):
        if len(recorder.sent) == 2:  # the recap, then the question
            break
        await asyncio.sleep(0.02)
    task.cancel()
    assert len(recorder.sent) == 2 and len(waits) <= 3


async def test_fan_out_is_paced_by_the_rate_setting(core, clock):
    """Eleven sends at 20 per second take at least ten intervals of 50 ms, with no burst."""
    class Quick:
        async def deliver(self, chat, reply):
            return None

    core.register_deliverer("quick", Quick())
    daily_of(core).configure(concurrency=50, rate_per_second=20)
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    for i in range(11):
        await set_daily(core, "06:00 UTC", ChatRef("quick", f"c{i}", ChatKind.GROUP))
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await daily_of(core).run_due() == 11
    assert loop.time() - started >= 0.45


async def test_failed_send_is_recorded_not_retried(core, clock):
    """A send that raises (not "gone") is 'failed' for that day, the schedule stays on."""
    class Broken:
        async def deliver(self, chat, reply):
            raise ConnectionError("platform said 502")

    core.register_deliverer("broken", Broken())
    chat = ChatRef("broken", "b1", ChatKind.GROUP)
    clock.set(datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    await set_daily(core, "06:00 UTC", chat)
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    assert await daily_of(core).run_due() == 0
    row = await core.services.daily.daily_ledger_day(chat.key, "2026-11-25")
    assert row.status == "failed" and "502" in row.detail
    assert (await core.services.daily.daily_target(chat.key)).enabled
    assert await daily_of(core).run_due() == 0  # not retried the same day
