"""/run and /demo end to end: the real python-telegram-bot against the fake Bot API server, the
real core, and a real bubblewrap sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.sandbox.fixtures import sandboxed


@pytest.fixture
async def core(core: Core) -> AsyncIterator[Core]:
    """The shared core, with a running sandbox and the demos (the adapter fixtures use it)."""
    async with sandboxed(core) as ready:
        yield ready


def sent_or_edited(text: str):
    return lambda call: text in call.params.get("text", "")


async def test_run_in_a_fenced_block_is_answered_as_html(fake: FakeTelegram,
                                                         bot: TelegramAdapter) -> None:
    """A multi-line /run in a ```py block comes back as escaped HTML in a <pre> block."""
    await fake.send_text("/run\n```py\nfor i in range(2):\n    print('<b>', i)\n```")
    call = await fake.wait_for("sendMessage", sent_or_edited("exit code 0"))
    assert call.params["parse_mode"] == "HTML"
    assert "&lt;b&gt; 0\n&lt;b&gt; 1" in call.params["text"]


async def test_demo_is_answered_with_its_claim_and_real_output(fake: FakeTelegram,
                                                               bot: TelegramAdapter) -> None:
    """`/demo event-loop` shows the card's claim, the real output and its buttons."""
    await fake.send_text("/demo event-loop")
    call = await fake.wait_for("sendMessage", sent_or_edited("threads used by all tasks: 1"))
    data = [b["callback_data"] for row in call.json("reply_markup")["inline_keyboard"] for b in row]
    assert "demo event-loop" in data and "demo event-loop code" in data
