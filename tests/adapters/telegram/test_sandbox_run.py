"""/run and /demo end to end: the real python-telegram-bot against the fake Bot API server, the
real core, and a real bubblewrap sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from tests.adapters.pictures import pictured, png_size
from tests.adapters.telegram.conftest import running, settings_for
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


CONCURRENT = """import asyncio

async def worker(name, delay):
    await asyncio.sleep(delay)
    print(name, "done")

async def main():
    await asyncio.gather(worker("a", 0.1), worker("b", 0.2))

asyncio.run(main())
"""


async def test_a_concurrent_run_sends_its_timeline_as_a_photo(fake: FakeTelegram, core: Core) -> None:
    """/run of a concurrent program: the result comes as a photo holding a real PNG, captioned
    with the reply (the text timeline left out: the picture shows it)."""
    async with pictured(core), running(TelegramAdapter(settings_for(fake), core)):
        await fake.send_text("/run\n```py\n" + CONCURRENT + "```")
        call = await fake.wait_for("sendPhoto", within=30)
    upload = call.params["_files"]["photo"]
    assert upload.filename == "timeline.png"
    assert png_size(upload.data)[0] == 960
    assert call.params["parse_mode"] == "HTML"
    assert "exit code 0" in call.params["caption"] and "a done\nb done" in call.params["caption"]
    assert "█" not in call.params["caption"]  # the text timeline: the picture replaces it
    assert not [c for c in fake.called("sendMessage") if "exit code" in c.params["text"]]


async def test_a_long_output_arrives_as_a_document(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """Output longer than a message: the short reply shows its head (its buttons under it),
    then a document holds every line."""
    await fake.send_text("/run for i in range(3000): print('line', i)")
    call = await fake.wait_for("sendDocument", within=30)
    upload = call.params["_files"]["document"]
    assert upload.filename == "output.txt"
    assert upload.data.decode().splitlines() == [f"line {i}" for i in range(3000)]
    assert "3000" in call.params["caption"]
    head = next(c for c in fake.called("sendMessage") if "line 0" in c.params["text"])
    assert "line 2999" in head.params["text"] and "reply_markup" in head.params
    assert fake.calls.index(head) < fake.calls.index(call) and "reply_markup" not in call.params


async def test_edit_and_run_again_sends_the_code_back_ready_to_copy(fake: FakeTelegram,
                                                                    bot: TelegramAdapter) -> None:
    """The run's "edit and run again" button (its callback data a short id, well under 64
    bytes) answers with the code in a copyable Python block."""
    code = "for i in range(2):\n    print('<i>', i)"
    await fake.send_text("/run\n```py\n" + code + "\n```")
    result = await fake.wait_for("sendMessage", sent_or_edited("exit code 0"))
    keyboard = result.json("reply_markup")["inline_keyboard"]
    [data] = [b["callback_data"] for row in keyboard for b in row
              if b["callback_data"].startswith("edit ")]
    assert len(data.encode()) <= 64
    await fake.click(data, fake.message_of(result))
    back = await fake.wait_for("sendMessage", lambda c: "language-python" in c.params["text"])
    assert ('<pre><code class="language-python">for i in range(2):\n'
            "    print('&lt;i&gt;', i)</code></pre>") in back.params["text"]
