"""Timed rounds on Telegram through the real PTB Application and the fake Bot API: a question that
fits a poll is a quiz poll with open_period whose votes map through the post's order; one that
does not is a buttons message, edited to its answer when its time is up."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.features._questions import quiz_poll
from bot.core.features._rounds import ROUND_SECONDS, RoundRunner
from bot.core.quizbank import Bank
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.adapters.telegram.test_polls import GROUP, only, option_of, score_of
from tests.conftest import rewire
from tests.core.features.conftest import FakeClock


def _runner(core: Core) -> RoundRunner:
    return next(s for s in core.services_to_run() if isinstance(s, RoundRunner))


def _clock(core: Core) -> FakeClock:
    clock = FakeClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    rewire(core, clock=clock)
    return clock


async def test_a_round_question_that_fits_is_a_timed_quiz_poll(fake: FakeTelegram, core: Core,
                                                               bot: TelegramAdapter) -> None:
    """sendPoll with open_period; a vote on option k counts as the post's shown choice k+1."""
    entry = only(core, "await-2")
    clock = _clock(core)
    await fake.send_text("/quiz round 3", chat_id=GROUP)
    await fake.wait_for("sendMessage")  # "Round shuru!"
    await _runner(core).tick()
    call = await fake.wait_for("sendPoll")
    assert call.params["open_period"] == str(ROUND_SECONDS)
    poll_id = fake.message_of(call)["poll"]["id"]
    await fake.poll_answer(poll_id, await option_of(core, poll_id, entry.question.answer), user_id=7)
    score = await score_of(core, GROUP, 7)
    assert (score.answered, score.correct) == (1, 1)
    clock.advance(seconds=ROUND_SECONDS + 4)
    await _runner(core).tick()
    await fake.wait_for("sendPoll", after=fake.calls.index(call) + 1)  # the next question
    assert not fake.called("editMessageText")  # a closed poll shows its answer itself


async def test_a_round_question_that_does_not_fit_a_poll_is_buttons_then_its_answer(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """Buttons with the timer; when the time is up the message becomes the answer."""
    bank = core.services.quiz_bank
    entry = next(e for e in bank.entries if quiz_poll(e, "hi", 1) is None)  # a multi-line output
    rewire(core, quiz_bank=Bank([entry], bank.misconceptions, [c.id for c in core.library.terms]))
    clock = _clock(core)
    await fake.send_text("/quiz round 3", chat_id=GROUP)
    started = await fake.wait_for("sendMessage")
    await _runner(core).tick()
    question = await fake.wait_for("sendMessage", after=fake.calls.index(started) + 1)
    assert "1/3" in question.params["text"] and str(ROUND_SECONDS) in question.params["text"]
    assert question.params["reply_markup"]["inline_keyboard"]
    clock.advance(seconds=ROUND_SECONDS + 4)
    await _runner(core).tick()
    edit = await fake.wait_for("editMessageText")
    assert edit.params["message_id"] == str(fake.message_of(question)["message_id"])
    assert "Time khatam" in edit.params["text"] and "reply_markup" not in edit.params
