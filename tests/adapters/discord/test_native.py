"""Discord-native shapes through the real discord.py client and the fake Discord: /daily as
subcommands with a fuzzy zone autocomplete and <t:…> times, a daily post set in a thread,
descriptions in both voices in the synced commands, the dev server's commands cleared once it
is unset, /lang's named choices, /demo's autocomplete, a group DM reached by a user install, and
quiz posts that never ask to type /answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from bot.core.demos import load_demos
from bot.core.i18n import t
from tests.adapters.discord.conftest import running, settings_for
from tests.adapters.discord.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    THREAD_ID,
    USER_ID,
    FakeDiscord,
)
from tests.conftest import daily_of, rewire
from tests.core.features.conftest import FakeClock

EPHEMERAL = 1 << 6
START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 07:30 in Kolkata
DUE = int(datetime(2026, 11, 25, 3, 30, tzinfo=UTC).timestamp())  # 09:00 in Kolkata, today
CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture
async def bot(core: Core, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    rewire(core, clock=FakeClock(START))
    adapter = DiscordAdapter(settings_for(fake), core)
    async with running(adapter, fake):
        assert adapter.client is not None
        await adapter.client.wait_until_ready()
        yield adapter


async def _callback(fake: FakeDiscord, itx: dict[str, Any]) -> dict[str, Any]:
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    return call.json


async def _ask(fake: FakeDiscord, kind: int, data: dict[str, Any], **where: Any) -> dict[str, Any]:
    itx = fake.interaction(kind, {"id": "1", "type": 1, **data}, **where)
    await fake.send_interaction(itx)
    return await _callback(fake, itx)


def _text(data: dict[str, Any]) -> str:
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(parts)


def _daily_set(*, focused: str | None = None, **values: str) -> dict[str, Any]:
    options = [{"name": k, "type": 7 if k == "channel" else 3, "value": v,
                **({"focused": True} if k == focused else {})} for k, v in values.items()]
    return {"name": "daily", "options": [{"type": 1, "name": "set", "options": options}]}


async def test_daily_set_autocompletes_a_misspelt_zone_and_answers_with_discord_times(
        bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """"kolkatta" offers Asia/Kolkata; setting it answers with <t:…:f> and <t:…:R> of 09:00
    Kolkata, which each viewer's client shows in their own zone."""
    suggested = await _ask(fake, 4, _daily_set(time="09:00", zone="kolkatta", focused="zone"), admin=True)
    assert suggested["type"] == 8
    assert suggested["data"]["choices"][0] == {"name": "Asia/Kolkata (UTC+05:30)", "value": "Asia/Kolkata"}

    body = await _ask(fake, 2, _daily_set(time="09:00", zone="Asia/Kolkata"), admin=True)
    text = _text(body["data"])
    assert f"<t:{DUE}:f>" in text and f"<t:{DUE}:R>" in text
    assert t("hi", "daily_set_ok", time="09:00", tz="Asia/Kolkata") in text
    target = await core.services.daily.daily_target(f"discord:{CHANNEL_ID}")
    assert target is not None and target.tz == "Asia/Kolkata"

    status = await _ask(fake, 2, {"name": "daily", "options": [{"type": 1, "name": "status"}]})
    assert f"<t:{DUE}:f>" in _text(status["data"])  # a member may read it, in their own time


async def test_daily_set_in_a_thread_posts_in_that_thread(bot: DiscordAdapter, fake: FakeDiscord,
                                                          core: Core) -> None:
    """A channel option naming a thread schedules the thread; the post goes to it."""
    data = _daily_set(time="09:00", zone="Asia/Kolkata", channel=THREAD_ID)
    data["resolved"] = {"channels": {THREAD_ID: fake.resolved_channel(THREAD_ID)}}
    body = await _ask(fake, 2, data, admin=True)
    assert t("hi", "daily_set_elsewhere", time="09:00", tz="Asia/Kolkata") in _text(body["data"])
    assert await core.services.daily.daily_target(f"discord:{CHANNEL_ID}") is None
    rewire(core, clock=FakeClock(datetime(2026, 11, 25, 3, 30, tzinfo=UTC)))
    assert await daily_of(core).run_due() == 1  # type: ignore[attr-defined]
    [recap, post] = await fake.wait_for("POST", f"/channels/{THREAD_ID}/messages", count=2)
    assert "/answer" not in _text(recap.json) + _text(post.json) and post.json["components"]


async def test_inside_shows_the_chats_next_post_as_a_discord_time(bot: DiscordAdapter, fake: FakeDiscord,
                                                                   core: Core) -> None:
    """/inside gives this channel's next daily post as <t:…:f> (<t:…:R>), each viewer's own
    zone, not the chat zone's text."""
    await _ask(fake, 2, _daily_set(time="09:00", zone="Asia/Kolkata"), admin=True)
    body = await _ask(fake, 2, {"name": "inside"})
    text = _text(body["data"])
    assert f"<t:{DUE}:f> (<t:{DUE}:R>)" in text and "Asia/Kolkata (03:30 UTC)" not in text


async def test_the_zone_guess_button_sets_the_thread_that_was_chosen(bot: DiscordAdapter,
                                                                     fake: FakeDiscord, core: Core) -> None:
    """/daily set in a thread with a misspelt zone: the guess button's click schedules the
    thread at the asked time, not the channel the command was run in."""
    data = _daily_set(time="07:45", zone="kolkatta", channel=THREAD_ID)
    data["resolved"] = {"channels": {THREAD_ID: fake.resolved_channel(THREAD_ID)}}
    body = await _ask(fake, 2, data, admin=True)
    assert body["data"]["flags"] & EPHEMERAL and "Asia/Kolkata" in _text(body["data"])
    [custom_id] = [c["custom_id"] for row in body["data"]["components"] for c in row["components"]]
    assert custom_id == f"ag:daily set 07:45 Asia/Kolkata #{THREAD_ID}"
    assert await core.services.daily.daily_target(f"discord:{THREAD_ID}") is None

    message = fake.bot_message(components=body["data"]["components"])
    click = await _ask(fake, 3, {"custom_id": custom_id, "component_type": 2}, admin=True, message=message)
    assert t("hi", "daily_set_elsewhere", time="07:45", tz="Asia/Kolkata") in _text(click["data"])
    target = await core.services.daily.daily_target(f"discord:{THREAD_ID}")
    assert target is not None and (target.at_time, target.tz) == ("07:45", "Asia/Kolkata")
    assert await core.services.daily.daily_target(f"discord:{CHANNEL_ID}") is None


async def test_a_channel_discord_did_not_resolve_is_ignored(bot: DiscordAdapter, fake: FakeDiscord,
                                                            core: Core) -> None:
    """A channel value without Discord's resolved channel is not trusted: here is scheduled."""
    await _ask(fake, 2, _daily_set(time="09:00", zone="UTC", channel="1300000000000000999"), admin=True)
    assert await core.services.daily.daily_target("discord:1300000000000000999") is None
    assert await core.services.daily.daily_target(f"discord:{CHANNEL_ID}") is not None


async def test_members_may_read_daily_status_but_not_set_it(bot: DiscordAdapter, fake: FakeDiscord,
                                                            core: Core) -> None:
    """The rights are the core's, per subcommand: a member's set is refused, privately."""
    body = await _ask(fake, 2, _daily_set(time="09:00", zone="UTC"))
    assert body["data"]["flags"] & EPHEMERAL and t("hi", "admin_only") in _text(body["data"])


async def test_synced_commands_carry_both_voices(bot: DiscordAdapter, fake: FakeDiscord,
                                                 core: Core) -> None:
    """What Discord stored: Hinglish descriptions with English under en-US/en-GB, down to
    subcommands, options and choices."""
    daily = next(c for c in fake.commands["global"] if c["name"] == "daily")
    help_ = core.router.get("daily").help
    assert daily["description"] == help_.hi
    assert daily["description_localizations"] == {"en-US": help_.en, "en-GB": help_.en}
    [zone] = [o for sub in daily["options"] if sub["name"] == "set" for o in sub["options"]
              if o["name"] == "zone"]
    assert zone["description_localizations"]["en-GB"].startswith("time zone")
    lang = next(c for c in fake.commands["global"] if c["name"] == "lang")
    scope = next(o for o in lang["options"] if o["name"] == "scope")
    assert [c["name_localizations"]["en-US"] for c in scope["choices"]] == [
        "Just me", "This server / group (admins)"]


async def test_unsetting_the_dev_server_clears_its_commands(core: Core, fake: FakeDiscord) -> None:
    """Synced to the dev server, then started without it: that server's list is emptied (no
    doubled commands) and forgotten, and the global list is synced."""
    dev = DiscordAdapter(settings_for(fake, dev_guild_id=int(GUILD_ID)), core)
    async with running(dev, fake):
        pass
    assert fake.commands[f"guild:{GUILD_ID}"]
    fake._identified.clear()
    async with running(DiscordAdapter(settings_for(fake), core), fake):
        pass
    assert fake.commands[f"guild:{GUILD_ID}"] == [] and fake.commands["global"]
    assert list(await core.services.platform.platform_values(f"discord.commands:{APP_ID}:")) == ["global"]
    puts = len(fake.find("PUT", f"/guilds/{GUILD_ID}/commands"))
    fake._identified.clear()
    async with running(DiscordAdapter(settings_for(fake), core), fake):
        pass
    assert len(fake.find("PUT", f"/guilds/{GUILD_ID}/commands")) == puts  # once is enough


async def test_lang_takes_a_named_choice_and_a_scope(bot: DiscordAdapter, fake: FakeDiscord,
                                                     core: Core) -> None:
    """An admin's `/lang language:en scope:me` changes only their own language."""
    await _ask(fake, 2, {"name": "lang", "options": [{"name": "language", "type": 3, "value": "en"},
                                                     {"name": "scope", "type": 3, "value": "me"}]},
               admin=True)
    assert await core.services.prefs.user_lang(f"discord:{USER_ID}") == "en"
    assert await core.services.prefs.chat_lang(f"discord:{CHANNEL_ID}") is None
    await _ask(fake, 2, {"name": "lang", "options": [{"name": "language", "type": 3, "value": "en"},
                                                     {"name": "scope", "type": 3, "value": "chat"}]},
               admin=True)
    assert await core.services.prefs.chat_lang(f"discord:{CHANNEL_ID}") == "en"


async def test_demo_autocompletes_its_demos(bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """/demo suggests the demos whose id or title matches what is typed."""
    rewire(core, demos=load_demos(CONTENT))
    demo = next(iter(core.services.demos.values()))
    body = await _ask(fake, 4, {"name": "demo", "options": [
        {"name": "demo", "type": 3, "value": demo.id[:5], "focused": True}]})
    assert demo.id in [c["value"] for c in body["data"]["choices"]]


async def test_a_group_dm_reached_by_user_install_is_a_group_without_admins(
        bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """In a group DM (context 2) others are present: a group chat where nobody is admin."""
    body = await _ask(fake, 2, {"name": "probe"}, guild=False, group_dm=True)
    assert "kind=group admin=False" in _text(body["data"])
    dm = await _ask(fake, 2, {"name": "probe"}, guild=False)
    assert "kind=private admin=True" in _text(dm["data"])


async def test_quiz_posts_never_ask_to_type_answer(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """On Discord a question is answered by its buttons; "/answer" appears nowhere."""
    body = await _ask(fake, 2, {"name": "quiz", "options": [{"type": 1, "name": "ask"}]})
    assert body["data"]["components"] and "/answer" not in _text(body["data"])
    assert t("hi", "quiz_how") not in _text(body["data"])


async def test_demo_alone_offers_a_button_for_every_demo(bot: DiscordAdapter, fake: FakeDiscord,
                                                         core: Core) -> None:
    """/demo lists the 19 demos two a row (Telegram's phone width): on Discord every one of
    them is a button of the reply, within Discord's 5 rows of 5."""
    rewire(core, demos=load_demos(CONTENT))
    itx = fake.interaction(2, {"id": "1", "type": 1, "name": "demo"})
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    if body["type"] == 5:  # /demo may run long: deferred, then the list fills the response
        [edit] = await fake.wait_for("PATCH", f"/webhooks/{APP_ID}/{itx['token']}/messages/@original")
        rows = edit.json["components"]
    else:
        rows = body["data"]["components"]
    assert len(rows) <= 5 and all(len(r["components"]) <= 5 for r in rows)
    ids = [c["custom_id"] for r in rows for c in r["components"]]
    assert ids == [f"ag:demo {demo_id}" for demo_id in core.services.demos]
    assert len(ids) == 19
