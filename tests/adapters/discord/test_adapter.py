"""The real discord.py client, running the adapter against the fake Discord server."""

from __future__ import annotations

from bot.adapters.discord import DiscordAdapter
from tests.adapters.discord.fake_discord import FakeDiscord


async def test_logs_in_and_identifies(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """The client logs in with GET /users/@me and identifies at the configured gateway."""
    assert fake.find("GET", "/users/@me")
    assert fake.identifies and fake.identifies[0]["token"] == fake.token


async def test_term_await_answered_with_card(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """/term await is answered through the interaction callback with the await card embed."""
    itx = fake.interaction(2, {"id": "1", "name": "term", "type": 1,
                               "options": [{"name": "term", "type": 3, "value": "await"}]})
    await fake.send_interaction(itx)
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    assert call.json["type"] == 4
    embed = call.json["data"]["embeds"][0]
    assert "await" in embed["title"].lower()
    assert embed["url"].startswith("https://docs.python.org")
    assert call.json["data"]["allowed_mentions"] == {"parse": []}
