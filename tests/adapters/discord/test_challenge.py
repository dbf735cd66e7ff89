"""/challenge and /submit end to end: the real discord.py client against the fake Discord, the
real core and a real bubblewrap sandbox. The list's buttons, the Submit form prefilled with the
starter (or, after a ❌, the last attempt), an ephemeral verdict in a server, the "Submit code"
message command asking which challenge, and the solve in /stats."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from tests.adapters.discord.fake_discord import APP_ID, FakeDiscord
from tests.conftest import content_challenges
from tests.sandbox.fixtures import sandboxed, test_config

EPHEMERAL = 64
FIXED = ("import asyncio\n\nasync def fetch(i):\n    await asyncio.sleep(1)\n    return i * 10\n\n"
         "async def main():\n    print(await asyncio.gather(*(fetch(i) for i in range(3))))\n\n"
         "asyncio.run(main())\n")


@pytest.fixture
async def core(core: Core) -> AsyncIterator[Core]:
    """The shared core with a running sandbox (no cooldown: tests submit in a row)."""
    async with sandboxed(core, test_config(cooldown_s=0.0)) as ready:
        yield ready


async def callback(fake: FakeDiscord, itx: dict) -> dict:
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    return call.json


async def final(fake: FakeDiscord, itx: dict) -> dict:
    """The last edit of a deferred response (the verdict replaces the progress)."""
    while True:
        edits = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
        title = edits[-1].json["embeds"][0].get("title", "")
        if title.startswith(("✅", "❌")):
            return edits[-1].json["embeds"][0]
        await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original",
                            count=len(edits) + 1)


def custom_ids(components: list[dict]) -> list[str]:
    return [c["custom_id"] for row in components for c in row["components"] if "custom_id" in c]


def modal_field(body: dict) -> dict:
    return body["data"]["components"][0]["components"][0]


def modal_submit(fake: FakeDiscord, custom_id: str, code: str) -> dict:
    return fake.interaction(5, {"custom_id": custom_id, "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "code", "value": code}]}]})


async def test_the_list_has_a_button_per_challenge(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """`/challenge` answers with the list and one button per challenge."""
    itx = fake.interaction(2, {"id": "1", "name": "challenge", "type": 1})
    await fake.send_interaction(itx)
    body = await callback(fake, itx)
    assert custom_ids(body["data"]["components"]) == [f"ag:challenge {c.id}" for c in content_challenges()]


async def test_submit_opens_a_prefilled_form_and_the_verdict_is_ephemeral(
        bot: DiscordAdapter, fake: FakeDiscord, storage) -> None:
    """Submit opens the form with the starter; after a ❌ with the last attempt; ✅ is ephemeral."""
    starter = content_challenges().by_id["fix-blocking"].starter
    button = [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Submit",
                                          "custom_id": "ag:submit fix-blocking"}]}]
    click = fake.interaction(3, {"custom_id": "ag:submit fix-blocking", "component_type": 2},
                             message=fake.bot_message(components=button))
    await fake.send_interaction(click)
    form = await callback(fake, click)
    assert form["type"] == 9 and form["data"]["custom_id"] == "agm:submit:code:fix-blocking"
    assert modal_field(form)["value"] == starter[:4000]
    wrong = starter.replace("time.sleep(1)", "time.sleep(1)  # still blocking")
    sent = modal_submit(fake, "agm:submit:code:fix-blocking", wrong)
    await fake.send_interaction(sent)
    deferred = await callback(fake, sent)
    assert deferred["type"] == 5 and deferred["data"]["flags"] & EPHEMERAL
    verdict = await final(fake, sent)
    assert verdict["title"].startswith("❌") and "blocked-loop" in verdict["title"]
    again = fake.interaction(2, {"id": "1", "name": "submit", "type": 1, "options": [
        {"name": "id", "type": 3, "value": "fix-blocking"}]})
    await fake.send_interaction(again)
    form = await callback(fake, again)
    assert modal_field(form)["value"] == wrong.strip("\n")  # the last attempt, to fix
    right = modal_submit(fake, "agm:submit:code:fix-blocking", FIXED)
    await fake.send_interaction(right)
    verdict = await final(fake, right)
    assert verdict["title"].startswith("✅")
    assert "Reference solution" in str(verdict)
    stats = fake.interaction(2, {"id": "1", "name": "stats", "type": 1})
    await fake.send_interaction(stats)
    body = await callback(fake, stats)
    assert "Challenges: 1 solved / 1 try kiye" in body["data"]["embeds"][0]["description"]


async def test_submit_code_on_a_posted_block_asks_which_challenge(bot: DiscordAdapter,
                                                                  fake: FakeDiscord) -> None:
    """The message command offers every challenge, the last opened one by default, then grades."""
    opened = fake.interaction(2, {"id": "1", "name": "challenge", "type": 1, "options": [
        {"name": "id", "type": 3, "value": "fix-blocking"}]})
    await fake.send_interaction(opened)
    await callback(fake, opened)
    posted = fake.bot_message(content="mine:\n```py\n" + FIXED + "```", author=fake.user())
    itx = fake.interaction(2, {"id": "2", "name": "Submit code", "type": 3, "target_id": posted["id"],
                               "resolved": {"messages": {posted["id"]: posted}}})
    await fake.send_interaction(itx)
    ask = await callback(fake, itx)
    assert ask["type"] == 4 and ask["data"]["flags"] & EPHEMERAL
    select = ask["data"]["components"][0]["components"][0]
    assert [o["value"] for o in select["options"]] == [c.id for c in content_challenges()]
    assert [o["value"] for o in select["options"] if o.get("default")] == ["fix-blocking"]
    message = fake.messages["@original:" + itx["token"]]
    pick = fake.interaction(3, {"custom_id": select["custom_id"], "component_type": 3,
                                "values": ["fix-blocking"]}, message=message)
    await fake.send_interaction(pick)
    verdict = await final(fake, pick)
    assert verdict["title"].startswith("✅"), verdict


async def test_the_id_of_submit_is_autocompleted_from_the_challenges(bot: DiscordAdapter,
                                                                     fake: FakeDiscord) -> None:
    """Typing part of an id or title offers the matching challenges (at most 25)."""
    itx = fake.interaction(4, {"id": "1", "name": "submit", "type": 1, "options": [
        {"name": "id", "type": 3, "value": "await", "focused": True}]})
    await fake.send_interaction(itx)
    body = await callback(fake, itx)
    assert body["type"] == 8
    values = [c["value"] for c in body["data"]["choices"]]
    assert "missing-await" in values and "await-outside" in values and "starvation" not in values
