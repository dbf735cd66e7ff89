"""/run and /demo end to end: the real python-telegram-bot against the fake Bot API server, the
real core, and a real bubblewrap sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.content import Library
from bot.core.demos import load_demos
from bot.sandbox import Sandbox
from bot.storage import Storage
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.conftest import CONTENT
from tests.sandbox.fixtures import require, test_config


@pytest.fixture
async def core(library: Library, tmp_path: Path) -> AsyncIterator[Core]:
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    core = Core(library, storage)
    core.demos = load_demos(CONTENT)
    async with Sandbox.open(test_config()) as sandbox:
        require(sandbox)
        core.sandbox = sandbox
        yield core
    await storage.close()


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
