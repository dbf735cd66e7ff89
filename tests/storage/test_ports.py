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
    ]
    for row, kind in reads:
        assert type(row) is kind and dataclasses.is_dataclass(row)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.__setattr__(dataclasses.fields(row)[0].name, None)
    stored = await storage.user_answer(post, "test:u")
    daily = await storage.daily_target("test:g")
    assert stored is not None and stored.correct is True
    assert daily is not None and daily.enabled is True
    assert (await storage.quiz_post(post)).owner_key == "test:u"
