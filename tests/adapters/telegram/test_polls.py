"""Quizzes as native Telegram quiz polls: the real PTB Application and the real core against the
fake Bot API server; votes (poll_answer) are recorded as the voter's /answer."""

from __future__ import annotations

import asyncio
import html
import logging

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.features.daily._post import daily_reply
from bot.core.quizbank import Bank, Entry
from bot.core.router import CommandSpec, Context, Text
from bot.core.types import Button, ChatKind, ChatRef, QuizPoll, Reply
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.conftest import rewire

GROUP = -1001
CHANNEL = -1002


def only(core: Core, question_id: str) -> Entry:
    """Make `question_id` the only question /quiz can pick."""
    bank = core.services.quiz_bank  # type: ignore[attr-defined]
    entry = bank.by_id[question_id]
    rewire(core, quiz_bank=Bank([entry], bank.misconceptions, [c.id for c in core.library.terms]))
    return entry


async def score_of(core: Core, chat_id: int, user_id: int, within: float = 5.0) -> dict:
    """The user's score row in that chat, once the vote has been recorded."""
    for _ in range(int(within / 0.02)):
        row = await core.services.quiz.score(f"telegram:{chat_id}", f"telegram:{user_id}")
        if row is not None:
            return row
        await asyncio.sleep(0.02)
    raise AssertionError(f"no answer of user {user_id} recorded in chat {chat_id} within {within} s")


async def poll_of(fake: FakeTelegram) -> str:
    call = await fake.wait_for("sendPoll")
    return fake.message_of(call)["poll"]["id"]


async def order_of(core: Core, poll_id: str) -> tuple[int, ...]:
    """The bank's choice numbers in the order the poll's options showed them (posts shuffle)."""
    for _ in range(100):  # the poll is remembered just after Telegram answers sendPoll
        sent = await core.services.platform.telegram_poll(poll_id)
        if sent is not None:
            break
        await asyncio.sleep(0.02)
    assert sent is not None
    post = await core.services.quiz.quiz_post(sent.post_id)
    return post.order(len(core.services.quiz_bank.by_id[post.question_id].question.choices))


async def option_of(core: Core, poll_id: str, original: int) -> int:
    """The poll option (0-based) that shows the bank's choice `original`."""
    return (await order_of(core, poll_id)).index(original)


async def test_quiz_is_sent_as_a_non_anonymous_quiz_poll(fake: FakeTelegram, core: Core,
                                                         bot: TelegramAdapter) -> None:
    """/quiz in a group sends sendPoll: type quiz, not anonymous, the right option, the explanation."""
    entry = only(core, "await-2")
    q = entry.question
    await fake.send_text("/quiz", chat_id=GROUP)
    call = await fake.wait_for("sendPoll")
    assert call.params["chat_id"] == str(GROUP)
    assert call.params["type"] == "quiz" and call.params["is_anonymous"] == "false"
    order = await order_of(core, fake.message_of(call)["poll"]["id"])
    assert sorted(order) == list(range(1, len(q.choices) + 1))
    # The options in the post's own order; the right one marked where it was shown.
    assert call.json("correct_option_ids") == [order.index(q.answer)]
    assert call.params["explanation"] == q.explain.hi
    assert call.params["question"] == q.prompt.hi
    assert [o["text"] for o in call.json("options")] == [q.choices[n - 1].text.hi for n in order]
    assert not fake.called("sendMessage")  # no snippet to show first, and no button message


async def test_a_code_question_sends_the_snippet_before_the_poll(fake: FakeTelegram, core: Core,
                                                                 bot: TelegramAdapter) -> None:
    """The poll question cannot hold code: the snippet comes first as an HTML message."""
    entry = only(core, "await-1")
    await fake.send_text("/quiz")
    poll = await fake.wait_for("sendPoll")
    [snippet] = fake.called("sendMessage")
    assert '<pre><code class="language-python">' in snippet.params["text"]
    assert "await time.sleep(0.1)" in snippet.params["text"]
    assert "reply_markup" not in snippet.params  # the poll is the answer
    assert fake.calls.index(snippet) < fake.calls.index(poll)
    assert poll.json("correct_option_ids") == [await option_of(
        core, fake.message_of(poll)["poll"]["id"], entry.question.answer)]


async def test_a_vote_in_a_group_is_recorded_and_not_announced(fake: FakeTelegram, core: Core,
                                                               bot: TelegramAdapter) -> None:
    """A poll_answer counts as the voter's answer in that group; the group gets no message."""
    entry = only(core, "await-2")
    await fake.send_text("/quiz", chat_id=GROUP)
    poll_id = await poll_of(fake)
    await fake.poll_answer(poll_id, await option_of(core, poll_id, entry.question.answer),
                           user_id=7, name="Ravi")
    score = await score_of(core, GROUP, 7)
    assert (score.answered, score.correct, score.user_name) == (1, 1, "Ravi")
    await asyncio.sleep(0.3)
    assert not fake.called("sendMessage") and not fake.called("editMessageText")


async def test_a_second_vote_by_the_same_user_does_not_count(fake: FakeTelegram, core: Core,
                                                             bot: TelegramAdapter) -> None:
    """Two poll_answers from one user on one poll leave one answer in the score."""
    entry = only(core, "await-2")
    await fake.send_text("/quiz", chat_id=GROUP)
    poll_id = await poll_of(fake)
    right = await option_of(core, poll_id, entry.question.answer)
    wrong = next(i for i in range(len(entry.question.choices)) if i != right)
    await fake.poll_answer(poll_id, wrong, user_id=7)
    await score_of(core, GROUP, 7)
    await fake.poll_answer(poll_id, right, user_id=7)
    await asyncio.sleep(0.5)
    score = await score_of(core, GROUP, 7)
    assert (score.answered, score.correct) == (1, 0)


async def test_a_vote_in_a_private_chat_gets_the_full_result(fake: FakeTelegram, core: Core,
                                                             bot: TelegramAdapter) -> None:
    """In the voter's own private chat the result follows: the misconception and the card."""
    entry = only(core, "await-2")
    q = entry.question
    await fake.send_text("/quiz")
    poll_id = await poll_of(fake)
    wrong = next(i for i in range(1, len(q.choices) + 1) if i != q.answer and q.choices[i - 1].misconception)
    await fake.poll_answer(poll_id, await option_of(core, poll_id, wrong))
    result = await fake.wait_for("sendMessage")
    assert result.params["chat_id"] == "42"
    assert "❌" in result.params["text"] and "/term await" in result.params["text"]
    assert html.escape(q.why(wrong, "hi").strip(), quote=False) in result.params["text"]
    assert (await score_of(core, 42, 42)).answered == 1


async def test_a_wrong_vote_in_a_group_sends_its_why_to_the_voters_private_chat(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """The group hears nothing; the voter's own chat gets why their pick is wrong."""
    entry = only(core, "await-2")
    q = entry.question
    await fake.send_text("/quiz", chat_id=GROUP)
    poll_id = await poll_of(fake)
    before = len(fake.calls)
    wrong = next(n for n in range(1, len(q.choices) + 1) if n != q.answer)
    await fake.poll_answer(poll_id, await option_of(core, poll_id, wrong), user_id=7)
    result = await fake.wait_for("sendMessage", after=before)
    assert result.params["chat_id"] == "7"
    assert html.escape(q.why(wrong, "hi").strip(), quote=False) in result.params["text"]
    assert not [c for c in fake.calls[before:]
                if c.method == "sendMessage" and c.params["chat_id"] == str(GROUP)]


async def test_a_wrong_vote_by_someone_the_bot_cannot_message_is_still_counted(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """Telegram refuses the private chat: the vote counts and the group still hears nothing."""
    entry = only(core, "await-2")
    q = entry.question
    await fake.send_text("/quiz", chat_id=GROUP)
    poll_id = await poll_of(fake)
    before = len(fake.calls)
    fake.fail_once("sendMessage", 403, {
        "ok": False, "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user"})
    wrong = next(n for n in range(1, len(q.choices) + 1) if n != q.answer)
    await fake.poll_answer(poll_id, await option_of(core, poll_id, wrong), user_id=8)
    score = await score_of(core, GROUP, 8)
    assert (score.answered, score.correct) == (1, 0)
    await asyncio.sleep(0.3)
    assert not [c for c in fake.calls[before:]
                if c.method == "sendMessage" and c.params["chat_id"] == str(GROUP)]


async def test_a_vote_on_an_unknown_poll_is_ignored_quietly(fake: FakeTelegram, core: Core,
                                                            bot: TelegramAdapter,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """A poll_answer for a poll the bot never sent (or has forgotten) changes and says nothing."""
    with caplog.at_level(logging.INFO):
        await fake.poll_answer("999999", 0, user_id=7)
        await asyncio.sleep(0.3)
        await fake.send_text("/summary")
        await fake.wait_for("sendMessage")
    assert len(fake.called("sendMessage")) == 1
    assert await core.services.quiz.score("telegram:42", "telegram:7") is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_question_that_does_not_fit_a_poll_gets_buttons(fake: FakeTelegram, core: Core,
                                                                 bot: TelegramAdapter) -> None:
    """Multi-line (program output) choices cannot be poll options: the button message is sent."""
    entry = only(core, "async-def-1")
    await fake.send_text("/quiz")
    call = await fake.wait_for("sendMessage")
    data = [b["callback_data"] for row in call.json("reply_markup")["inline_keyboard"] for b in row]
    assert len(data) == len(entry.question.choices) and data[0].startswith("answer ")
    await asyncio.sleep(0.2)
    assert not fake.called("sendPoll")


async def test_options_over_telegrams_limit_fall_back_to_buttons(fake: FakeTelegram, core: Core,
                                                                 bot: TelegramAdapter) -> None:
    """A poll whose option exceeds PollLimit.MAX_OPTION_LENGTH is sent as its button message."""
    async def long_poll(ctx: Context) -> Reply:
        poll = QuizPoll(1, "Which?", ("x" * 101, "y"), 1, "because")
        return Reply(blocks=Reply.text("Which?").blocks, buttons=((Button("y", "summary"),),),
                     poll=poll)

    core.router.add(CommandSpec(name="longpoll", help=Text(hi="x", en="x"), handler=long_poll,
                                hidden=True))
    await fake.send_text("/longpoll")
    call = await fake.wait_for("sendMessage")
    assert call.params["text"] == "Which?" and "reply_markup" in call.params
    assert not fake.called("sendPoll")


async def test_quiz_polls_off_keeps_the_buttons(fake: FakeTelegram, core: Core) -> None:
    """TELEGRAM__QUIZ_POLLS=false: /quiz is the button message, as on every other platform."""
    only(core, "await-2")
    async with running(TelegramAdapter(settings_for(fake, quiz_polls=False), core)):
        await fake.send_text("/quiz")
        call = await fake.wait_for("sendMessage")
    assert "reply_markup" in call.params and not fake.called("sendPoll")


async def test_a_daily_post_is_a_recap_then_a_poll_whose_votes_count(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """core.deliver of a daily post sends the recap, then the quiz poll; a vote is recorded."""
    entry = only(core, "await-2")
    chat = ChatRef("telegram", str(GROUP), ChatKind.GROUP)
    post_id = await core.services.quiz.create_quiz_post(chat.key, entry.id, "daily", None,
                                                  "2026-11-25T08:00:00+00:00")
    await core.deliver(chat, daily_reply(core, entry, "en", post_id))
    poll = await fake.wait_for("sendPoll")
    [recap] = fake.called("sendMessage")
    assert "/term await" in recap.params["text"] and fake.calls.index(recap) < fake.calls.index(poll)
    # The card's button rides under the recap; the answers are the poll's own options.
    data = [b["callback_data"] for row in recap.params["reply_markup"]["inline_keyboard"]
            for b in row]
    assert data == ["term await"]
    poll_id = fake.message_of(poll)["poll"]["id"]
    await fake.poll_answer(poll_id, await option_of(core, poll_id, entry.question.answer), user_id=5)
    assert (await score_of(core, GROUP, 5)).correct == 1


async def test_a_channel_refusing_the_poll_gets_the_buttons(fake: FakeTelegram, core: Core,
                                                            bot: TelegramAdapter) -> None:
    """Channels cannot take non-anonymous polls: the post goes out with answer buttons instead."""
    fake.chat_types[CHANNEL] = "channel"
    reply = Reply(blocks=Reply.text("Q?").blocks, buttons=((Button("1. a", "summary"),),),
                  poll=QuizPoll(1, "Q?", ("a", "b"), 0, "a is right"))
    chat = ChatRef("telegram", str(CHANNEL), ChatKind.GROUP)
    await core.deliver(chat, reply)
    sent = await fake.wait_for("sendMessage")
    assert fake.called("sendPoll") and "reply_markup" in sent.params
    await core.deliver(chat, reply)  # remembered: no second refused attempt
    await fake.wait_for("sendMessage", after=fake.calls.index(sent) + 1)
    assert len(fake.called("sendPoll")) == 1


async def test_a_vote_after_a_restart_is_still_recorded(fake: FakeTelegram, core: Core) -> None:
    """The poll -> question mapping is in the database: a new adapter records an old poll's vote."""
    entry = only(core, "await-2")
    async with running(TelegramAdapter(settings_for(fake), core)):
        await fake.send_text("/quiz", chat_id=GROUP)
        poll_id = await poll_of(fake)
    async with running(TelegramAdapter(settings_for(fake), core)):
        await fake.poll_answer(poll_id, await option_of(core, poll_id, entry.question.answer),
                               user_id=3)
        assert (await score_of(core, GROUP, 3)).correct == 1
