"""/quiz on Discord: subcommands (ask, round, stop) synced from the core's spec, and a timed
round through the real discord.py client and the fake Discord: buttons with a deadline, the
answer revealed by editing the channel message, then the scoreboard."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.discord._commands import INTEGER, STRING, SUB_COMMAND
from bot.core.app import Core
from bot.core.features._rounds import ROUND_SECONDS, RoundRunner
from tests.adapters.discord.conftest import running, settings_for
from tests.adapters.discord.fake_discord import CHANNEL_ID, FakeDiscord
from tests.conftest import rewire
from tests.core.features.conftest import FakeClock

EPHEMERAL = 1 << 6
GROUP_KEY = f"discord:{CHANNEL_ID}"
ALICE = {"id": "1400000000000000011", "username": "alice", "discriminator": "0",
         "global_name": "Alice", "avatar": None, "bot": False}
BOB = {"id": "1400000000000000012", "username": "bob", "discriminator": "0",
       "global_name": "Bob", "avatar": None, "bot": False}


@pytest.fixture
async def bot(core: Core, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(settings_for(fake), core)
    async with running(adapter, fake):
        assert adapter.client is not None
        await asyncio.wait_for(adapter.client.wait_until_ready(), 10)
        yield adapter


def _quiz(sub: str, **options: Any) -> dict[str, Any]:
    typed = [{"name": k, "type": INTEGER if isinstance(v, int) else STRING, "value": v}
             for k, v in options.items()]
    return {"id": "1", "name": "quiz", "type": 1,
            "options": [{"type": SUB_COMMAND, "name": sub, "options": typed}]}


async def _invoke(fake: FakeDiscord, data: dict[str, Any], *, user=ALICE, admin=False,
                  message: dict[str, Any] | None = None, kind: int = 2) -> dict[str, Any]:
    itx = fake.interaction(kind, data, admin=admin, user=user, message=message)
    await fake.send_interaction(itx)
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    return call.json


def _text(data: dict[str, Any]) -> str:
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(parts)


def _runner(core: Core) -> RoundRunner:
    return next(s for s in core.services_to_run() if isinstance(s, RoundRunner))


async def test_quiz_is_synced_as_ask_round_and_stop(bot: DiscordAdapter, fake: FakeDiscord) -> None:
    """A command with subcommands takes no options of its own: each form is a subcommand."""
    [quiz] = [c for cmds in fake.commands.values() for c in cmds if c["name"] == "quiz"]
    subs = {o["name"]: o for o in quiz["options"]}
    assert list(subs) == ["ask", "round", "stop"]
    assert all(o["type"] == SUB_COMMAND for o in quiz["options"])
    assert [(o["name"], o["type"]) for o in subs["round"]["options"]] == [("n", INTEGER),
                                                                         ("term", STRING)]
    assert subs["ask"]["options"][0]["autocomplete"] is True and subs["stop"]["options"] == []


async def test_ask_with_a_term_posts_that_terms_question(bot: DiscordAdapter, fake: FakeDiscord,
                                                         core: Core) -> None:
    """`/quiz ask term:await` is the single question of that term."""
    body = await _invoke(fake, _quiz("ask", term="await"))
    ids = [c["custom_id"] for row in body["data"]["components"] for c in row["components"]]
    post = await core.services.quiz.quiz_post(int(ids[0].split()[1]))
    assert core.services.quiz_bank.by_id[post.question_id].term == "await"


async def test_autocomplete_inside_a_subcommand_offers_terms(bot: DiscordAdapter,
                                                             fake: FakeDiscord) -> None:
    """Typing the term of `/quiz round` gets term suggestions."""
    data = {"id": "1", "name": "quiz", "type": 1, "options": [
        {"type": SUB_COMMAND, "name": "round", "options": [
            {"name": "term", "type": STRING, "value": "awa", "focused": True}]}]}
    body = await _invoke(fake, data, kind=4)
    assert "await" in [c["value"] for c in body["data"]["choices"]]


async def test_a_round_posts_buttons_with_a_deadline_then_reveals_by_editing(
        bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """A click in time counts, one after the deadline is refused, the message is edited to the
    answer without buttons, and the round ends with its board in the channel."""
    clock = FakeClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    rewire(core, clock=clock)
    started = await _invoke(fake, _quiz("round", n=3, term="await"))
    assert not started["data"].get("flags", 0) & EPHEMERAL and "3" in _text(started["data"])
    runner = _runner(core)
    await runner.tick()
    [post] = await fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
    assert f"{ROUND_SECONDS}" in _text(post.json) and "1/3" in _text(post.json)
    deadline = int(clock.now().timestamp()) + ROUND_SECONDS
    assert f"<t:{deadline}:R>" in _text(post.json)  # a live countdown in each viewer's client
    message = next(m for m in fake.messages.values()
                   if m.get("components") and m["components"] == post.json["components"])
    ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
    clicked = await _invoke(fake, {"custom_id": ids[0], "component_type": 2}, kind=3,
                            message=message)
    assert clicked["data"]["flags"] & EPHEMERAL
    clock.advance(seconds=ROUND_SECONDS + 4)
    late = await _invoke(fake, {"custom_id": ids[1], "component_type": 2}, kind=3, user=BOB,
                         message=message)
    assert "time khatam" in _text(late["data"]).lower()
    await runner.tick()
    # One edit: the reveal, with the tally (the answers themselves do not edit a timed question).
    [edit] = await fake.wait_for("PATCH", f"/channels/{CHANNEL_ID}/messages/{message['id']}")
    assert "1 jawab" in _text(edit.json)
    assert "Time khatam" in _text(edit.json) and not edit.json.get("components")
    for _ in range(2):
        clock.advance(seconds=ROUND_SECONDS + 4)
        await runner.tick()
    posts = await fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages", count=3)
    assert "scoreboard" in _text(posts[-1].json) and "Alice" in _text(posts[-1].json)
    assert (await core.services.quiz.score(GROUP_KEY, f"discord:{ALICE['id']}")).answered == 1


async def test_stop_is_refused_to_another_member_and_allowed_to_the_starter(
        bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """Bob may not stop Alice's round; Alice may."""
    await _invoke(fake, _quiz("round"))
    refused = await _invoke(fake, _quiz("stop"), user=BOB)
    assert refused["data"]["flags"] & EPHEMERAL and "admin" in _text(refused["data"])
    stopped = await _invoke(fake, _quiz("stop"))
    assert "scoreboard" in _text(stopped["data"])
    assert await core.services.quiz.round_running(GROUP_KEY) is None
