"""The real discord.py client, running the adapter against the fake Discord server."""

from __future__ import annotations

import asyncio

import discord.client
import pytest
from discord.backoff import ExponentialBackoff
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters import registry
from bot.adapters.base import AdapterFatal
from bot.adapters.discord import DiscordAdapter, point_at
from bot.adapters.discord._adapter import CLOSE_TIMEOUT
from bot.core.app import Core, TargetGone
from bot.core.types import ChatKind, ChatRef, Reply
from bot.settings import DiscordSettings, Settings
from tests.adapters.discord.conftest import running, settings_for
from tests.adapters.discord.fake_discord import APP_ID, CHANNEL_ID, FakeDiscord


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


def _slash(name: str, **options: str) -> dict:
    return {"id": "1", "name": name, "type": 1,
            "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()]}


def _buttons(*custom_ids: str) -> list[dict]:
    return [{"type": 1, "components": [{"type": 2, "style": 2, "label": c[-20:], "custom_id": c}
                                       for c in custom_ids]}]


async def _callback(fake: FakeDiscord, itx: dict) -> dict:
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    return call.json


async def test_commands_synced_once_then_not_again(core: Core, fake: FakeDiscord) -> None:
    """A fresh database syncs the commands; a restart with unchanged specs does not PUT again."""
    for _ in range(2):
        adapter = DiscordAdapter(settings_for(fake), core)
        async with running(adapter, fake):
            pass
        fake._identified.clear()
    puts = fake.find("PUT", f"/applications/{APP_ID}/commands")
    assert len(puts) == 1
    names = {c["name"] for c in puts[0].json}
    assert {"term", "learn", "help", "snippet", "Snippet code"} <= names
    assert "tally" not in names  # hidden specs stay out of the menu


async def test_dev_guild_sync_goes_to_that_guild(core: Core, fake: FakeDiscord) -> None:
    """With DISCORD__DEV_GUILD_ID the commands are synced to that guild only."""
    adapter = DiscordAdapter(settings_for(fake, dev_guild_id=42), core)
    async with running(adapter, fake):
        pass
    assert fake.find("PUT", f"/applications/{APP_ID}/guilds/42/commands")
    assert not fake.find("PUT", f"/applications/{APP_ID}/commands")


async def test_bad_token_is_fatal(core: Core, fake: FakeDiscord) -> None:
    """A token Discord answers with 401 stops the adapter with AdapterFatal."""
    adapter = DiscordAdapter(settings_for(fake, token="not-the-token"), core)
    with pytest.raises(AdapterFatal, match="401"):
        await asyncio.wait_for(adapter.run(), 10)


async def test_cancel_closes_the_client(core: Core, fake: FakeDiscord) -> None:
    """Cancelling run() closes the discord.py client and returns."""
    adapter = DiscordAdapter(settings_for(fake), core)
    async with running(adapter, fake) as task:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert adapter.client is not None and adapter.client.is_closed()


async def test_autocomplete_answers_at_most_25_terms(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """An autocomplete interaction for /term is answered with <= 25 card choices."""
    itx = fake.interaction(4, {"id": "1", "name": "term", "type": 1, "options": [
        {"name": "term", "type": 3, "value": "awa", "focused": True}]})
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert choices[0]["value"] == "await"


async def test_autocomplete_offers_level_two_by_api_spelling(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Typing `wait_f` in /term suggests the timeouts card (asyncio.wait_for) first."""
    itx = fake.interaction(4, {"id": "1", "name": "term", "type": 1, "options": [
        {"name": "term", "type": 3, "value": "wait_f", "focused": True}]})
    await fake.send_interaction(itx)
    choices = (await _callback(fake, itx))["data"]["choices"]
    assert choices[0]["value"] == "timeouts"


async def test_empty_autocomplete_lists_terms(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """An empty query suggests the curriculum's terms, never more than 25."""
    itx = fake.interaction(4, {"id": "1", "name": "term", "type": 1, "options": [
        {"name": "term", "type": 3, "value": "", "focused": True}]})
    await fake.send_interaction(itx)
    choices = (await _callback(fake, itx))["data"]["choices"]
    assert choices[0]["value"] == "sync" and len(choices) <= 25


async def test_card_has_persistent_buttons(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A card's buttons carry their command line in an ag: custom id."""
    itx = fake.interaction(2, _slash("term", term="await"))
    await fake.send_interaction(itx)
    rows = (await _callback(fake, itx))["data"]["components"]
    ids = [c["custom_id"] for row in rows for c in row["components"]]
    assert "ag:term event-loop" in ids and all(i.startswith("ag:") for i in ids)


async def test_button_click_runs_its_command(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Clicking an ag: button (from before a restart too) runs its command for the clicker."""
    message = fake.bot_message(components=_buttons("ag:term await"))
    itx = fake.interaction(3, {"custom_id": "ag:term await", "component_type": 2},
                           message=message)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 4
    assert "await" in body["data"]["embeds"][0]["title"].lower()


async def test_foreign_button_gets_polite_ephemeral(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A button this bot does not know is answered privately, never left to fail."""
    message = fake.bot_message(components=_buttons("someone-else:42"))
    itx = fake.interaction(3, {"custom_id": "someone-else:42", "component_type": 2},
                           message=message)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 4 and body["data"]["flags"] & 64
    assert "button" in body["data"]["content"].lower()


async def test_edit_source_updates_clicked_message(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A private answer goes to the clicker; the tally replaces the clicked message."""
    message = fake.bot_message(components=_buttons("ag:tally a"))
    itx = fake.interaction(3, {"custom_id": "ag:tally a", "component_type": 2}, message=message)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 4 and body["data"]["flags"] & 64
    [edit] = await fake.wait_for("PATCH", f"/channels/{message['channel_id']}/messages/{message['id']}")
    assert "tally: 1" in edit.json["embeds"][0]["description"]


async def test_long_running_defers_then_edits(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A long-running command defers first, then its progress and result edit the response."""
    itx = fake.interaction(2, _slash("slow"))
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 5
    edits = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original",
                                count=2)
    assert "working" in edits[0].json["embeds"][0]["description"]
    assert edits[-1].json["embeds"][0]["title"] == "slow"


async def test_everyone_in_user_text_pings_nobody(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """User text echoed back with @everyone goes out with allowed_mentions parse []."""
    itx = fake.interaction(2, _slash("term", term="@everyone zzzz"))
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert "@everyone" in body["data"]["embeds"][0]["description"]


async def test_delivered_post_pings_nobody(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A post the bot starts itself (core.deliver) is sent with mentions disabled."""
    assert bot.client is not None
    await asyncio.wait_for(bot.client.wait_until_ready(), 10)
    chat = ChatRef("discord", CHANNEL_ID, ChatKind.GROUP)
    await bot.core.deliver(chat, Reply.text("@everyone daily quiz time"))
    [post] = await fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    assert post.json["allowed_mentions"] == {"parse": []}
    assert "@everyone" in post.json["embeds"][0]["description"]


async def test_a_post_to_an_uncached_channel_is_one_request(bot: DiscordAdapter,
                                                            fake: FakeDiscord) -> None:
    """A channel the client has not cached is posted to by id, not fetched first (a fan-out to
    thousands of channels would make twice the requests); a channel that is not a text channel
    answers 400/50008 and is gone for the scheduler."""
    assert bot.client is not None
    await asyncio.wait_for(bot.client.wait_until_ready(), 10)
    uncached = "1555000000000000001"
    assert bot.client.get_channel(int(uncached)) is None
    await bot.core.deliver(ChatRef("discord", uncached, ChatKind.GROUP), Reply.text("quiz time"))
    assert len(fake.find("POST", f"/channels/{uncached}/messages")) == 1
    assert not [r for r in fake.requests if r.method == "GET" and uncached in r.path]
    fake.voice_channels.add(uncached)
    with pytest.raises(TargetGone, match="not a text channel"):
        await bot.core.deliver(ChatRef("discord", uncached, ChatKind.GROUP), Reply.text("again"))


async def test_guild_admin_and_dm(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Manage Server makes a guild member admin; a DM is a private chat whose user is admin."""
    cases = [(dict(guild=True, admin=False), "kind=group admin=False"),
             (dict(guild=True, admin=True), "kind=group admin=True"),
             (dict(guild=False), "kind=private admin=True")]
    for kwargs, expected in cases:
        itx = fake.interaction(2, _slash("probe"), **kwargs)
        await fake.send_interaction(itx)
        body = await _callback(fake, itx)
        assert expected in body["data"]["embeds"][0]["description"]


async def test_multiline_option_opens_modal(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A command whose multi-line option is missing opens a modal with a paragraph field."""
    itx = fake.interaction(2, _slash("snippet"))
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 9
    assert body["data"]["custom_id"] == "agm:snippet:code"
    field = body["data"]["components"][0]["components"][0]
    assert field["style"] == 2 and field["custom_id"] == "code"


async def test_modal_submit_runs_code_verbatim(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """Submitting the modal runs the command with the code, newlines kept."""
    code = "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)"
    itx = fake.interaction(5, {"custom_id": "agm:snippet:code", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "code", "value": code}]}]})
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert f"```py\n{code}\n```" == body["data"]["embeds"][0]["description"]


async def test_context_menu_runs_code_block(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """The message command "Snippet code" runs the code block of the targeted message."""
    posted = fake.bot_message(content="look:\n```python\nprint('hi')\nprint(2)\n```",
                              author=fake.user())
    itx = fake.interaction(2, {"id": "2", "name": "Snippet code", "type": 3,
                               "target_id": posted["id"],
                               "resolved": {"messages": {posted["id"]: posted}}})
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["data"]["embeds"][0]["description"] == "```py\nprint('hi')\nprint(2)\n```"


async def test_context_menu_without_code_is_explained(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A targeted message with no text gets a friendly private explanation."""
    posted = fake.bot_message(content="", author=fake.user())
    itx = fake.interaction(2, {"id": "2", "name": "Snippet code", "type": 3,
                               "target_id": posted["id"],
                               "resolved": {"messages": {posted["id"]: posted}}})
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["data"]["flags"] & 64
    assert "code" in body["data"]["embeds"][0]["description"]


async def test_quick_progress_is_edited_in_place(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A progress reply is sent, then the next reply edits that same message."""
    itx = fake.interaction(2, _slash("steps"))
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 4 and "step 1" in body["data"]["embeds"][0]["description"]
    [edit] = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
    assert edit.json["embeds"][0]["title"] == "steps"


async def test_private_answer_after_public_defer(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A private reply to a publicly deferred command goes ephemeral; "thinking…" is removed."""
    itx = fake.interaction(2, _slash("oops"))
    await fake.send_interaction(itx)
    assert (await _callback(fake, itx))["type"] == 5
    [followup] = await fake.wait_for("POST", f"/webhooks/{APP_ID}/{itx['token']}")
    assert followup.json["flags"] & 64
    assert await fake.wait_for("DELETE", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")


def test_host_builds_the_adapter_when_token_set(core: Core, fake: FakeDiscord) -> None:
    """The registry builds the Discord adapter for a set token, registers delivery, and
    probes it through is_connected()."""
    settings = Settings(discord=settings_for(fake))
    [plugged] = [p for p in registry.build(settings, core) if p.adapter.name == "discord"]
    assert core.services.deliver.deliverer("discord") is plugged.adapter
    assert plugged.probe is not None and plugged.probe() is False  # not connected yet
    unset = Settings(discord=DiscordSettings())
    assert not [p for p in registry.build(unset, core) if p.adapter.name == "discord"]


async def test_slow_quick_command_is_deferred(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A command that is not marked long-running but turns slow is deferred, then filled."""
    itx = fake.interaction(2, _slash("sluggish"))
    await fake.send_interaction(itx)
    assert (await _callback(fake, itx))["type"] == 5
    [edit] = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
    assert edit.json["embeds"][0]["title"] == "sluggish"


async def test_delivery_refused_raises_target_gone(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A channel that answers 403 (after the plain-text retry) raises TargetGone: stop posting."""
    assert bot.client is not None
    await asyncio.wait_for(bot.client.wait_until_ready(), 10)
    fake.forbidden_channels.add(CHANNEL_ID)
    with pytest.raises(TargetGone):
        await bot.core.deliver(ChatRef("discord", CHANNEL_ID, ChatKind.GROUP), Reply.text("hi"))
    posts = fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    assert "embeds" in posts[0].json and "embeds" not in posts[-1].json


async def test_buttons_work_after_restart(core: Core, fake: FakeDiscord) -> None:
    """A button sent before a restart is answered by the next process."""
    first = DiscordAdapter(settings_for(fake), core)
    async with running(first, fake):
        itx = fake.interaction(2, _slash("term", term="await"))
        await fake.send_interaction(itx)
        sent = await _callback(fake, itx)
    fake._identified.clear()
    message = fake.bot_message(components=sent["data"]["components"])
    custom_id = sent["data"]["components"][0]["components"][-1]["custom_id"]
    second = DiscordAdapter(settings_for(fake), core)
    async with running(second, fake):
        click = fake.interaction(3, {"custom_id": custom_id, "component_type": 2}, message=message)
        await fake.send_interaction(click)
        body = await _callback(fake, click)
    assert body["type"] == 4 and body["data"]["embeds"][0]["title"]


async def test_failed_sync_is_retried_next_start(core: Core, fake: FakeDiscord) -> None:
    """A refused sync is logged and not remembered, so the next start syncs again."""
    fake.reject_commands = True
    for _ in range(2):
        async with running(DiscordAdapter(settings_for(fake), core), fake):
            pass
        fake._identified.clear()
    assert len(fake.find("PUT", f"/applications/{APP_ID}/commands")) == 2


async def test_unknown_form_gets_polite_answer(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A modal submit this bot does not know is answered privately."""
    itx = fake.interaction(5, {"custom_id": "other-form", "components": []})
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["data"]["flags"] & 64


async def test_edit_source_first_reply_updates_message(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """When the first reply replaces the source, the click is answered with UPDATE_MESSAGE."""
    message = fake.bot_message(components=_buttons("ag:vote"))
    itx = fake.interaction(3, {"custom_id": "ag:vote", "component_type": 2}, message=message)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 7
    assert body["data"]["embeds"][0]["description"] == "votes: 1"
    assert body["data"]["components"] == []


class _DeepOutageBackoff(ExponentialBackoff):
    """discord.py's backoff as it is after many failed reconnects: a minute per attempt."""

    def delay(self) -> float:
        return 60.0


async def test_cancel_during_outage_does_not_wait_out_backoff(
        core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    """With Discord gone, run() sits in discord.py's reconnect backoff; cancel still ends it."""
    monkeypatch.setattr(discord.client, "ExponentialBackoff", _DeepOutageBackoff)
    server = await FakeDiscord().start()
    adapter = DiscordAdapter(settings_for(server), core)
    task = asyncio.create_task(adapter.run())
    await server.wait_identified()
    await server.close()  # the outage: the gateway drops, reconnects are refused
    await asyncio.sleep(0.5)  # discord.py is now sleeping its 60 s backoff
    assert not task.done()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=CLOSE_TIMEOUT + 2)
    assert done and task.cancelled()


async def test_gateway_auth_failure_is_fatal(core: Core, fake: FakeDiscord) -> None:
    """A gateway close 4004 (authentication failed) also stops the adapter for good."""
    fake.reject_identify = True
    adapter = DiscordAdapter(settings_for(fake), core)
    with pytest.raises(AdapterFatal, match="4004"):
        await asyncio.wait_for(adapter.run(), 10)


def test_point_at_sets_and_restores_urls(fake: FakeDiscord) -> None:
    """REST base and gateway follow the settings; no gateway setting means Discord's own."""
    point_at(settings_for(fake))
    assert Route.BASE == fake.api_base
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
    point_at(DiscordSettings(token="x"))
    assert Route.BASE == "https://discord.com/api/v10"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"



async def _until(probe, expected: bool, seconds: float) -> None:
    """Poll a probe (it has no event to wait on) until it gives `expected`."""
    for _ in range(int(seconds / 0.02)):
        if probe() is expected:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still {not expected} after {seconds} s")


async def test_is_connected_follows_the_gateway(bot, fake):
    """is_connected() is true once READY, false while the gateway is down, true after resuming."""
    await _until(bot.is_connected, True, 10)
    await fake.drop_gateway(refuse_for=1.0)
    await _until(bot.is_connected, False, 5)
    await fake.wait_resumed(within=30)
    await _until(bot.is_connected, True, 10)


async def test_a_slash_command_reads_the_language_once(bot: DiscordAdapter, fake: FakeDiscord,
                                                       core: Core, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """The adapter reads the language for its own texts and hands it to the core: one read
    per command (with PostgreSQL each read is a round trip)."""
    reads: list[str] = []
    langs = core.services.prefs.langs

    async def counted(user_key: str, chat_key: str) -> tuple[str | None, str | None]:
        reads.append(user_key)
        return await langs(user_key, chat_key)

    monkeypatch.setattr(core.services.prefs, "langs", counted)
    itx = fake.interaction(2, _slash("term", term="await"))
    await fake.send_interaction(itx)
    assert "await" in (await _callback(fake, itx))["data"]["embeds"][0]["title"].lower()
    assert len(reads) == 1


async def test_a_slash_command_is_timed_to_its_first_reply(bot: DiscordAdapter,
                                                           fake: FakeDiscord) -> None:
    """/term adds one observation to its reply histogram (asyncguru_reply_seconds)."""
    itx = fake.interaction(2, _slash("term", term="await"))
    await fake.send_interaction(itx)
    await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    histogram = bot.core.runtime.replies.histogram("term")
    assert histogram.count == 1 and 0 < histogram.sum < 30
