"""Scores, streaks (in the chat's time zone), /stats, /leaderboard and /forget."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.features._shared import chat_zone
from bot.core.features.scores import stats_sheet
from bot.core.router import Context
from tests.adapters.pictures import pictured, png_size
from tests.core.features.conftest import ALICE, BOB, DM, GROUP, answer_line, cmd, replies, shown_as


async def answer_one(core, chat=DM, user=ALICE, right=True):
    (q,) = await replies(core, "/quiz", chat, user)
    post_id = int(answer_line(q, 1).split()[1])
    entry = core.services.quiz_bank.by_id[(await core.services.quiz.quiz_post(post_id)).question_id]
    n = entry.question.answer if right else next(
        i for i in range(1, len(entry.question.choices) + 1) if i != entry.question.answer)
    await replies(core, f"/answer {post_id} {await shown_as(core, post_id, n)}", chat, user)


async def test_streak_counts_consecutive_days_and_keeps_the_best(core, clock):
    """Answers on three days in a row make a streak of 3; a gap resets it, best stays 3."""
    for _ in range(3):
        await answer_one(core)
        await answer_one(core)  # twice a day still counts one day
        clock.advance(days=1)
    clock.advance(days=2)
    await answer_one(core)
    row = await core.services.quiz.score(DM.key, ALICE.key)
    assert (row.answered, row.streak, row.best_streak) == (7, 1, 3)


async def test_streak_days_follow_the_chat_time_zone(core, clock):
    """In Asia/Kolkata, 18:00 and 19:00 UTC are different local days (23:30 and 00:30 IST)."""
    await replies(core, "/daily set 09:00 Asia/Kolkata", GROUP, ALICE, admin=True)
    clock.set(datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    await answer_one(core, GROUP)
    clock.set(datetime(2026, 11, 25, 19, 0, tzinfo=UTC))
    await answer_one(core, GROUP)
    assert (await core.services.quiz.score(GROUP.key, ALICE.key)).streak == 2


async def test_stats_show_answers_accuracy_and_streak(core):
    """/stats reports answered, right, percent and the streak."""
    await answer_one(core, right=True)
    await answer_one(core, right=False)
    (reply,) = await replies(core, "/stats")
    assert "Jawab: 2, sahi: 1 (50%)" in reply.plain() and "Streak: 1" in reply.plain()


async def test_the_stats_sheet_holds_every_term_and_the_days_with_answers(core, clock):
    """Terms in curriculum order: answers given and right on the answered term, the card seen;
    the strip's days are the local days with an answer in this chat."""
    await replies(core, "/term await")
    await answer_one(core, right=True)
    clock.advance(days=1)
    await answer_one(core, right=False)
    answers = await core.services.quiz.answers_in_chat(DM.key, ALICE.key)
    ctx = Context(cmd("/stats"), "en", core)
    tz = await chat_zone(core.services, DM.key)
    sheet = await stats_sheet(ctx, clock.now().date(), tz, 2, 2)
    assert [t.label for t in sheet.terms] == [c.title("en") for c in core.library.terms]
    assert sum(t.quizzed for t in sheet.terms) == 2 and sum(t.right for t in sheet.terms) == 1
    assert next(t for t, c in zip(sheet.terms, core.library.terms, strict=True) if c.id == "await").seen
    assert len(sheet.active_days) == 2 and sheet.today in sheet.active_days
    terms = {core.services.quiz_bank.by_id[a.question_id].term for a in answers}
    assert {c.id for t, c in zip(sheet.terms, core.library.terms, strict=True) if t.quizzed} == terms


async def test_stats_carry_a_picture_when_pictures_are_on(core):
    """With the pictures service, /stats carries a PNG beside the same text; without, text only."""
    await answer_one(core)
    (plain,) = await replies(core, "/stats")
    assert plain.image is None
    async with pictured(core):
        (reply,) = await replies(core, "/stats")
    assert reply.image is not None and reply.image.name == "stats.png"
    assert png_size(reply.image.png)[0] == 960 and reply.plain() == plain.plain()


async def test_stats_count_cards_seen_on_the_sheet_and_on_level_two(core):
    """/stats lists the cards seen per track, level 2 included, before and after any answer."""
    for term in ("await", "coroutine", "taskgroup"):
        await replies(core, f"/term {term}")
    (before,) = await replies(core, "/stats")
    assert "Cards dekhe: sheet 2/15, level 2 1/9" in before.plain()
    await answer_one(core)
    (after,) = await replies(core, "/stats")
    assert "Cards dekhe: sheet 2/15, level 2 1/9" in after.plain() and "Jawab: 1" in after.plain()


async def test_stats_streak_shows_zero_after_a_missed_day(core, clock):
    """A streak whose last day is before yesterday is shown as 0, best kept."""
    await answer_one(core)
    clock.advance(days=3)
    (reply,) = await replies(core, "/stats")
    assert "Streak: 0 din (best: 1)" in reply.plain()


async def test_leaderboard_week_starts_monday_in_chat_zone(core, clock):
    """Last week's answers count all time but not this week."""
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # Friday of the week before
    await answer_one(core, GROUP, BOB)
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    await answer_one(core, GROUP, ALICE)
    (reply,) = await replies(core, "/leaderboard", GROUP)
    week, ever = reply.plain().split("Ab tak")
    assert "Alice" in week and "Bob" not in week
    assert "Alice" in ever and "*Bob* <b>" in ever


async def test_leaderboard_keeps_top_ten(core):
    """Twelve players: the board lists ten."""
    from bot.core.types import UserRef

    for i in range(12):
        await answer_one(core, GROUP, UserRef("test", f"u{i}", f"Player {i}"))
    (reply,) = await replies(core, "/leaderboard", GROUP)
    week = reply.plain().split("Ab tak")[0]
    assert week.count("Player ") == 10


async def test_forget_asks_first_then_deletes(core):
    """/forget only asks; `/forget confirm` deletes scores, answers and reviews."""
    await answer_one(core)
    (ask,) = await replies(core, "/forget")
    assert [b.command_line for row in ask.buttons for b in row] == ["/forget confirm"]
    assert await core.services.quiz.score(DM.key, ALICE.key) is not None
    await replies(core, "/forget confirm")
    assert await core.services.quiz.score(DM.key, ALICE.key) is None
    assert not await core.services.quiz.user_has_practice_data(ALICE.key)


async def test_stats_count_solved_challenges_per_track(core, storage):
    """A level-2 challenge solved counts under level 2, a sheet one under the sheet."""
    await replies(core, "/lang en", DM, ALICE)
    for cid in ("fix-blocking", "load-together", "three-workers"):
        await storage.record_submission(user_key=ALICE.key, user_name="Alice", chat_key=DM.key,
                                        challenge_id=cid, code="x", check=None,
                                        now="2026-11-25T06:00:00+00:00", day="2026-11-25",
                                        yesterday="2026-11-24")
    (reply,) = await replies(core, "/stats", DM, ALICE)
    assert "Challenges: 3 solved / 3 tried (all chats): the sheet 1/15, level 2 2/9" in reply.plain()
