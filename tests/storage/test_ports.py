"""Every storage port on both backends (the `storage` fixture is SQLite, then PostgreSQL):
the same calls give the same frozen rows."""

import asyncio
import dataclasses

import pytest

from bot.core.ports.storage import ChallengeAttempt, Store
from tests.storage.conftest import INTEGRITY
from tests.storage.samples import answer, claim, target


async def test_preferences_and_seen_terms_round_trip(storage: Store):
    """Language choices update in place; seen terms are recorded once."""
    await storage.set_chat_lang("test:g", "hi")
    await storage.set_chat_lang("test:g", "en")
    await storage.mark_seen("test:u", "await")
    await storage.mark_seen("test:u", "await")
    assert await storage.chat_lang("test:g") == "en"
    assert await storage.seen_terms("test:u") == {"await"}
    assert await storage.user_lang("test:nobody") is None


async def test_langs_reads_user_and_chat_choices_together(storage: Store):
    """The user's and the chat's choice together; either may be missing."""
    assert await storage.langs("test:u", "test:c") == (None, None)
    await storage.set_chat_lang("test:c", "en")
    assert await storage.langs("test:u", "test:c") == (None, "en")
    await storage.set_user_lang("test:u", "hi")
    assert await storage.langs("test:u", "test:c") == ("hi", "en")


async def test_a_refused_language_write_changes_nothing(storage: Store):
    """A write the database refuses is not remembered (nor cached)."""
    await storage.set_user_lang("test:u", "en")
    with pytest.raises(INTEGRITY):
        await storage.set_user_lang("test:u", "fr")  # the CHECK allows only hi and en
    with pytest.raises(INTEGRITY):
        await storage.set_chat_lang("test:c", "fr")
    assert await storage.langs("test:u", "test:c") == ("en", None)


async def test_a_daily_claim_is_one_transaction_and_never_twice(storage: Store):
    """The claim writes the ledger row, the rotation, the question and the next slot together;
    a second claim of the same day gets None; claims of many chats at once all succeed."""
    keys = [f"test:g{n}" for n in range(20)]
    for key in keys:
        await target(storage, key)
    ids = await asyncio.gather(*(storage.daily_claim(**claim(key)) for key in keys))
    assert None not in ids and len(set(ids)) == 20
    assert await storage.daily_claim(**claim(keys[0])) is None  # never posted twice
    [row] = await storage.daily_ledger(keys[0])
    assert (row.status, row.post_id, row.term_id) == ("claimed", ids[0], "sync")
    assert (await storage.daily_target(keys[0])).next_day == "2026-11-26"
    assert await storage.daily_rotation(keys[0]) == (0, {"sync"})


async def test_a_failing_claim_leaves_nothing_behind(storage: Store):
    await target(storage, "test:g")
    with pytest.raises(INTEGRITY):
        await storage.daily_claim(**claim("test:g", question_id=None))  # NOT NULL
    assert await storage.daily_ledger("test:g") == []
    assert (await storage.daily_target("test:g")).next_day == "2026-11-25"
    assert await storage.daily_claim(**claim("test:g")) is not None  # and the next one works


async def test_answers_at_once_are_each_recorded_once(storage: Store):
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "2026-11-25T06:00:00+00:00")
    users = [f"test:u{n}" for n in range(20)]
    recorded = await asyncio.gather(*(storage.record_answer(**answer(post, u, correct=n % 2 == 0))
                                      for n, u in enumerate(users)))
    assert recorded == [True] * 20
    assert await storage.record_answer(**answer(post, users[0], choice=1)) is False
    assert await storage.post_tally(post) == (20, 10)
    score = await storage.score("test:g", users[0])
    assert (score.answered, score.correct, score.streak) == (1, 1, 1)
    assert (await storage.user_answer(post, users[0])).choice == 0  # the first answer stays


async def test_every_read_returns_the_ports_frozen_rows(storage: Store):
    """Storage answers with the core's frozen row types (booleans as booleans), never dicts."""
    from bot.core.ports import (
        Answer,
        BoardRow,
        DailyMessage,
        DailyTarget,
        LedgerEntry,
        QuizPost,
        Score,
        Snippet,
        SrsItem,
        TelegramPoll,
    )

    now = "2026-11-25T06:00:00+00:00"
    await target(storage, "test:g")
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", "test:u", now)
    await storage.record_answer(**answer(post, "test:u"))
    await storage.daily_claim(**claim("test:g"))
    await storage.srs_put("test:u", "q:sync-1", due=now, state_json="{}", reason="tag", now=now)
    await storage.telegram_poll_add(poll_id="p1", post_id=post, chat_id="-1", chat_kind="group",
                                    message_id=7, now=now)
    reads = [
        (await storage.quiz_post(post), QuizPost), (await storage.user_answer(post, "test:u"), Answer),
        (await storage.score("test:g", "test:u"), Score),
        ((await storage.leaderboard("test:g"))[0], BoardRow),
        (await storage.daily_target("test:g"), DailyTarget),
        ((await storage.daily_due("2026-11-27T00:00:00+00:00", ["test"]))[0], DailyTarget),
        ((await storage.daily_ledger("test:g"))[0], LedgerEntry),
        ((await storage.daily_messages("test:g", "2026-11-25"))[0], DailyMessage),
        (await storage.daily_ledger_day("test:g", "2026-11-25"), LedgerEntry),
        (await storage.srs_get("test:u", "q:sync-1"), SrsItem),
        ((await storage.srs_due("test:u", now))[0], SrsItem),
        (await storage.telegram_poll("p1"), TelegramPoll),
        ((await storage.answers_in_chat("test:g", "test:u"))[0], Answer),
    ]
    await storage.snippet_add(snippet_id="s1", user_key="test:u", code="print(1)", now=now,
                              expire_before="2026-11-18T06:00:00+00:00")
    reads.append((await storage.snippet("s1", not_before="2026-11-18T06:00:00+00:00"), Snippet))
    for row, kind in reads:
        assert type(row) is kind and dataclasses.is_dataclass(row)
        values = [getattr(row, f.name) for f in dataclasses.fields(row)]
        assert {type(v) for v in values} <= {str, int, bool, tuple, type(None)}, row  # plain values
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.__setattr__(dataclasses.fields(row)[0].name, None)
    stored = await storage.user_answer(post, "test:u")
    daily = await storage.daily_target("test:g")
    assert stored is not None and stored.correct is True
    assert daily is not None and daily.enabled is True
    assert (await storage.quiz_post(post)).owner_key == "test:u"


async def test_streaks_count_local_days_in_a_row(storage: Store):
    """Same day keeps the streak, the next day adds one, a gap starts again; the best stays."""
    days = [("2026-11-25", "2026-11-24"), ("2026-11-25", "2026-11-24"), ("2026-11-26", "2026-11-25"),
            ("2026-11-28", "2026-11-27")]
    seen = []
    for day, yesterday in days:
        post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, f"{day}T06:00:00+00:00")
        await storage.record_answer(**answer(post, "test:u", day=day, yesterday=yesterday,
                                             correct=day != "2026-11-26", user_name=f"U{day}"))
        score = await storage.score("test:g", "test:u")
        seen.append((score.answered, score.correct, score.streak, score.best_streak, score.last_day))
    assert seen == [(1, 1, 1, 1, "2026-11-25"), (2, 2, 1, 1, "2026-11-25"),
                    (3, 2, 2, 2, "2026-11-26"), (4, 3, 1, 2, "2026-11-28")]
    assert (await storage.score("test:g", "test:u")).user_name == "U2026-11-28"  # the latest name
    assert await storage.score("test:other", "test:u") is None


async def test_the_leaderboard_ranks_by_correct_then_fewer_answers(storage: Store):
    early, late = "2026-11-20T00:00:00+00:00", "2026-11-25T06:00:01+00:00"
    posts = [await storage.create_quiz_post("test:g", f"q{n}", "quiz", None, early) for n in range(3)]
    plan = {"test:a": [True, False, True], "test:b": [True, True], "test:c": [True, True, False]}
    for user, results in plan.items():
        for n, (post, ok) in enumerate(zip(posts, results, strict=False)):
            when = early if user == "test:c" else late
            await storage.record_answer(**answer(post, user, correct=ok, now=when, question_id=f"q{n}"))
    board = await storage.leaderboard("test:g")
    assert [(r.user_key, r.user_name, r.answered, r.correct) for r in board] == [
        ("test:b", "test:b", 2, 2), ("test:a", "test:a", 3, 2), ("test:c", "test:c", 3, 2)]
    assert {type(v) for r in board for v in (r.answered, r.correct)} == {int}  # not Decimal
    assert [r.user_key for r in await storage.leaderboard("test:g", since=late)] == ["test:b", "test:a"]
    assert len(await storage.leaderboard("test:g", limit=1)) == 1
    assert await storage.leaderboard("test:elsewhere") == []
    assert await storage.post_tally(posts[1]) == (3, 2)
    assert await storage.answered_questions("test:a") == {"q0", "q1", "q2"}


async def test_forgetting_a_user_removes_answers_scores_and_reviews_only(storage: Store):
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "2026-11-25T06:00:00+00:00")
    await storage.record_answer(**answer(post, "test:u"))
    await storage.record_answer(**answer(post, "test:v"))
    await storage.srs_put("test:u", "q:sync-1", due="2026-11-26", state_json="{}", reason=None,
                          now="2026-11-25")
    assert await storage.user_has_practice_data("test:u") is True
    assert await storage.forget_user("test:u") == 3  # one answer, one score, one review
    assert await storage.user_has_practice_data("test:u") is False
    assert await storage.forget_user("test:u") == 0
    assert await storage.post_tally(post) == (1, 1)  # the other user's answer stays
    assert (await storage.quiz_post(post)).question_id == "sync-1"


async def test_reviews_keep_their_reason_and_come_due_in_order(storage: Store):
    put = storage.srs_put
    await put("test:u", "card:a", due="2026-11-27T00:00:00+00:00", state_json="{1}", reason="why",
              now="2026-11-25")
    await put("test:u", "card:a", due="2026-11-26T00:00:00+00:00", state_json="{2}", reason=None,
              now="2026-11-26")
    await put("test:u", "q:b", due="2026-11-25T00:00:00+00:00", state_json="{}", reason=None,
              now="2026-11-25")
    item = await storage.srs_get("test:u", "card:a")
    assert (item.due, item.state_json, item.reason, item.updated_at) == (
        "2026-11-26T00:00:00+00:00", "{2}", "why", "2026-11-26")
    due = await storage.srs_due("test:u", "2026-11-26T12:00:00+00:00")
    assert [i.item for i in due] == ["q:b", "card:a"]
    assert [i.item for i in await storage.srs_due("test:u", "2026-11-26T12:00:00+00:00", limit=1)] == ["q:b"]
    assert await storage.srs_items("test:u") == {"card:a", "q:b"}
    assert await storage.srs_next_due("test:u") == "2026-11-25T00:00:00+00:00"
    assert await storage.srs_next_due("test:nobody") is None


async def test_daily_targets_ledger_and_rotation(storage: Store):
    """Due targets by platform and instant; a disabled one is not due; an advanced day is
    recorded once; rotations move to the latest cycle."""
    await target(storage, "test:a")
    await target(storage, "test:b", next_due="2026-11-25T05:00:00+00:00", tz="Asia/Kolkata")
    await target(storage, "other:c", platform="other", next_due="2026-11-25T04:00:00+00:00")
    assert await storage.chat_tz("test:b") == "Asia/Kolkata"
    assert await storage.daily_next_due(["test"]) == "2026-11-25T05:00:00+00:00"
    assert await storage.daily_next_due(["test", "other"]) == "2026-11-25T04:00:00+00:00"
    assert await storage.daily_next_due([]) is None
    due = await storage.daily_due("2026-11-25T06:00:00+00:00", ["test"])
    assert [t.chat_key for t in due] == ["test:b", "test:a"]
    assert await storage.daily_disable("test:b", "gone", "2026-11-25T00:00:00+00:00") is True
    assert await storage.daily_disable("test:b", "gone", "2026-11-25T00:00:00+00:00") is False
    disabled = await storage.daily_target("test:b")
    assert (disabled.enabled, disabled.disabled_reason) == (False, "gone")
    assert [t.chat_key for t in await storage.daily_due("2026-11-25T06:00:00+00:00", ["test"])] == ["test:a"]
    await target(storage, "test:b")  # set again: enabled, the reason cleared
    assert (await storage.daily_target("test:b")).disabled_reason is None

    await storage.daily_claim(**claim("test:a"))
    assert (await storage.daily_ledger_day("test:a", "2026-11-25")).status == "claimed"
    await storage.daily_record("test:a", "2026-11-25", "sent", "ok", "2026-11-25T07:00:01+00:00")
    advance = {"chat_key": "test:b", "day": "2026-11-25", "status": "missed", "detail": "down",
               "next_day": "2026-11-26", "next_due": "2026-11-26T06:00:00+00:00", "now": "x"}
    await storage.daily_advance(**advance)
    await storage.daily_advance(**{**advance, "status": "failed"})  # the day has its row already
    assert (await storage.daily_ledger_day("test:b", "2026-11-25")).status == "missed"
    assert (await storage.daily_target("test:b")).next_day == "2026-11-26"
    assert await storage.daily_ledger_counts() == {"sent": 1, "missed": 1}
    await storage.daily_claim(**claim("test:a", day="2026-11-26", next_day="2026-11-27"))
    assert [e.local_day for e in await storage.daily_ledger("test:a")] == ["2026-11-26", "2026-11-25"]
    assert len(await storage.daily_ledger("test:a", limit=1)) == 1

    await storage.daily_mark_shown("test:a", 0, "await", "now")
    await storage.daily_mark_shown("test:a", 0, "await", "now")
    assert await storage.daily_rotation("test:a") == (0, {"sync", "await"})
    await storage.daily_mark_shown("test:a", 1, "task", "now")
    assert await storage.daily_rotation("test:a") == (1, {"task"})
    assert await storage.daily_rotation("test:none") == (0, set())


T0 = "2026-11-25T06:00:00+00:00"
LATER = "2026-11-25T06:00:31+00:00"  # past a lease of 30 s from T0


def lease(seconds: int = 30) -> str:
    return f"2026-11-25T06:00:{seconds:02d}+00:00"


async def test_processes_register_with_a_lease_and_count_the_live_ones(storage: Store):
    """A heartbeat renews a lease and counts the live processes; a lapsed or left one stops
    counting."""
    assert await storage.daily_heartbeat("p1", T0, lease()) == 1
    assert await storage.daily_heartbeat("p2", T0, lease(20)) == 2
    assert await storage.daily_heartbeat("p1", T0, lease()) == 2  # renewed, not a new one
    assert await storage.daily_heartbeat("p1", lease(25), "2026-11-25T06:00:55+00:00") == 1
    await storage.daily_leave("p1")
    assert await storage.daily_heartbeat("p3", T0, lease()) == 2  # p2 and p3 (p1 left)


async def test_each_due_target_is_taken_by_one_live_process(storage: Store):
    """Takes split the due targets, earliest first; a live process's take is never taken again,
    a lapsed one's is; takes at once never overlap."""
    for n in range(30):
        await target(storage, f"test:g{n:02d}", next_due=f"2026-11-25T05:{n:02d}:00+00:00")
    for p in ("p1", "p2", "p3"):
        await storage.daily_heartbeat(p, T0, lease())
    first = await storage.daily_take(T0, ["test"], "p1", 4)
    assert [t.chat_key for t in first] == ["test:g00", "test:g01", "test:g02", "test:g03"]
    assert {t.taken_by for t in first} == {"p1"}
    takes = await asyncio.gather(*(storage.daily_take(T0, ["test"], p, 5) for p in ("p2", "p3")))
    keys = [t.chat_key for batch in takes for t in batch]
    assert len(keys) == len(set(keys)) == 10 and not set(keys) & {t.chat_key for t in first}
    assert await storage.daily_next_due(["test"], "p2") == takes[0][0].next_due
    assert await storage.daily_next_adoption("p2") == lease()  # p1 and p3 hold targets
    # p1 lapses: another process may take what p1 took and never claimed.
    for p in ("p2", "p3"):
        await storage.daily_heartbeat(p, lease(40), "2026-11-25T06:01:10+00:00")
    again = await storage.daily_take(lease(40), ["test"], "p2", 100)
    assert {t.chat_key for t in first} <= {t.chat_key for t in again}
    assert not {t.chat_key for t in takes[1]} & {t.chat_key for t in again}  # p3 is live


async def test_a_claim_writes_a_pending_message_per_part_and_frees_the_target(storage: Store):
    """The claim names its owner and lists its messages 'pending'; the target moves on, no
    longer taken; only the owner can start a message, once."""
    await target(storage, "test:g")
    await storage.daily_heartbeat("p1", T0, lease())
    [taken] = await storage.daily_take(T0, ["test"], "p1", 10)
    assert (await storage.daily_target("test:g")).taken_by == taken.taken_by == "p1"
    assert await storage.daily_claim(**claim("test:g", owner="p1", parts=("recap", "question")))
    row = await storage.daily_ledger_day("test:g", "2026-11-25")
    assert (row.status, row.owner) == ("claimed", "p1")
    after = await storage.daily_target("test:g")
    assert (after.next_day, after.taken_by) == ("2026-11-26", None)
    messages = await storage.daily_messages("test:g", "2026-11-25")
    assert [(m.part, m.kind, m.status) for m in messages] == [(1, "recap", "pending"),
                                                              (2, "question", "pending")]
    assert not await storage.daily_message_start("test:g", "2026-11-25", 1, "p2", T0)
    starts = await asyncio.gather(*(storage.daily_message_start("test:g", "2026-11-25", 1, "p1", T0)
                                    for _ in range(5)))
    assert starts.count(True) == 1  # started once, however many try
    await storage.daily_message_done("test:g", "2026-11-25", 1, "sent", None, lease(1))
    await storage.daily_record("test:g", "2026-11-25", "sent", None, lease(2))
    row = await storage.daily_ledger_day("test:g", "2026-11-25")
    assert (row.status, row.owner) == ("sent", None)
    [recap, _] = await storage.daily_messages("test:g", "2026-11-25")
    assert (recap.status, recap.sent_by) == ("sent", "p1")


async def test_adoption_leaves_live_claims_alone_and_takes_over_lapsed_ones(storage: Store):
    """A starting process adopts nothing of a live process; once the lease ran out, the message
    in flight becomes 'unknown' and the post (with its unstarted message) becomes the adopter's,
    exactly one adopter's when several try at once."""
    await target(storage, "test:g")
    await storage.daily_heartbeat("p1", T0, lease())
    await storage.daily_claim(**claim("test:g", owner="p1", parts=("recap", "question")))
    assert await storage.daily_message_start("test:g", "2026-11-25", 1, "p1", T0)
    for p in ("p2", "p3"):
        await storage.daily_heartbeat(p, T0, "2026-11-25T06:05:00+00:00")
    assert await storage.daily_adopt(lease(10), "p2") == []  # p1 is live
    assert [m.status for m in await storage.daily_messages("test:g", "2026-11-25")] == [
        "sending", "pending"]
    assert await storage.daily_next_adoption("p2") == lease()
    adopted = await asyncio.gather(storage.daily_adopt(LATER, "p2"), storage.daily_adopt(LATER, "p3"))
    [[post]] = [a for a in adopted if a]
    assert post.chat_key == "test:g" and post.owner in ("p2", "p3") and post.post_id
    recap, question = await storage.daily_messages("test:g", "2026-11-25")
    assert (recap.status, recap.sent_by) == ("unknown", "p1") and "in flight" in recap.detail
    assert question.status == "pending"
    assert not await storage.daily_message_start("test:g", "2026-11-25", 2, "p1", LATER)
    assert await storage.daily_message_start("test:g", "2026-11-25", 2, post.owner, LATER)
    await storage.daily_message_done("test:g", "2026-11-25", 1, "sent", None, LATER)  # p1, late
    assert (await storage.daily_messages("test:g", "2026-11-25"))[0].status == "sent"
    assert await storage.daily_next_adoption(post.owner) is None


async def test_adoption_during_a_pass_leaves_this_process_own_sends_alone(storage: Store):
    """Without `own`, a process adopts only lapsed processes' posts, never its own under way;
    with it (between passes), its own leftovers are taken back too."""
    for key in ("test:dead", "test:mine"):
        await target(storage, key)
    await storage.daily_heartbeat("p1", T0, lease())
    await storage.daily_heartbeat("p2", T0, "2026-11-25T06:05:00+00:00")
    await storage.daily_claim(**claim("test:dead", owner="p1", parts=("recap", "question")))
    await storage.daily_claim(**claim("test:mine", owner="p2", parts=("recap", "question")))
    assert await storage.daily_message_start("test:mine", "2026-11-25", 1, "p2", T0)
    [adopted] = await storage.daily_adopt(LATER, "p2", own=False)
    assert adopted.chat_key == "test:dead" and adopted.owner == "p2"
    assert (await storage.daily_messages("test:mine", "2026-11-25"))[0].status == "sending"
    both = await storage.daily_adopt(LATER, "p2")
    assert sorted(e.chat_key for e in both) == ["test:dead", "test:mine"]
    assert (await storage.daily_messages("test:mine", "2026-11-25"))[0].status == "unknown"


async def test_platform_state_round_trips(storage: Store):
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "now")
    other = await storage.create_quiz_post("test:g", "sync-2", "quiz", None, "now")
    assert other > post
    await storage.telegram_poll_add(poll_id="p", post_id=post, chat_id="-1", chat_kind="group",
                                    message_id=7, now="t1")
    await storage.telegram_poll_add(poll_id="p", post_id=other, chat_id="-2", chat_kind="group",
                                    message_id=2**40, now="t2")  # 64-bit, as Telegram's may be
    poll = await storage.telegram_poll("p")
    assert (poll.post_id, poll.chat_id, poll.message_id, poll.sent_at) == (other, "-2", 2**40, "t2")
    assert await storage.telegram_poll("nope") is None
    assert await storage.quiz_post(10**9) is None


NOW = "2026-11-25T06:00:00+00:00"
ROUND = {"chat_key": "test:g", "platform": "test", "chat_id": "g", "chat_kind": "group",
         "started_by": "test:u", "lang": "hi", "term_id": None, "size": 3, "seconds": 20, "now": NOW}


async def test_a_posts_choice_order_asker_and_closing_time_round_trip(storage: Store):
    """What a post was shown with comes back as written, from /quiz and from a daily claim;
    a post without an order (made before shuffling) maps every place to itself."""
    post_id = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW,
                                             choice_order=(3, 1, 2), asked_by="test:u",
                                             closes_at="2026-11-25T06:00:20+00:00")
    post = await storage.quiz_post(post_id)
    assert (post.choice_order, post.asked_by, post.closes_at) == (
        (3, 1, 2), "test:u", "2026-11-25T06:00:20+00:00")
    assert [post.original(k, 3) for k in (1, 2, 3)] == [3, 1, 2]
    await target(storage, "test:d")
    daily = await storage.quiz_post(await storage.daily_claim(**claim("test:d", choice_order=(2, 4, 1, 3))))
    assert (daily.source, daily.choice_order, daily.asked_by) == ("daily", (2, 4, 1, 3), None)
    plain = await storage.quiz_post(await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW))
    assert (plain.choice_order, plain.closes_at) == ((), None) and plain.order(4) == (1, 2, 3, 4)
    assert plain.original(2, 4) == 2 and plain.shown(3, 4) == 3


async def test_question_use_counts_asked_and_answered_posts_per_user(storage: Store):
    """Posts a user asked for or answered count for them, once each; others' do not."""
    mine = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW, asked_by="test:u")
    await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW, asked_by="test:u")
    await storage.create_quiz_post("test:g", "sync-3", "quiz", None, NOW, asked_by="test:v")
    daily = await storage.create_quiz_post("test:g", "sync-2", "daily", None, NOW)
    await storage.create_quiz_post("test:g", "sync-4", "daily", None, NOW)  # scrolled past
    await storage.record_answer(**answer(daily, "test:u", question_id="sync-2"))
    await storage.record_answer(**answer(mine, "test:u"))  # asked and answered: one post
    assert await storage.question_use("test:u") == {"sync-1": 2, "sync-2": 1}
    assert await storage.question_use("test:nobody") == {}


async def test_one_running_round_per_chat(storage: Store):
    """A second round in a chat is refused (even when both start at once) until the first ends;
    its posts, reveals and board are kept."""
    started = await asyncio.gather(*(storage.round_start(**ROUND) for _ in range(5)))
    [first] = [r for r in started if r is not None]
    assert await storage.round_start(**ROUND) is None
    other = await storage.round_start(**{**ROUND, "chat_key": "test:h", "now": "2026-11-25T05:00:00+00:00"})
    assert [r.id for r in await storage.rounds_running()] == [other, first]  # by due
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW)
    await storage.round_add_post(first, 1, post, "2026-11-25T06:00:20+00:00", "m-1")
    [linked] = await storage.round_posts(first)
    assert (linked.post_id, linked.message_id, linked.revealed) == (post, "m-1", False)
    await storage.record_answer(**answer(post, "test:u", user_name="U"))
    await storage.record_answer(**answer(post, "test:v", correct=False, choice=2))
    row = await storage.round_running("test:g")
    assert (row.id, row.asked, row.due, row.status, row.ended_at) == (
        first, 1, "2026-11-25T06:00:20+00:00", "running", None)
    assert not await storage.post_revealed(post)
    await storage.round_revealed(first, 1, NOW)
    assert (await storage.round_posts(first))[0].revealed and await storage.post_revealed(post)
    assert (await storage.round_get(first)).due == NOW
    assert await storage.round_end(first, "stopped", "2026-11-25T06:01:00+00:00")
    assert not await storage.round_end(first, "done", NOW)  # only a running round ends
    ended = await storage.round_get(first)
    assert (ended.status, ended.due, ended.ended_at) == ("stopped", None, "2026-11-25T06:01:00+00:00")
    assert await storage.round_running("test:g") is None
    board = await storage.round_board(first)
    assert [(b.user_key, b.user_name, b.answered, b.correct) for b in board] == [
        ("test:u", "U", 1, 1), ("test:v", "test:v", 1, 0)]
    assert {type(b.correct) for b in board} == {int}  # not Decimal
    assert await storage.round_start(**ROUND) not in (None, first)
    assert await storage.round_get(10**9) is None and await storage.round_board(10**9) == []


async def test_a_round_question_is_linked_with_its_progress_or_not_at_all(storage: Store):
    """A position already taken is refused, and the round's progress stays as it was."""
    game = await storage.round_start(**ROUND)
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW)
    await storage.round_add_post(game, 1, post, "2026-11-25T06:00:20+00:00")
    with pytest.raises(INTEGRITY):
        await storage.round_add_post(game, 1, post, "2026-11-25T06:09:00+00:00")
    row = await storage.round_get(game)
    assert (row.asked, row.due) == (1, "2026-11-25T06:00:20+00:00")
    assert [p.message_id for p in await storage.round_posts(game)] == [None]


async def test_answers_in_chat_are_one_users_there_oldest_first(storage: Store):
    posts = [await storage.create_quiz_post(chat, "sync-1", "quiz", None, NOW)
             for chat in ("test:g", "test:g", "test:h")]
    await storage.record_answer(**answer(posts[1], "test:u", now="2026-11-25T06:00:01+00:00"))
    await storage.record_answer(**answer(posts[0], "test:u", now="2026-11-25T06:00:02+00:00"))
    await storage.record_answer(**answer(posts[2], "test:u", chat_key="test:h"))
    await storage.record_answer(**answer(posts[0], "test:v"))
    assert [a.post_id for a in await storage.answers_in_chat("test:g", "test:u")] == posts[1::-1]
    assert await storage.answers_in_chat("test:g", "test:nobody") == []


async def test_a_chats_daily_track_defaults_to_the_sheet(storage: Store):
    """No row: "curriculum"; a choice is per chat and may be changed back; an unknown track
    is refused before the database."""
    assert await storage.daily_track("test:g") == "curriculum"
    await storage.daily_set_track("test:g", "all", NOW)
    assert (await storage.daily_track("test:g"), await storage.daily_track("test:h")) == ("all", "curriculum")
    with pytest.raises(ValueError):
        await storage.daily_set_track("test:g", "level-3", NOW)
    assert await storage.daily_track("test:g") == "all"
    await storage.daily_set_track("test:g", "curriculum", NOW)
    assert await storage.daily_track("test:g") == "curriculum"


async def test_kept_code_expires_and_is_forgotten(storage: Store):
    """A snippet older than the keeping time is not handed out, and is deleted when a new one
    is kept; /forget's delete removes only that user's."""
    day = "2026-11-{:02d}T06:00:00+00:00".format
    await storage.snippet_add(snippet_id="old", user_key="test:u", code="a", now=day(1),
                              expire_before=day(1))
    assert (await storage.snippet("old", not_before=day(1))).code == "a"
    assert await storage.snippet("old", not_before=day(2)) is None  # expired: not handed out
    await storage.snippet_add(snippet_id="new", user_key="test:u", code="b", now=day(9),
                              expire_before=day(2))
    await storage.snippet_add(snippet_id="bob", user_key="test:bob", code="c", now=day(9),
                              expire_before=day(2))
    assert await storage.snippet("old", not_before=day(1)) is None  # deleted by the prune
    assert await storage.user_has_snippets("test:u")
    assert await storage.forget_user("test:u") == 0  # practice data only: snippets have their own
    assert await storage.snippets_forget("test:u") == 1
    assert not await storage.user_has_snippets("test:u")
    assert await storage.snippets_forget("test:u") == 0
    assert (await storage.snippet("bob", not_before=day(2))).code == "c"
    with pytest.raises(INTEGRITY):  # ids are unique: a clash is never a silent overwrite
        await storage.snippet_add(snippet_id="bob", user_key="test:u", code="d", now=day(9),
                                  expire_before=day(2))
    assert (await storage.snippet("bob", not_before=day(2))).user_key == "test:bob"


# -- coding challenges --------------------------------------------------------------------------

LEARNER = "test:alice"


async def submit(storage: Store, check: str | None, *, chat: str = "test:room", code: str = "print(1)",
                 now: str = "2026-11-25T06:00:00+00:00", day: str = "2026-11-25",
                 challenge: str = "fix-blocking", user: str = LEARNER) -> bool:
    return await storage.record_submission(user_key=user, user_name="Alice", chat_key=chat,
                                           challenge_id=challenge, code=code, check=check, now=now,
                                           day=day, yesterday="2026-11-24")


async def test_opening_makes_a_new_row_and_remembers_the_last_opened(storage: Store):
    """An opened challenge is 'new' and the latest opened one is what /submit means."""
    assert await storage.last_opened_challenge(LEARNER) is None
    assert await storage.challenge_attempt(LEARNER, "fix-blocking") is None
    await storage.challenge_opened(LEARNER, "fix-blocking", "2026-11-25T06:00:00+00:00")
    await storage.challenge_opened(LEARNER, "missing-await", "2026-11-25T06:01:00+00:00")
    row = await storage.challenge_attempt(LEARNER, "fix-blocking")
    assert isinstance(row, ChallengeAttempt)
    assert (row.status, row.tries, row.last_code) == ("new", 0, None)
    assert row.opened_at == "2026-11-25T06:00:00+00:00"
    assert await storage.last_opened_challenge(LEARNER) == "missing-await"
    await storage.challenge_opened(LEARNER, "fix-blocking", "2026-11-25T06:02:00+00:00")
    assert await storage.last_opened_challenge(LEARNER) == "fix-blocking"
    # Within one second the later open still wins.
    for cid in ("starvation", "missing-await", "starvation"):
        await storage.challenge_opened(LEARNER, cid, "2026-11-25T06:03:00+00:00")
    assert await storage.last_opened_challenge(LEARNER) == "starvation"
    await storage.challenge_opened("test:bob", "save-all", "2026-11-25T06:04:00+00:00")
    assert await storage.last_opened_challenge(LEARNER) == "starvation"  # another user's opens
    assert set(await storage.challenge_attempts(LEARNER)) == {"fix-blocking", "missing-await", "starvation"}


async def test_a_submission_never_opened_leaves_the_last_opened_alone(storage: Store):
    """/submit <id> of a challenge not opened makes it tried, not the last opened."""
    await storage.challenge_opened(LEARNER, "fix-blocking", "2026-11-25T06:00:00+00:00")
    await submit(storage, "output", challenge="save-all")
    assert (await storage.challenge_attempt(LEARNER, "save-all")).opened_at is None
    assert await storage.last_opened_challenge(LEARNER) == "fix-blocking"


async def test_a_failed_submission_is_tried_with_its_last_code_and_check(storage: Store):
    """A ❌ keeps the latest code (for the next form) and the check it failed; it counts nothing."""
    await storage.challenge_opened(LEARNER, "fix-blocking", "2026-11-25T05:00:00+00:00")
    assert await submit(storage, "blocked-loop", code="first") is False
    assert await submit(storage, "main-slow", code="bad code", now="2026-11-25T06:30:00+00:00") is False
    row = await storage.challenge_attempt(LEARNER, "fix-blocking")
    assert (row.status, row.tries, row.last_code, row.last_check) == ("tried", 2, "bad code", "main-slow")
    assert (row.updated_at, row.solved_at, row.solved_chat) == ("2026-11-25T06:30:00+00:00", None, None)
    assert row.opened_at == "2026-11-25T05:00:00+00:00"  # a submission keeps the open
    assert await storage.score("test:room", LEARNER) is None
    assert await storage.solved_board("test:room") == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.status = "solved"  # type: ignore[misc]


async def test_the_first_pass_counts_once_in_its_chat(storage: Store):
    """The first ✅ is solved in this chat and moves its streak; a repeat ✅ anywhere counts
    nothing; a later ❌ keeps it solved (and is the last code and check)."""
    await submit(storage, "output")
    assert await submit(storage, None, code="good") is True
    assert await submit(storage, None, chat="test:other", now="2026-11-25T07:00:00+00:00") is False
    row = await storage.challenge_attempt(LEARNER, "fix-blocking")
    assert (row.status, row.tries, row.last_check) == ("solved", 3, None)
    assert (row.solved_chat, row.solved_at, row.solved_name) == ("test:room", "2026-11-25T06:00:00+00:00",
                                                                "Alice")
    score = await storage.score("test:room", LEARNER)
    assert (score.answered, score.correct, score.streak, score.last_day) == (0, 0, 1, "2026-11-25")
    assert await storage.score("test:other", LEARNER) is None
    await submit(storage, "main-slow", code="worse")
    row = await storage.challenge_attempt(LEARNER, "fix-blocking")
    assert (row.status, row.tries, row.last_code, row.last_check) == ("solved", 4, "worse", "main-slow")
    assert row.solved_at == "2026-11-25T06:00:00+00:00"
    assert [(r.user_key, r.user_name, r.solved) for r in await storage.solved_board("test:room")] == [
        (LEARNER, "Alice", 1)]
    assert await storage.solved_board("test:other") == []
    assert await storage.solved_board("test:room", since="2026-11-26") == []
    assert (await storage.challenge_attempts(LEARNER))["fix-blocking"] == row


async def test_first_passes_at_once_count_once(storage: Store):
    """Many ✅ of one challenge at once (a double click, two processes): one is the first."""
    firsts = await asyncio.gather(*(submit(storage, None, code=f"v{n}") for n in range(10)))
    assert sorted(firsts) == [False] * 9 + [True]
    row = await storage.challenge_attempt(LEARNER, "fix-blocking")
    assert (row.status, row.tries) == ("solved", 10)
    assert (await storage.score("test:room", LEARNER)).streak == 1


async def test_a_pass_keeps_a_quiz_score_and_extends_its_streak(storage: Store):
    """A first pass on the next day extends the chat's streak and leaves the answers counted."""
    await storage.record_answer(**answer(await storage.create_quiz_post(
        "test:room", "sync-1", "quiz", None, "2026-11-24T06:00:00+00:00"), LEARNER,
        chat_key="test:room", day="2026-11-24", yesterday="2026-11-23"))
    await submit(storage, None)
    score = await storage.score("test:room", LEARNER)
    assert (score.answered, score.correct, score.streak, score.best_streak) == (1, 1, 2, 2)
    await submit(storage, None, challenge="missing-await")  # the same day: the streak stays
    assert (await storage.score("test:room", LEARNER)).streak == 2


async def test_the_solved_board_ranks_by_solved_then_the_earlier_first(storage: Store):
    await submit(storage, None, user="test:bob", now="2026-11-25T05:00:00+00:00")
    for cid in ("fix-blocking", "missing-await"):
        await submit(storage, None, challenge=cid)
    await submit(storage, None, user="test:carol", now="2026-11-25T04:00:00+00:00")
    board = await storage.solved_board("test:room", limit=2)
    assert [(r.user_key, r.solved) for r in board] == [(LEARNER, 2), ("test:carol", 1)]
    assert [r.user_key for r in await storage.solved_board("test:room", since="2026-11-25T04:30:00")] == [
        LEARNER, "test:bob"]


async def test_forget_deletes_attempts_and_their_code(storage: Store):
    """/forget removes every attempt (the stored code with it), and only that user's."""
    await storage.challenge_opened(LEARNER, "fix-blocking", "2026-11-25T06:00:00+00:00")
    assert await storage.user_has_practice_data(LEARNER)
    await submit(storage, "output", code="secret code", challenge="missing-await")
    await submit(storage, None, user="test:bob")
    assert await storage.forget_user(LEARNER) == 2
    assert await storage.challenge_attempts(LEARNER) == {}
    assert await storage.last_opened_challenge(LEARNER) is None
    assert not await storage.user_has_practice_data(LEARNER)
    assert (await storage.challenge_attempt("test:bob", "fix-blocking")).status == "solved"


async def test_a_cooldown_is_taken_once_per_period_and_per_user(storage: Store):
    """A use within the period is refused with what is left to wait; another user or scope is
    not affected; a period of 0 always takes."""
    first = await storage.cooldown_take("run", LEARNER, 60.0)
    assert first.taken
    again = await storage.cooldown_take("run", LEARNER, 60.0)
    assert not again.taken and again.at == first.at and 59.0 < again.wait_s <= 60.0
    assert (await storage.cooldown_take("run", "test:bob", 60.0)).taken
    assert (await storage.cooldown_take("submit", LEARNER, 60.0)).taken
    later = await storage.cooldown_take("run", LEARNER, 0.0)
    assert later.taken and later.at >= first.at


async def test_takes_at_once_let_exactly_one_through(storage: Store):
    """Ten takes of one user at the same moment: one is noted, nine are refused."""
    takes = await asyncio.gather(*(storage.cooldown_take("run", LEARNER, 60.0) for _ in range(10)))
    assert sorted(t.taken for t in takes) == [False] * 9 + [True]


async def test_a_cooldown_given_back_restores_the_use_before_it(storage: Store):
    """Giving back a use that never ran frees the user (no earlier use) or brings the earlier
    use back; a use taken later is never undone by giving back an older one."""
    taken = await storage.cooldown_take("run", LEARNER, 60.0)
    await storage.cooldown_give_back("run", LEARNER, taken.at)
    first = await storage.cooldown_take("run", LEARNER, 60.0)
    assert first.taken  # nothing counted against it
    second = await storage.cooldown_take("run", LEARNER, 0.0)
    await storage.cooldown_give_back("run", LEARNER, second.at)
    refused = await storage.cooldown_take("run", LEARNER, 60.0)
    assert not refused.taken and refused.at == first.at  # the first use counts again
    await storage.cooldown_give_back("run", LEARNER, 12345.0)  # not the last use: nothing
    assert not (await storage.cooldown_take("run", LEARNER, 60.0)).taken


async def test_only_one_holder_of_a_lock_at_a_time_where_it_matters(storage: Store):
    """A held lock; PostgreSQL refuses a second holder of the same name until the first lets
    go (SQLite's one process always holds)."""
    async with storage.hold("test:one") as held:
        assert held
    async with storage.hold("test:one") as held, storage.hold("test:two") as other:
        assert held and other


async def test_a_platform_value_is_kept_and_replaced(storage: Store):
    assert await storage.platform_value("test:webhook") is None
    await storage.set_platform_value("test:webhook", "one")
    await storage.set_platform_value("test:webhook", "two")
    assert await storage.platform_value("test:webhook") == "two"


async def test_platform_values_are_listed_by_prefix_and_forgotten(storage: Store):
    """A prefix lists its names only (without the prefix); a forgotten name is gone; names
    with LIKE's wildcards in them are matched literally."""
    await storage.set_platform_value("discord.commands:app:global", "h1")
    await storage.set_platform_value("discord.commands:app:guild:1", "h2")
    await storage.set_platform_value("discord.commands:app2:guild:2", "h3")
    await storage.set_platform_value("discord.commands:a%p:global", "wild")
    assert await storage.platform_values("discord.commands:app:") == {"global": "h1", "guild:1": "h2"}
    assert await storage.platform_values("discord.commands:a%p:") == {"global": "wild"}
    assert await storage.platform_values("telegram.profile:1:") == {}
    await storage.forget_platform_value("discord.commands:app:guild:1")
    await storage.forget_platform_value("discord.commands:app:guild:9")  # never set: no error
    assert await storage.platform_values("discord.commands:app:") == {"global": "h1"}
    assert await storage.platform_value("discord.commands:app:guild:1") is None
    assert await storage.platform_value("discord.commands:app2:guild:2") == "h3"


async def test_the_last_quiz_post_is_the_users_latest_in_that_chat(storage: Store):
    """The newest post put to the user in the chat (asked for, or their practice); another chat's
    or user's, or a daily post, do not count."""
    now = "2026-11-25T06:00:00+00:00"
    assert await storage.last_quiz_post("test:g", "test:u") is None
    first = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, now, asked_by="test:u")
    latest = await storage.create_quiz_post("test:g", "sync-2", "quiz", None, now, asked_by="test:u")
    await storage.create_quiz_post("test:g", "sync-1", "quiz", None, now, asked_by="test:v")
    await storage.create_quiz_post("test:h", "sync-1", "quiz", None, now, asked_by="test:u")
    await storage.create_quiz_post("test:g", "sync-1", "daily", None, now)
    post = await storage.last_quiz_post("test:g", "test:u")
    assert post is not None and post.id == latest != first and post.question_id == "sync-2"
    practice = await storage.create_quiz_post("test:g", "sync-3", "practice", "test:u", now)
    assert (await storage.last_quiz_post("test:g", "test:u")).id == practice
