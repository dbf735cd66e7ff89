"""/run and /demo end to end: the real discord.py client against the fake Discord, the real
core, and a real bubblewrap sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from tests.adapters.discord.fake_discord import APP_ID, FakeDiscord
from tests.adapters.pictures import pictured, png_size
from tests.sandbox.fixtures import sandboxed


@pytest.fixture
async def core(core: Core) -> AsyncIterator[Core]:
    """The shared core, with a running sandbox and the demos (the adapter fixtures use it)."""
    async with sandboxed(core) as ready:
        yield ready


async def final_embed(fake: FakeDiscord, itx: dict) -> dict:
    [callback] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    assert callback.json["type"] == 5  # long-running: deferred at once
    [*_, last] = await fake.wait_for(
        "PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
    assert last.json["allowed_mentions"] == {"parse": []}
    return last.json["embeds"][0]


async def test_run_slash_command_answers_with_neutralised_output(bot: DiscordAdapter,
                                                                 fake: FakeDiscord) -> None:
    """/run defers, then the result replaces "thinking": output in a code block, no ping."""
    itx = fake.interaction(2, {"id": "1", "name": "run", "type": 1, "options": [
        {"name": "code", "type": 3, "value": "print('hi @everyone')\nprint(6 * 7)"}]})
    await fake.send_interaction(itx)
    embed = await final_embed(fake, itx)
    assert "exit code 0" in embed["description"]
    assert "hi @\u200beveryone\n42" in embed["description"]
    assert "@everyone" not in embed["description"]


async def test_run_without_code_opens_a_modal_and_runs_what_is_typed(bot: DiscordAdapter,
                                                                     fake: FakeDiscord) -> None:
    """/run with no code opens the code modal; its submission runs, newlines kept."""
    itx = fake.interaction(2, {"id": "1", "name": "run", "type": 1})
    await fake.send_interaction(itx)
    [modal] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    assert modal.json["type"] == 9 and modal.json["data"]["custom_id"] == "agm:run:code"
    code = "for i in range(3):\n    print('line', i)"
    submit = fake.interaction(5, {"custom_id": "agm:run:code", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "code", "value": code}]}]})
    await fake.send_interaction(submit)
    embed = await final_embed(fake, submit)
    assert "line 0\nline 1\nline 2" in embed["description"]


CONCURRENT = """import asyncio

async def worker(name, delay):
    await asyncio.sleep(delay)
    print(name, "done")

async def main():
    await asyncio.gather(worker("a", 0.1), worker("b", 0.2))

asyncio.run(main())
"""


async def test_a_concurrent_run_shows_its_timeline_picture_in_the_embed(bot: DiscordAdapter,
                                                                         fake: FakeDiscord,
                                                                         core: Core) -> None:
    """/run of a concurrent program: the deferred answer is filled with the embed and a real
    PNG uploaded beside it (multipart, payload_json), shown as the embed's image with alt text;
    the text timeline stays out of the embed."""
    async with pictured(core):
        itx = fake.interaction(2, {"id": "1", "name": "run", "type": 1, "options": [
            {"name": "code", "type": 3, "value": CONCURRENT}]})
        await fake.send_interaction(itx)
        embed = await final_embed(fake, itx)
    [*_, last] = fake.find("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
    [upload] = last.files
    assert upload.filename == "timeline.png"  # sent as octet-stream: Discord sniffs the type
    assert png_size(upload.data)[0] == 960
    assert embed["image"]["url"] == "attachment://timeline.png"
    [attachment] = last.json["attachments"]
    assert attachment["filename"] == "timeline.png" and "Timeline" in attachment["description"]
    assert "a done\nb done" in embed["description"] and "█" not in embed["description"]


async def test_a_long_output_arrives_as_an_attachment(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Output longer than a message: the embed shows its head and the whole output is a text
    file attached to the same message."""
    itx = fake.interaction(2, {"id": "1", "name": "run", "type": 1, "options": [
        {"name": "code", "type": 3, "value": "for i in range(3000): print('line', i)"}]})
    await fake.send_interaction(itx)
    embed = await final_embed(fake, itx)
    assert "line 0" in embed["description"] and "image" not in embed
    [*_, last] = fake.find("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
    [upload] = last.files
    assert upload.filename == "output.txt"
    assert upload.data.decode().splitlines() == [f"line {i}" for i in range(3000)]
    [attachment] = last.json["attachments"]
    assert "3000" in attachment["description"]


async def test_edit_and_run_again_opens_the_modal_prefilled(bot: DiscordAdapter,
                                                            fake: FakeDiscord) -> None:
    """The run's "edit and run again" button opens the code modal holding the code; what is
    submitted from it runs."""
    bot.defer_after = 2.0  # the modal must be the click's first response, as in production
    code = "for i in range(2):\n    print('first', i)"
    itx = fake.interaction(2, {"id": "1", "name": "run", "type": 1, "options": [
        {"name": "code", "type": 3, "value": code}]})
    await fake.send_interaction(itx)
    await final_embed(fake, itx)
    message = fake.messages["@original:" + itx["token"]]
    [edit_id] = [c["custom_id"] for row in message["components"] for c in row["components"]
                 if c["custom_id"].startswith("ag:edit ")]
    click = fake.interaction(3, {"custom_id": edit_id, "component_type": 2}, message=message)
    await fake.send_interaction(click)
    [modal] = await fake.wait_for("POST", f"/interactions/{click['id']}/")
    assert modal.json["type"] == 9 and modal.json["data"]["custom_id"] == "agm:run:code"
    [[field]] = [row["components"] for row in modal.json["data"]["components"]]
    assert field["value"] == code and field["custom_id"] == "code"
    changed = code.replace("first", "second")
    submit = fake.interaction(5, {"custom_id": "agm:run:code", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "code", "value": changed}]}]})
    await fake.send_interaction(submit)
    embed = await final_embed(fake, submit)
    assert "second 0\nsecond 1" in embed["description"]
