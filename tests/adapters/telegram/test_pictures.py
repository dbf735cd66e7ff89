"""Pictures through the real python-telegram-bot against the fake Bot API: /stats and the
cards' diagrams arrive as photos (multipart uploads of real PNGs), captioned with the reply."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from tests.adapters.pictures import give_an_answer, pictured, png_size
from tests.adapters.telegram.fake_telegram import FakeTelegram


@pytest.fixture
async def core(core: Core) -> AsyncIterator[Core]:
    async with pictured(core) as on:
        yield on


async def test_stats_arrive_as_a_photo_captioned_with_the_numbers(fake: FakeTelegram, core: Core,
                                                                   bot: TelegramAdapter) -> None:
    """/stats: one photo, the mastery grid and streak strip as a PNG, the text as its caption
    and the buttons under it."""
    await give_an_answer(core, "telegram:42", "telegram:42")
    await fake.send_text("/stats")
    call = await fake.wait_for("sendPhoto")
    upload = call.params["_files"]["photo"]
    assert upload.filename == "stats.png"
    width, height = png_size(upload.data)
    assert width == 960 and height > 300
    assert "Jawab: 1, sahi: 1 (100%)" in call.params["caption"]
    assert call.params["reply_markup"]["inline_keyboard"]
    assert not fake.called("sendMessage")


async def test_the_event_loop_card_carries_its_diagram(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """A card longer than a caption: its text first, then the diagram with its alt text as
    the caption and the card's buttons under it."""
    await fake.send_text("/term event-loop")
    photo = await fake.wait_for("sendPhoto")
    assert png_size(photo.params["_files"]["photo"].data)[0] == 960
    assert "diagram" in photo.params["caption"]
    assert photo.params["reply_markup"]["inline_keyboard"]
    texts = fake.called("sendMessage")
    assert texts and "reply_markup" not in texts[-1].params
    assert fake.calls.index(texts[-1]) < fake.calls.index(photo)


async def test_a_card_without_a_diagram_stays_text(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """Only the cards with a diagram send a photo."""
    await fake.send_text("/term await")
    await fake.wait_for("sendMessage", lambda c: "reply_markup" in c.params)
    assert not fake.called("sendPhoto")
