"""Every storage port on both backends (the `storage` fixture is SQLite, then PostgreSQL):
the same calls give the same frozen rows."""

import asyncio
import dataclasses

import pytest

from bot.core.ports.storage import Store
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
    """Due targets by platform and instant; a disabled one is not due; recovery makes in-flight
    claims unknown; an advanced day is recorded once; rotations move to the latest cycle."""
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
    assert await storage.daily_recover("2026-11-25T07:00:00+00:00") == 1
    assert (await storage.daily_ledger_day("test:a", "2026-11-25")).status == "unknown"
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


async def test_platform_state_round_trips(storage: Store):
    assert await storage.discord_sync_hash("app", "global") is None
    await storage.set_discord_sync_hash("app", "global", "h1")
    await storage.set_discord_sync_hash("app", "global", "h2")
    await storage.set_discord_sync_hash("app", "guild:1", "h3")
    assert await storage.discord_sync_hash("app", "global") == "h2"
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
