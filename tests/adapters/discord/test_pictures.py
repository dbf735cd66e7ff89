"""Pictures through the real discord.py against the fake Discord: /stats and the cards'
diagrams arrive as real PNGs uploaded with the interaction's response (multipart with
payload_json) and shown as the embed's image."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image as PILImage

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from bot.core.i18n import t
from bot.core.router import CommandSpec, Text
from bot.core.types import CodeBlock, Heading, Image, Paragraph, Reply
from tests.adapters.discord.fake_discord import APP_ID, CHANNEL_ID, USER_ID, FakeDiscord, Request
from tests.adapters.pictures import give_an_answer, pictured, png_size

EPHEMERAL = 1 << 6


@pytest.fixture
async def core(core: Core) -> AsyncIterator[Core]:
    async with pictured(core) as on:
        yield on


def _slash(name: str, **options: str) -> dict:
    return {"id": "1", "name": name, "type": 1,
            "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()]}


async def _answer(fake: FakeDiscord, itx: dict) -> tuple[dict, Request]:
    """The message that answered the interaction (its JSON, and the request that carried it
    with its uploads): the callback's, or the edit that filled a deferred "thinking…" (a first
    picture waits for its worker to start)."""
    [callback] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    if callback.json["type"] == 4:
        return callback.json["data"], callback
    assert callback.json["type"] == 5
    [edit] = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
    return edit.json, edit


async def test_stats_show_their_picture_in_a_private_embed(bot: DiscordAdapter, fake: FakeDiscord,
                                                           core: Core) -> None:
    """/stats: an ephemeral message whose embed shows stats.png, uploaded with it."""
    await give_an_answer(core, f"discord:{CHANNEL_ID}", f"discord:{USER_ID}")
    itx = fake.interaction(2, _slash("stats"))
    await fake.send_interaction(itx)
    data, response = await _answer(fake, itx)
    [callback] = fake.find("POST", f"/interactions/{itx['id']}/")
    assert callback.json["data"]["flags"] & EPHEMERAL  # the answer (or its defer) is private
    [embed] = data["embeds"]
    assert embed["image"]["url"] == "attachment://stats.png"
    assert t("hi", "stats_answered", n=1, ok=1, pct=100) in embed["description"]
    [upload] = response.files
    assert upload.filename == "stats.png" and png_size(upload.data)[0] == 960
    [attachment] = data["attachments"]
    assert attachment["description"] == t("hi", "stats_alt")


async def test_the_blocking_card_shows_its_diagram(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """/term blocking: the card's embed(s) and its diagram as the first message's image."""
    itx = fake.interaction(2, _slash("term", term="blocking"))
    await fake.send_interaction(itx)
    data, response = await _answer(fake, itx)
    assert data["embeds"][-1]["image"]["url"] == "attachment://blocking.png"
    [upload] = response.files
    assert png_size(upload.data)[0] == 960


async def test_a_picture_after_progress_is_uploaded_with_the_edit(bot: DiscordAdapter,
                                                                  fake: FakeDiscord, core: Core) -> None:
    """The result replaces the progress message in place, its picture uploaded with the edit."""
    png = io.BytesIO()
    PILImage.new("RGB", (4, 3), (0, 114, 178)).save(png, "PNG")

    async def work(ctx):
        yield Reply.text("queued: 1 ahead", final=False)
        yield Reply(blocks=(Paragraph.plain("done"),), image=Image("t.png", png.getvalue(), "alt"))

    core.router.add(CommandSpec("work", Text(hi="w", en="w"), work, hidden=True))
    itx = fake.interaction(2, _slash("work"))
    await fake.send_interaction(itx)
    [first] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    assert "queued" in first.json["data"]["embeds"][0]["description"] and not first.files
    [edit] = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/")
    assert edit.json["embeds"][0]["image"]["url"] == "attachment://t.png"
    assert [u.filename for u in edit.files] == ["t.png"] and png_size(edit.files[0].data) == (4, 3)


async def test_a_refused_upload_leaves_the_text_it_stands_for(bot: DiscordAdapter, fake: FakeDiscord,
                                                              core: Core) -> None:
    """Discord refuses the files (413): the reply is sent again without them, its text (the
    text timeline the picture replaced) whole."""
    timeline = (Heading("Timeline"), CodeBlock("Task-1  ██░░"))

    async def drawn(ctx):
        yield Reply(blocks=(Paragraph.plain("done"), *timeline),
                    image=Image("t.png", b"\x89PNG", "alt", replaces=timeline))

    core.router.add(CommandSpec("drawn", Text(hi="d", en="d"), drawn, hidden=True))
    fake.refuse_uploads = True
    itx = fake.interaction(2, _slash("drawn"))
    await fake.send_interaction(itx)
    [refused, sent] = await fake.wait_for("POST", f"/interactions/{itx['id']}/", count=2)
    assert refused.files and not sent.files
    [embed] = sent.json["data"]["embeds"]
    assert "Task-1" in embed["description"] and "image" not in embed
