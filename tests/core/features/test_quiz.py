"""/quiz and /answer through the real core and a real database."""

from __future__ import annotations

from bot.core.types import Span
from tests.core.features.conftest import ALICE, BOB, DM, GROUP, answer_line, replies


async def _question(core, text="/quiz await", chat=DM):
    (reply,) = await replies(core, text, chat)
    post_id = int(answer_line(reply, 1).split()[1])
    post = await core.storage.quiz_post(post_id)
    entry = core.quiz_bank.by_id[post["question_id"]]
    return reply, post_id, entry


async def test_quiz_posts_a_question_with_answer_buttons(core):
    """Each choice is a button standing for `/answer <quiz-id> <n>`, numbered in the text."""
    reply, post_id, entry = await _question(core)
    assert entry.term == "await"
    assert [answer_line(reply, n) for n in range(1, len(entry.question.choices) + 1)] == [
        f"/answer {post_id} {n}" for n in range(1, len(entry.question.choices) + 1)]
    assert f"/answer {post_id} <n>" in reply.plain()


async def test_right_answer_is_private_with_explanation_and_card(core):
    """The answer says right, explains, and links the card, privately."""
    _, post_id, entry = await _question(core)
    (result,) = await replies(core, f"/answer {post_id} {entry.question.answer}")
    text = result.plain()
    assert result.private and "✅" in text and entry.question.explain.hi in text
    assert "/term await" in text


async def test_wrong_answer_names_the_misconception_and_its_card(core):
    """A wrong tagged choice shows the misconception and the card that corrects it."""
    _, post_id, entry = await _question(core)
    q = entry.question
    wrong = next(i for i in range(1, len(q.choices) + 1) if i != q.answer)
    (result,) = await replies(core, f"/answer {post_id} {wrong}")
    mis = core.quiz_bank.misconceptions[q.choices[wrong - 1].misconception]
    assert "❌" in result.plain() and mis.text.hi in result.plain()
    assert f"/term {mis.card}" in result.plain()


async def test_one_answer_per_user_per_question(core):
    """A second answer by the same user is refused and does not count."""
    _, post_id, entry = await _question(core)
    await replies(core, f"/answer {post_id} {entry.question.answer}")
    (again,) = await replies(core, f"/answer {post_id} 1")
    assert "ek jawab" in again.plain().lower()
    score = await core.storage.score(DM.key, ALICE.key)
    assert (score["answered"], score["correct"]) == (1, 1)


async def test_group_answer_is_private_then_a_public_tally(core):
    """In a group the answerer gets a private result, the chat an edited tally only."""
    _, post_id, entry = await _question(core, chat=GROUP)
    await replies(core, f"/answer {post_id} {entry.question.answer}", GROUP, ALICE)
    result, tally = await replies(core, f"/answer {post_id} 1", GROUP, BOB)
    assert result.private and not tally.private and tally.edit_source
    assert "2 jawab" in tally.plain() and entry.question.explain.hi not in tally.plain()
    assert tally.buttons  # the question stays answerable by others


async def test_answer_from_another_chat_is_refused(core):
    """A quiz id posted in one chat cannot be answered from another."""
    _, post_id, _ = await _question(core, chat=GROUP)
    (reply,) = await replies(core, f"/answer {post_id} 1", DM)
    assert "nahi mila" in reply.plain() and await core.storage.score(DM.key, ALICE.key) is None


async def test_bad_answer_input_gets_usage(core):
    """Garbage, a missing number or an out-of-range choice gets a friendly hint."""
    _, post_id, _ = await _question(core)
    for text in ("/answer", "/answer abc", f"/answer {post_id}", f"/answer {post_id} 9"):
        (reply,) = await replies(core, text)
        assert reply.private and ("/answer" in reply.plain() or "1 se" in reply.plain())


async def test_quiz_for_unknown_term_is_friendly(core):
    """`/quiz <nonsense>` says so and shows an example instead of failing."""
    (reply,) = await replies(core, "/quiz qwertyuiop")
    assert "qwertyuiop" in reply.plain() and reply.private


async def test_quiz_prefers_questions_not_yet_answered(core):
    """Three /quiz await in a row answered in between cover all three await questions."""
    seen = set()
    for _ in range(3):
        _, post_id, entry = await _question(core)
        seen.add(entry.id)
        await replies(core, f"/answer {post_id} 1")
    assert seen == {"await-1", "await-2", "await-3"}


async def test_display_name_is_span_text(core):
    """A name with markup characters is kept verbatim as Span text (adapters escape it)."""
    _, post_id, _ = await _question(core, chat=GROUP)
    await replies(core, f"/answer {post_id} 1", GROUP, BOB)
    (board,) = await replies(core, "/leaderboard", GROUP, BOB)
    spans = [s for block in board.blocks for s in getattr(block, "spans", ()) if isinstance(s, Span)]
    assert any(s.text == "*Bob* <b>" for s in spans)


async def test_two_simultaneous_clicks_count_once(core):
    """Two answers from one user racing each other: exactly one is recorded."""
    import asyncio

    _, post_id, _ = await _question(core)
    await asyncio.gather(replies(core, f"/answer {post_id} 1"), replies(core, f"/answer {post_id} 2"))
    score = await core.storage.score(DM.key, ALICE.key)
    assert score["answered"] == 1
