"""/quiz and /answer through the real core and a real database."""

from __future__ import annotations

import pytest

from bot.core.content import Voiced
from bot.core.features.quiz import (
    POLL_EXPLANATION_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_QUESTION_MAX,
    quiz_poll,
)
from bot.core.quizbank import Bank, Choice, Entry
from bot.core.types import CodeBlock, QuizPoll, Span
from tests.conftest import rewire
from tests.core.features.conftest import ALICE, BOB, DM, GROUP, answer_line, replies, shown_as


async def _question(core, text="/quiz await", chat=DM):
    (reply,) = await replies(core, text, chat)
    post_id = int(answer_line(reply, 1).split()[1])
    post = await core.services.quiz.quiz_post(post_id)
    entry = core.services.quiz_bank.by_id[post.question_id]
    return reply, post_id, entry


async def _right(core, post_id, entry) -> str:
    """The /answer line for the right choice, at the place this post showed it."""
    return f"/answer {post_id} {await shown_as(core, post_id, entry.question.answer)}"


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
    (result,) = await replies(core, await _right(core, post_id, entry))
    text = result.plain()
    assert result.private and "✅" in text and entry.question.explain.hi in text
    assert "/term await" in text


async def test_wrong_answer_names_the_misconception_and_its_card(core):
    """A wrong tagged choice shows the misconception and the card that corrects it."""
    _, post_id, entry = await _question(core)
    q = entry.question
    wrong = next(i for i in range(1, len(q.choices) + 1) if i != q.answer)
    (result,) = await replies(core, f"/answer {post_id} {await shown_as(core, post_id, wrong)}")
    mis = core.services.quiz_bank.misconceptions[q.choices[wrong - 1].misconception]
    assert "❌" in result.plain() and mis.text.hi in result.plain()
    assert f"/term {mis.card}" in result.plain()


async def test_one_answer_per_user_per_question(core):
    """A second answer by the same user is refused and does not count."""
    _, post_id, entry = await _question(core)
    await replies(core, await _right(core, post_id, entry))
    (again,) = await replies(core, f"/answer {post_id} 1")
    assert "ek jawab" in again.plain().lower()
    score = await core.services.quiz.score(DM.key, ALICE.key)
    assert (score.answered, score.correct) == (1, 1)


async def test_group_answer_is_private_then_a_public_tally(core):
    """In a group the answerer gets a private result, the chat an edited tally only."""
    _, post_id, entry = await _question(core, chat=GROUP)
    await replies(core, await _right(core, post_id, entry), GROUP, ALICE)
    result, tally = await replies(core, f"/answer {post_id} 1", GROUP, BOB)
    assert result.private and not tally.private and tally.edit_source
    assert "2 jawab" in tally.plain() and entry.question.explain.hi not in tally.plain()
    assert tally.buttons  # the question stays answerable by others


async def test_answer_from_another_chat_is_refused(core):
    """A quiz id posted in one chat cannot be answered from another."""
    _, post_id, _ = await _question(core, chat=GROUP)
    (reply,) = await replies(core, f"/answer {post_id} 1", DM)
    assert "nahi mila" in reply.plain() and await core.services.quiz.score(DM.key, ALICE.key) is None


async def test_bad_answer_input_gets_usage(core):
    """Garbage, a missing number or an out-of-range choice gets a friendly hint."""
    _, post_id, _ = await _question(core)
    for text in ("/answer", "/answer abc", "/answer 9", f"/answer {post_id} 9", f"/answer {post_id} 2 3"):
        (reply,) = await replies(core, text)
        assert reply.private and ("/answer" in reply.plain() or "1 se" in reply.plain())
    assert await core.services.quiz.score(DM.key, ALICE.key) is None


async def test_a_choice_alone_answers_the_users_last_question_here(core):
    """`/answer 2` (the number the question showed, without its quiz id) answers the last
    question this user asked for in this chat, and says which; with none, the usage."""
    (none,) = await replies(core, "/answer 2", GROUP, BOB)
    assert none.private and "/answer <quiz-id> <number>" in none.plain().replace("Jawab aise do: ", "")
    await _question(core)  # an older one
    _, post_id, entry = await _question(core)
    right = (await _right(core, post_id, entry)).split()[-1]
    (result,) = await replies(core, f"/answer {right}")
    assert result.plain().startswith(f"Aapke pichhle sawaal (quiz {post_id}) ka jawab:")
    assert "✅" in result.plain()
    assert (await core.services.quiz.user_answer(post_id, ALICE.key)) is not None
    (other,) = await replies(core, f"/answer {right}", GROUP, ALICE)  # asked in the DM, not here
    assert "/answer <quiz-id> <number>" in other.plain()
    (practice,) = await replies(core, "/practice")  # the newest question put to them: practice's
    practice_id = int(answer_line(practice, 1).split()[1])
    (result,) = await replies(core, "/answer 1")
    assert f"quiz {practice_id})" in result.plain()
    assert await core.services.quiz.user_answer(practice_id, ALICE.key) is not None


async def test_quiz_for_unknown_term_is_friendly(core):
    """`/quiz <nonsense>` says so and shows an example instead of failing."""
    (reply,) = await replies(core, "/quiz qwertyuiop")
    assert "qwertyuiop" in reply.plain() and reply.private


async def test_quiz_prefers_questions_not_yet_answered(core):
    """As many /quiz await in a row as await has questions, answered in between, cover them all."""
    every = {e.id for e in core.services.quiz_bank.by_term["await"]}
    seen = set()
    for _ in range(len(every)):
        _, post_id, entry = await _question(core)
        seen.add(entry.id)
        await replies(core, f"/answer {post_id} 1")
    assert seen == every


async def test_no_question_repeats_before_the_terms_others_even_unanswered(core):
    """Asked twice over a term's questions without answering, each comes once per pass."""
    every = [e.id for e in core.services.quiz_bank.by_term["await"]]
    asked = [(await _question(core))[2].id for _ in range(2 * len(every))]
    assert sorted(asked[:len(every)]) == sorted(every) == sorted(asked[len(every):])


async def test_another_learners_questions_do_not_count_as_mine(core):
    """Bob's /quiz history leaves Alice's first pass over a term complete."""
    every = {e.id for e in core.services.quiz_bank.by_term["await"]}
    for _ in range(len(every) - 1):
        await replies(core, "/quiz await", DM, BOB)
    mine = {(await _question(core))[2].id for _ in range(len(every))}
    assert mine == every


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
    score = await core.services.quiz.score(DM.key, ALICE.key)
    assert score.answered == 1


# -- native quiz polls (Telegram) ---------------------------------------------------------------

def _variant(core, question_id: str, **changes) -> Entry:
    """A question of the bank with some fields changed (both voices get the same text)."""
    entry = core.services.quiz_bank.by_id[question_id]
    q = entry.question
    update = {}
    for name, value in changes.items():
        if name == "choices":
            update["choices"] = tuple(Choice(text=Voiced(hi=t, en=t)) for t in value)
        else:
            update[name] = Voiced(hi=value, en=value)
    return Entry(entry.term, q.model_copy(update=update))


async def test_quiz_reply_carries_a_poll_when_the_question_fits(core):
    """/quiz's reply describes the same question as a quiz poll: options, right one, explanation."""
    entry = core.services.quiz_bank.by_id["await-2"]
    rewire(core, quiz_bank=Bank([entry], core.services.quiz_bank.misconceptions))
    reply, post_id, _ = await _question(core, "/quiz")
    q = entry.question
    order = (await core.services.quiz.quiz_post(post_id)).order(len(q.choices))
    # The options in the post's own order, as its buttons show them.
    assert reply.poll == QuizPoll(quiz_id=post_id, question=q.prompt.hi,
                                  options=tuple(q.choices[n - 1].text.hi for n in order),
                                  correct_index=order.index(q.answer), explanation=q.explain.hi)
    assert reply.buttons  # the buttons stay for every platform without polls


async def test_a_code_question_poll_carries_the_snippet_as_its_intro(core):
    """A snippet cannot go into a poll question: it is the poll's intro, as a code block."""
    entry = core.services.quiz_bank.by_id["await-1"]
    poll = quiz_poll(entry, "en", 7)
    assert poll is not None and poll.question == entry.question.prompt.en
    assert poll.intro == (CodeBlock(entry.question.code.rstrip("\n"), "python"),)


async def test_a_multi_line_choice_means_no_poll(core):
    """Program-output choices spanning lines cannot be poll options."""
    entry = core.services.quiz_bank.by_id["async-def-1"]
    assert any("\n" in c.text.en.strip() for c in entry.question.choices)
    assert quiz_poll(entry, "en", 1) is None


@pytest.mark.parametrize(("changes", "fits"), [
    ({"prompt": "q" * POLL_QUESTION_MAX}, True),
    ({"prompt": "q" * (POLL_QUESTION_MAX + 1)}, False),
    ({"choices": ("a" * POLL_OPTION_MAX, "b")}, True),
    ({"choices": ("a" * (POLL_OPTION_MAX + 1), "b")}, False),
    ({"choices": tuple(str(n) for n in range(POLL_OPTIONS_MAX))}, True),
    ({"choices": tuple(str(n) for n in range(POLL_OPTIONS_MAX + 1))}, False),
    ({"explain": "e" * POLL_EXPLANATION_MAX}, True),
    ({"explain": "e" * (POLL_EXPLANATION_MAX + 1)}, False),
    ({"explain": "a\nb\nc"}, True),
    ({"explain": "a\nb\nc\nd"}, False),
])
async def test_a_poll_is_filled_only_within_the_limits(core, changes, fits):
    """Question, option count and length, explanation length and line breaks: at the limit a
    poll, one over it none."""
    assert (quiz_poll(_variant(core, "await-2", **changes), "hi", 1) is not None) is fits


async def test_the_group_tally_after_an_answer_has_no_poll(core):
    """Only the question itself carries a poll: the tally edit never posts a second one."""
    _, post_id, _ = await _question(core, chat=GROUP)
    result, tally = await replies(core, f"/answer {post_id} 1", GROUP, BOB)
    assert tally.edit_source and tally.poll is None and result.poll is None


async def test_each_post_deals_its_own_order_and_keeps_it(core):
    """Buttons, the text and the stored post agree on one order; across posts the orders vary."""
    orders = set()
    for _ in range(12):
        reply, post_id, entry = await _question(core)
        q = entry.question
        order = (await core.services.quiz.quiz_post(post_id)).order(len(q.choices))
        labels = [b.label for row in reply.buttons for b in row if b.command == "answer"]
        assert [label.split(". ", 1)[0] for label in labels] == [str(n) for n in range(1, len(order) + 1)]
        for shown, original in enumerate(order, start=1):
            assert f"{shown}. {q.choice_text(original, 'hi').strip()}" in reply.plain()
        orders.add(order)
    assert len(orders) > 1  # 12 deals all alike would be 1 in thousands


async def test_the_group_tally_shows_the_posts_order_again(core):
    """After an answer in a group, the re-rendered question keeps the post's order."""
    reply, post_id, _ = await _question(core, chat=GROUP)
    _, tally = await replies(core, f"/answer {post_id} 1", GROUP, ALICE)
    assert tally.buttons == reply.buttons


async def test_an_answer_by_shown_place_is_recorded_by_the_banks_number(core):
    """`/answer <post> k` stores the choice shown at k; right and wrong follow the bank."""
    _, post_id, entry = await _question(core)
    q = entry.question
    post = await core.services.quiz.quiz_post(post_id)
    count = len(q.choices)
    wrong_place = next(k for k in range(1, count + 1) if post.original(k, count) != q.answer)
    (result,) = await replies(core, f"/answer {post_id} {wrong_place}")
    stored = await core.services.quiz.user_answer(post_id, ALICE.key)
    assert stored.choice == post.original(wrong_place, len(q.choices)) and not stored.correct
    # The right answer is named by the place this post showed it at.
    assert f"Sahi jawab {post.shown(q.answer, len(q.choices))} tha" in result.plain()


async def test_a_wrong_pick_shows_its_own_why_in_the_learners_voice(core):
    """Each wrong choice, picked, shows that choice's explanation (and not another's)."""
    _, post_id, entry = await _question(core)
    q = entry.question
    wrong = [n for n in range(1, len(q.choices) + 1) if n != q.answer]
    (result,) = await replies(core, f"/answer {post_id} {await shown_as(core, post_id, wrong[0])}")
    text = result.plain()
    assert q.why(wrong[0], "hi").strip() in text
    assert all(q.why(n, "hi").strip() not in text for n in wrong[1:])
    await core.services.prefs.set_user_lang(BOB.key, "en")
    _, post_id, entry = await _question(core)
    q = entry.question
    wrong_n = next(n for n in range(1, len(q.choices) + 1) if n != q.answer)
    (result,) = await replies(core, f"/answer {post_id} {await shown_as(core, post_id, wrong_n)}",
                              DM, BOB)
    assert q.why(wrong_n, "en").strip() in result.plain()


async def test_a_right_pick_shows_no_why(core):
    """The right answer gets the question's explanation, not a wrong choice's."""
    _, post_id, entry = await _question(core)
    (result,) = await replies(core, await _right(core, post_id, entry))
    assert "kyun nahi" not in result.plain()


async def test_a_post_made_before_shuffling_answers_as_it_was_shown(core):
    """A post with no stored order showed the bank's order: `/answer <post> n` is choice n."""
    entry = core.services.quiz_bank.by_id["await-2"]
    post_id = await core.services.quiz.create_quiz_post(DM.key, entry.id, "quiz", None,
                                                        "2026-11-24T06:00:00+00:00")
    (result,) = await replies(core, f"/answer {post_id} {entry.question.answer}")
    assert "✅" in result.plain()
    assert (await core.services.quiz.user_answer(post_id, ALICE.key)).choice == entry.question.answer


def _terms(core, track: str) -> set[str]:
    return {c.id for c in (core.library.curriculum if track == "sheet" else core.library.beyond)}


async def _drawn(core, count: int, user=ALICE) -> list:
    """The questions of `count` /quiz with no term, asked by `user`."""
    out = []
    for _ in range(count):
        (reply,) = await replies(core, "/quiz", DM, user)
        post = await core.services.quiz.quiz_post(int(answer_line(reply, 1).split()[1]))
        out.append(core.services.quiz_bank.by_id[post.question_id])
    return out


async def test_a_new_learners_quiz_asks_only_about_the_revision_sheet(core):
    """Before meeting level 2, /quiz draws every sheet question once, and no level-2 one."""
    sheet = [e.id for e in core.services.quiz_bank.entries if e.term in _terms(core, "sheet")]
    drawn = await _drawn(core, len(sheet))
    assert sorted(e.id for e in drawn) == sorted(sheet)


async def test_a_learner_who_opened_a_level_two_card_is_asked_level_two_too(core):
    """Once a learner opened a level-2 card, /quiz draws from both tracks (all 156, once each)."""
    await replies(core, "/term taskgroup")
    bank = core.services.quiz_bank
    drawn = await _drawn(core, len(bank.entries))
    assert sorted(e.id for e in drawn) == sorted(e.id for e in bank.entries)
    assert {e.term for e in drawn} >= _terms(core, "beyond")


async def test_a_learner_who_saw_all_the_sheets_cards_reaches_level_two(core):
    """Seeing all 15 sheet cards (as /learn walks them) opens level 2's questions as well."""
    for _ in core.library.curriculum:
        await replies(core, "/learn")
    bank = core.services.quiz_bank
    assert sorted(e.id for e in await _drawn(core, len(bank.entries))) == sorted(e.id for e in bank.entries)
    # Another learner, who saw none, still gets the sheet alone.
    assert {e.term for e in await _drawn(core, 40, BOB)} <= _terms(core, "sheet")


async def test_a_level_two_term_named_is_asked_even_by_a_new_learner(core):
    """`/quiz taskgroup` always works, whatever the learner has seen."""
    _, _, entry = await _question(core, "/quiz taskgroup")
    assert entry.term == "taskgroup"
