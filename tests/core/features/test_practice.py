"""/practice: fsrs-scheduled reviews, due first, misconceptions schedule their card."""

from __future__ import annotations

from datetime import timedelta

import fsrs

from bot.core.clock import iso
from bot.core.features.practice import new_card, rating_for
from tests.core.features.conftest import ALICE, answer_line, replies, shown_as


async def practice_once(core, choose="right"):
    (q,) = await replies(core, "/practice")
    post_id = int(answer_line(q, 1).split()[1])
    entry = core.services.quiz_bank.by_id[(await core.services.quiz.quiz_post(post_id)).question_id]
    choices = entry.question.choices
    n = entry.question.answer if choose == "right" else next(
        i for i in range(1, len(choices) + 1) if i != entry.question.answer and choices[i - 1].misconception)
    (result,) = await replies(core, f"/answer {post_id} {await shown_as(core, post_id, n)}")
    return q, entry, result


async def test_new_questions_follow_the_curriculum(core):
    """With nothing due, practice starts with the first term's first question."""
    q, entry, _ = await practice_once(core)
    assert entry.id == "sync-1" and "naya sawaal" in q.title


async def test_answer_persists_an_fsrs_card_state(core, clock):
    """After an answer the question's fsrs card is stored with a due date in the future."""
    _, entry, result = await practice_once(core)
    row = await core.services.practice.srs_get(ALICE.key, f"q:{entry.id}")
    card = fsrs.Card.from_json(row.state_json)
    assert card.due > clock.now() and card.last_review == clock.now()
    assert "dobara" in result.plain()


async def test_wrong_answer_schedules_and_shows_the_misconception_card(core):
    """A wrong tagged choice puts the correcting card due now, shows it, and practice serves it next."""
    _, entry, result = await practice_once(core, choose="wrong")
    q = entry.question
    tag = next(c.misconception for i, c in enumerate(q.choices, 1) if i != q.answer and c.misconception)
    card_id = core.services.quiz_bank.misconceptions[tag].card
    assert (await core.services.practice.srs_get(ALICE.key, f"card:{card_id}")).reason == tag
    assert "Revision ke liye" in result.plain()
    (nxt,) = await replies(core, "/practice")
    post = await core.services.quiz.quiz_post(int(answer_line(nxt, 1).split()[1]))
    assert core.services.quiz_bank.by_id[post.question_id].term in (card_id, entry.term)


async def test_due_reviews_come_before_new_questions(core, clock):
    """A question answered wrong is due again soon and comes back before new ones."""
    _, first, _ = await practice_once(core, choose="wrong")
    clock.advance(days=1)
    seen = []
    for _ in range(3):
        _, entry, _ = await practice_once(core)
        seen.append(entry.id)
    assert first.id in seen


async def test_only_the_owner_answers_a_practice_question(core):
    """Someone else cannot answer your practice question."""
    from tests.core.features.conftest import BOB, DM

    (q,) = await replies(core, "/practice")
    (reply,) = await replies(core, answer_line(q, 1), DM, BOB)
    assert "/practice" in reply.plain() and await core.services.quiz.score(DM.key, BOB.key) is None


def test_rating_comes_from_correctness_and_speed():
    """Wrong is Again; right and quick is Easy; right and slow is Hard."""
    assert rating_for(False, 1) is fsrs.Rating.Again
    assert rating_for(True, 5) is fsrs.Rating.Easy
    assert rating_for(True, 30) is fsrs.Rating.Good
    assert rating_for(True, 300) is fsrs.Rating.Hard


async def _knows_the_whole_sheet(core, clock) -> None:
    """Every sheet question is already in the learner's schedule, due in a month."""
    sheet = {c.id for c in core.library.curriculum}
    due = clock.now() + timedelta(days=30)
    for entry in core.services.quiz_bank.entries:
        if entry.term in sheet:
            card = new_card(f"q:{entry.id}", due)
            await core.services.practice.srs_put(ALICE.key, f"q:{entry.id}", due=iso(due),
                                                 state_json=card.to_json(), reason=None,
                                                 now=iso(clock.now()))


async def test_new_questions_stay_on_the_sheet_until_level_two_is_reached(core, clock):
    """With the sheet's questions all scheduled, a learner who never went past the sheet has
    nothing new; once they opened a level-2 card, practice brings level 2's questions."""
    await _knows_the_whole_sheet(core, clock)
    (done,) = await replies(core, "/practice")
    assert "Sab ho gaya" in done.plain() and not done.buttons
    await replies(core, "/term create-task")
    _, entry, _ = await practice_once(core)
    assert entry.term in {c.id for c in core.library.beyond}
