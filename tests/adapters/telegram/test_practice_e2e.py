"""Practice end to end through the real PTB Application and the fake Bot API: /quiz and its
answer keyboard in a group, private verdicts, /stats, /leaderboard, /daily set|status|now,
scheduled daily posts through core.deliver (a kicked bot disables the schedule), /practice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import escape
from typing import Any

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.i18n import t
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import Call, FakeTelegram
from tests.conftest import daily_of, rewire
from tests.core.features.conftest import FakeClock

GROUP = -1001
GROUP_KEY = f"telegram:{GROUP}"
ALICE, BOB = 7, 8
ALICE_NAME, BOB_NAME = "<b>x</b>", "@everyone"
# 02:00 UTC = 07:30 in Kolkata: a 09:00 Asia/Kolkata schedule is due at 03:30 UTC today.
START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
KICKED = {"ok": False, "error_code": 403,
          "description": "Forbidden: bot was kicked from the supergroup chat"}


@pytest.fixture
async def bot(fake: FakeTelegram, core: Core) -> AsyncIterator[TelegramAdapter]:
    """The button path of quizzes (what every platform has); native quiz polls, Telegram's
    default, are tested in test_polls.py."""
    adapter = TelegramAdapter(settings_for(fake, quiz_polls=False), core)
    async with running(adapter):
        yield adapter


def _said(key: str, **fields: object) -> str:
    """A Hinglish string (the default voice) as it appears in Telegram HTML."""
    return escape(t("hi", key, **fields), quote=False)


def _answer_data(call: Call) -> list[str]:
    rows = call.params["reply_markup"]["inline_keyboard"]
    return [b["callback_data"] for row in rows for b in row
            if b.get("callback_data", "").startswith("answer ")]


async def _right_and_wrong(core: Core, data: list[str]) -> tuple[str, str]:
    """The callback data of the right answer and of one wrong answer of a posted question."""
    post = await core.services.quiz.quiz_post(int(data[0].split()[1]))
    assert post is not None
    q = core.services.quiz_bank.by_id[post.question_id].question  # type: ignore[attr-defined]
    right = post.shown(q.answer, len(q.choices))  # the buttons follow the post's own order
    by_choice = {int(d.split()[2]): d for d in data}
    return by_choice[right], next(d for n, d in by_choice.items() if n != right)


def _to(chat_id: int):
    return lambda c: c.params["chat_id"] == str(chat_id)


async def _command(fake: FakeTelegram, text: str, *, chat_id: int = GROUP, user_id: int = ALICE,
                   name: str = ALICE_NAME, keyboard: bool = False) -> Call:
    """Type a command; the bot's answer in that chat."""
    before = len(fake.calls)
    await fake.send_text(text, chat_id=chat_id, user_id=user_id, name=name)
    return await fake.wait_for(
        "sendMessage", lambda c: c.params["chat_id"] == str(chat_id)
        and (not keyboard or "reply_markup" in c.params), after=before)


async def _quiz_in_group(fake: FakeTelegram) -> tuple[Call, list[str]]:
    call = await _command(fake, "/quiz", keyboard=True)
    return call, _answer_data(call)


async def test_quiz_verdicts_are_private_and_the_group_sees_a_tally(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """A's right and B's wrong verdict go to their private chats; the question shows a tally."""
    posted, data = await _quiz_in_group(fake)
    assert 2 <= len(data) <= 4
    message = fake.message_of(posted)
    right, wrong = await _right_and_wrong(core, data)

    before = len(fake.calls)
    await fake.click(right, message, user_id=ALICE, name=ALICE_NAME)
    verdict = await fake.wait_for("sendMessage", _to(ALICE), after=before)
    assert _said("quiz_right") in verdict.params["text"]
    notice = await fake.wait_for("answerCallbackQuery", after=before)
    assert notice.params["text"] == t("hi", "tg_sent_private")
    tally = await fake.wait_for("editMessageText", after=before)
    assert tally.params["chat_id"] == str(GROUP)
    assert tally.params["message_id"] == str(message["message_id"])
    assert _said("quiz_tally", n=1, ok=1) in tally.params["text"]
    assert _said("quiz_right") not in tally.params["text"]
    assert _answer_data(tally) == data  # others can still answer
    assert not [c for c in fake.called("sendMessage")[1:] if c.params["chat_id"] == str(GROUP)]

    before = len(fake.calls)
    await fake.click(wrong, message, user_id=BOB, name=BOB_NAME)
    verdict = await fake.wait_for("sendMessage", _to(BOB), after=before)
    assert _said("quiz_wrong") in verdict.params["text"]
    tally = await fake.wait_for("editMessageText", after=before)
    assert _said("quiz_tally", n=2, ok=1) in tally.params["text"]


async def test_a_second_answer_is_refused_in_an_alert(fake: FakeTelegram, core: Core,
                                                      bot: TelegramAdapter) -> None:
    """Clicking again on the same question gets an alert to the clicker and changes nothing."""
    posted, data = await _quiz_in_group(fake)
    message = fake.message_of(posted)
    right, wrong = await _right_and_wrong(core, data)
    before = len(fake.calls)
    await fake.click(right, message, user_id=ALICE, name=ALICE_NAME)
    await fake.wait_for("editMessageText", after=before)

    before = len(fake.calls)
    await fake.click(wrong, message, user_id=ALICE, name=ALICE_NAME)
    alert = await fake.wait_for("answerCallbackQuery", after=before)
    assert alert.params["show_alert"] == "true"
    assert alert.params["text"] == t("hi", "answer_twice", n=int(right.split()[2]))
    row = await core.services.quiz.score(GROUP_KEY, f"telegram:{ALICE}")
    assert row is not None and (row.answered, row.correct) == (1, 1)


async def test_stats_and_leaderboard_count_and_escape(fake: FakeTelegram, core: Core,
                                                      bot: TelegramAdapter) -> None:
    """/stats counts A's answer; /leaderboard lists both, their names HTML-escaped."""
    posted, data = await _quiz_in_group(fake)
    message = fake.message_of(posted)
    right, wrong = await _right_and_wrong(core, data)
    for choice, user, name in ((right, ALICE, ALICE_NAME), (wrong, BOB, BOB_NAME)):
        before = len(fake.calls)
        await fake.click(choice, message, user_id=user, name=name)
        await fake.wait_for("editMessageText", after=before)

    stats = await _command(fake, "/stats")
    assert _said("stats_answered", n=1, ok=1, pct=100) in stats.params["text"]
    assert "&lt;b&gt;x&lt;/b&gt;" in stats.params["text"]

    board = (await _command(fake, "/leaderboard", user_id=BOB, name=BOB_NAME)).params["text"]
    assert "&lt;b&gt;x&lt;/b&gt;" in board and "<b>x</b>" not in board
    assert "@everyone" in board
    assert _said("board_line", ok=1, n=1) in board and _said("board_line", ok=0, n=1) in board


async def test_daily_set_is_for_group_admins(fake: FakeTelegram, core: Core,
                                             bot: TelegramAdapter) -> None:
    """A member's /daily set is refused; an administrator's is stored and /daily status shows it."""
    fake.admins[GROUP] = {ALICE}
    refused = await _command(fake, "/daily set 09:00 Asia/Kolkata", user_id=BOB, name=BOB_NAME)
    assert _said("admin_only") in refused.params["text"]
    assert await core.services.daily.daily_target(GROUP_KEY) is None

    accepted = await _command(fake, "/daily set 09:00 Asia/Kolkata")
    assert _said("daily_set_ok", time="09:00", tz="Asia/Kolkata") in accepted.params["text"]
    status = await _command(fake, "/daily status")
    assert _said("daily_on", time="09:00", tz="Asia/Kolkata") in status.params["text"]
    member = await _command(fake, "/daily status", user_id=BOB, name=BOB_NAME)
    assert _said("daily_on", time="09:00", tz="Asia/Kolkata") in member.params["text"]


async def test_daily_now_posts_the_term_and_its_quiz(fake: FakeTelegram, core: Core,
                                                     bot: TelegramAdapter) -> None:
    """/daily now posts the term of the day with its answer keyboard to the group."""
    fake.admins[GROUP] = {ALICE}
    post = await _command(fake, "/daily now", keyboard=True)
    first = core.library.terms[0].title("hi")
    assert _said("daily_title", term=first) in post.params["text"]
    assert len(_answer_data(post)) >= 2


async def test_scheduled_daily_post_goes_through_the_adapter(fake: FakeTelegram, core: Core,
                                                             bot: TelegramAdapter) -> None:
    """At 09:00 Kolkata the scheduler delivers the post to the group via core.deliver."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    fake.admins[GROUP] = {ALICE}
    await _command(fake, "/daily set 09:00 Asia/Kolkata")
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    before = len(fake.calls)
    assert await daily_of(core).run_due() == 1  # type: ignore[attr-defined]
    recap = await fake.wait_for("sendMessage", _to(GROUP), after=before)
    assert _said("daily_title", term=core.library.terms[0].title("hi")) in recap.params["text"]
    # The question is its own message, after the recap (this one does not fit a poll).
    post = await fake.wait_for("sendMessage", _to(GROUP), after=fake.calls.index(recap) + 1)
    data = _answer_data(post)
    assert len(data) >= 2
    # Its buttons answer like any quiz's.
    right, _ = await _right_and_wrong(core, data)
    before = len(fake.calls)
    await fake.click(right, fake.message_of(post), user_id=BOB, name=BOB_NAME)
    verdict = await fake.wait_for("sendMessage", _to(BOB), after=before)
    assert _said("quiz_right") in verdict.params["text"]
    status = await _command(fake, "/daily status")
    assert _said("daily_status_sent") in status.params["text"]


async def test_kicked_bot_disables_the_daily_post(fake: FakeTelegram, core: Core,
                                                  bot: TelegramAdapter) -> None:
    """A 403 "bot was kicked" ends as TargetGone: the schedule is off, not retried, and says so."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    fake.admins[GROUP] = {ALICE}
    await _command(fake, "/daily set 09:00 Asia/Kolkata")
    fake.fail_once("sendMessage", 403, KICKED)
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    assert await daily_of(core).run_due() == 0  # type: ignore[attr-defined]
    assert fake.called("sendMessage:failed")
    target = await core.services.daily.daily_target(GROUP_KEY)
    assert target is not None and not target.enabled
    assert "kicked" in target.disabled_reason
    clock.advance(days=1)
    sent = len(fake.called("sendMessage"))
    assert await daily_of(core).run_due() == 0  # type: ignore[attr-defined]
    assert len(fake.called("sendMessage")) == sent  # not retried
    status = await _command(fake, "/daily status")
    assert _said("daily_status_gone") in status.params["text"]


async def test_practice_in_a_private_chat_continues(fake: FakeTelegram, core: Core,
                                                    bot: TelegramAdapter) -> None:
    """/practice asks a question, grades the click, and the next /practice goes on."""
    user = 42
    first = await _command(fake, "/practice", chat_id=user, user_id=user, name="Asha", keyboard=True)
    assert _said("practice_title_new", term=core.library.terms[0].title("hi")) in first.params["text"]
    data = _answer_data(first)
    right, _ = await _right_and_wrong(core, data)

    before = len(fake.calls)
    await fake.click(right, fake.message_of(first), user_id=user)
    graded = await fake.wait_for("sendMessage", _to(user), after=before)
    assert _said("quiz_right") in graded.params["text"]
    assert _said("practice_next_review") in graded.params["text"]
    buttons = [b["callback_data"] for row in graded.params["reply_markup"]["inline_keyboard"]
               for b in row if "callback_data" in b]
    assert "practice" in buttons

    again = await _command(fake, "/practice", chat_id=user, user_id=user, name="Asha", keyboard=True)
    next_data = _answer_data(again)
    assert next_data and next_data[0].split()[1] != data[0].split()[1]  # a new posted question
    post: dict[str, Any] | None = await core.services.quiz.quiz_post(int(data[0].split()[1]))
    assert post is not None and post.source == "practice"
    assert await core.services.practice.srs_get(f"telegram:{user}", f"q:{post.question_id}")


async def test_verdict_stays_private_for_a_user_who_never_started_the_bot(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """When Telegram refuses the private chat, the verdict is an alert, never a group message."""
    posted, data = await _quiz_in_group(fake)
    right, _ = await _right_and_wrong(core, data)
    fake.fail_once("sendMessage", 403, {
        "ok": False, "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user"})
    before = len(fake.calls)
    await fake.click(right, fake.message_of(posted), user_id=BOB, name=BOB_NAME)
    tally = await fake.wait_for("editMessageText", after=before)
    assert _said("quiz_tally", n=1, ok=1) in tally.params["text"]
    alert = await fake.wait_for("answerCallbackQuery", after=before)
    assert alert.params["show_alert"] == "true"
    assert alert.params["text"].startswith(t("hi", "quiz_right"))
    assert len(alert.params["text"]) <= 200
    assert not [c for c in fake.calls[before:]
                if c.method == "sendMessage" and c.params["chat_id"] == str(GROUP)]


async def test_daily_quiz_buttons_work_after_a_restart(fake: FakeTelegram, core: Core) -> None:
    """A daily post's answer button, clicked after a new adapter started, is still answered."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    fake.admins[GROUP] = {ALICE}
    async with running(TelegramAdapter(settings_for(fake, quiz_polls=False), core)):
        await _command(fake, "/daily set 09:00 Asia/Kolkata")
        clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
        before = len(fake.calls)
        assert await daily_of(core).run_due() == 1  # type: ignore[attr-defined]
        recap = await fake.wait_for("sendMessage", _to(GROUP), after=before)
        post = await fake.wait_for("sendMessage", _to(GROUP), after=fake.calls.index(recap) + 1)

    async with running(TelegramAdapter(settings_for(fake, quiz_polls=False), core)):
        right, _ = await _right_and_wrong(core, _answer_data(post))
        before = len(fake.calls)
        await fake.click(right, fake.message_of(post), user_id=BOB, name=BOB_NAME)
        verdict = await fake.wait_for("sendMessage", _to(BOB), after=before)
        assert _said("quiz_right") in verdict.params["text"]
        tally = await fake.wait_for("editMessageText", after=before)
        assert _said("quiz_tally", n=1, ok=1) in tally.params["text"]


async def test_a_group_upgraded_to_a_supergroup_disables_the_daily_post(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter) -> None:
    """The old id of a migrated group is gone: the schedule stops and names the new chat id."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    fake.admins[GROUP] = {ALICE}
    await _command(fake, "/daily set 09:00 Asia/Kolkata")
    fake.fail_once("sendMessage", 400, {
        "ok": False, "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": -1002}})
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    assert await daily_of(core).run_due() == 0  # type: ignore[attr-defined]
    target = await core.services.daily.daily_target(GROUP_KEY)
    assert target is not None and not target.enabled
    assert "-1002" in target.disabled_reason
