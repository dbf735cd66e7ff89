"""Pictures through the real python-telegram-bot against the fake Bot API: /stats and the
cards' diagrams arrive as photos (multipart uploads of real PNGs), captioned with the reply."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image as PILImage

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.types import Button, CodeBlock, Heading, Image, Paragraph, Reply
from tests.adapters.pictures import give_an_answer, pictured, png_size
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.adapters.telegram.test_adapter import add_command


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


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (4, 3), (0, 114, 178)).save(out, "PNG")
    return out.getvalue()


async def test_a_picture_after_progress_replaces_the_progress_message(fake: FakeTelegram,
                                                                      core: Core,
                                                                      bot: TelegramAdapter) -> None:
    """A text message cannot become a photo: the result is sent anew and the progress message
    ("queued…") is deleted."""
    async def work(ctx):
        yield Reply.text("queued: 1 ahead", final=False)
        yield Reply(blocks=(Paragraph.plain("done"),), image=Image("t.png", _png(), "alt"))

    add_command(core, "work", work)
    await fake.send_text("/work")
    progress = await fake.wait_for("sendMessage", lambda c: "queued" in c.params["text"])
    photo = await fake.wait_for("sendPhoto")
    assert photo.params["caption"] == "done"
    assert png_size(photo.params["_files"]["photo"].data) == (4, 3)
    deleted = await fake.wait_for("deleteMessage")
    assert int(deleted.params["message_id"]) == fake.message_of(progress)["message_id"]
    assert not fake.called("editMessageText")


async def test_a_refused_picture_is_replaced_by_the_text_it_stands_for(fake: FakeTelegram,
                                                                       core: Core,
                                                                       bot: TelegramAdapter) -> None:
    """Telegram refuses the photo: the reply comes as text, with the text the picture replaced
    and the buttons, so nothing is lost."""
    timeline = (Heading("Timeline"), CodeBlock("Task-1  ██░░"))

    async def drawn(ctx):
        yield Reply(blocks=(Paragraph.plain("done"), *timeline), buttons=((Button("again", "drawn"),),),
                    image=Image("t.png", _png(), "alt", replaces=timeline))

    add_command(core, "drawn", drawn)
    fake.fail_once("sendPhoto", 400, {"ok": False, "error_code": 400,
                                      "description": "Bad Request: PHOTO_INVALID_DIMENSIONS"})
    await fake.send_text("/drawn")
    text = await fake.wait_for("sendMessage", lambda c: "Task-1" in c.params["text"])
    assert "done" in text.params["text"] and text.json("reply_markup")["inline_keyboard"]
    assert fake.called("sendPhoto:failed") and not fake.called("sendPhoto")
