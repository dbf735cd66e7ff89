"""/challenge and /submit end to end: the real python-telegram-bot against the fake Bot API
server, the real core and a real bubblewrap sandbox. The list comes with a button per
challenge; a reply to the challenge message submits for it; in a group the verdict goes to the
learner's private chat; a solve shows in /stats."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.i18n import t
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.conftest import content_challenges
from tests.sandbox.fixtures import sandboxed, test_config

GROUP = -1001


@pytest.fixture
async def core(core: Core) -> AsyncIterator[Core]:
    """The shared core with a running sandbox (no cooldown: tests submit in a row)."""
    async with sandboxed(core, test_config(cooldown_s=0.0)) as ready:
        yield ready


def texted(text: str, chat_id: int | None = None):
    return lambda call: text in call.params.get("text", "") and (
        chat_id is None or call.params.get("chat_id") == str(chat_id))


def buttons(call) -> list[str]:
    return [b["callback_data"] for row in call.json("reply_markup")["inline_keyboard"] for b in row]


async def test_the_list_has_a_button_per_challenge(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`/challenge` lists every challenge in path order, each with its button."""
    await fake.send_text("/challenge")
    call = await fake.wait_for("sendMessage", texted("fix-blocking"))
    assert buttons(call) == [f"challenge {c.id}" for c in content_challenges()]
    assert "naya" in call.params["text"]


async def test_a_reply_to_the_challenge_message_submits_for_it(fake: FakeTelegram,
                                                               bot: TelegramAdapter) -> None:
    """The id comes from the replied-to challenge message; the verdict edits the progress."""
    await fake.send_text("/challenge missing-await")
    shown = await fake.wait_for("sendMessage", texted("🧩 missing-await"))
    assert "submit missing-await" in buttons(shown)
    await fake.send_text("/challenge fix-blocking")  # the last opened is another one
    await fake.wait_for("sendMessage", texted("🧩 fix-blocking"))
    reference = content_challenges().by_id["missing-await"].reference
    await fake.send_text("/submit\n" + reference, reply_to=fake.message_of(shown))
    progress = await fake.wait_for("sendMessage", texted("⏳"))
    verdict = await fake.wait_for("editMessageText", texted("✅"), within=30)
    assert verdict.params["message_id"] == str(fake.message_of(progress)["message_id"])
    assert "missing-await" in verdict.params["text"]
    assert "Reference solution" in verdict.params["text"]
    await fake.send_text("/stats")
    stats = await fake.wait_for("sendMessage", texted("Challenges:"))
    assert "Challenges: 1 solved / 1 try kiye" in stats.params["text"]


async def test_in_a_group_the_verdict_goes_to_the_private_chat(fake: FakeTelegram,
                                                               bot: TelegramAdapter) -> None:
    """A group submission's verdict reaches only the learner (their private chat)."""
    starter = content_challenges().by_id["fix-blocking"].starter
    await fake.send_text("/submit fix-blocking\n" + starter, chat_id=GROUP, user_id=7, name="Ravi")
    verdict = await fake.wait_for("sendMessage", texted("❌", chat_id=7), within=30)
    assert "blocked-loop" in verdict.params["text"]
    group_texts = [c.params.get("text", "") for c in fake.calls
                   if c.params.get("chat_id") == str(GROUP)]
    assert not any("❌" in text or "blocked-loop" in text or "⏳" in text for text in group_texts)
    assert any(t("hi", "tg_sent_private") in text for text in group_texts)


async def test_without_a_private_chat_the_group_only_hears_how_to_open_one(
        fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """A learner who never started the bot: the group gets the hint, never the verdict."""
    fake.never_started.add(8)
    starter = content_challenges().by_id["fix-blocking"].starter
    await fake.send_text("/submit fix-blocking\n" + starter, chat_id=GROUP, user_id=8, name="Mira")
    hint = await fake.wait_for("sendMessage", texted(t("hi", "tg_start_private"), chat_id=GROUP))
    assert hint.params["reply_parameters"]  # quoting their /submit
    await fake.wait_for("sendMessage", lambda c: c.params.get("chat_id") == "8" and "❌" in c.params["text"],
                        within=30)  # tried (and refused) by the fake: the verdict went nowhere else
    group_texts = [c.params.get("text", "") for c in fake.calls if c.params.get("chat_id") == str(GROUP)
                   and c.method in ("sendMessage", "editMessageText")]
    assert group_texts == [t("hi", "tg_start_private")]
