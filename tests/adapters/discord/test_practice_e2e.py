"""Practice end to end through the real discord.py client and the fake Discord: /quiz and its
answer buttons, /stats, /leaderboard, /daily set|status|now, scheduled daily posts through
core.deliver (a 403 disables the schedule), buttons that survive a restart, and /practice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from bot.core.i18n import t
from tests.adapters.discord.conftest import running, settings_for
from tests.adapters.discord.fake_discord import CHANNEL_ID, FakeDiscord
from tests.conftest import daily_of, rewire
from tests.core.features.conftest import FakeClock

EPHEMERAL = 1 << 6
GROUP_KEY = f"discord:{CHANNEL_ID}"
# 02:00 UTC = 07:30 in Kolkata: a 09:00 Asia/Kolkata schedule is due at 03:30 UTC today.
START = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
ALICE = {"id": "1400000000000000011", "username": "alice", "discriminator": "0",
         "global_name": "**A** <b>x</b>", "avatar": None, "bot": False}
BOB = {"id": "1400000000000000012", "username": "bob", "discriminator": "0",
       "global_name": "@everyone", "avatar": None, "bot": False}


@pytest.fixture
async def bot(core: Core, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    """The adapter with its real 2 s safety defer: these tests look at the first response, which
    a busy test machine must not turn into a deferral."""
    adapter = DiscordAdapter(settings_for(fake), core)
    async with running(adapter, fake):
        yield adapter


def _slash(name: str, **options: str) -> dict[str, Any]:
    return {"id": "1", "name": name, "type": 1,
            "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()]}


async def _callback(fake: FakeDiscord, itx: dict[str, Any]) -> dict[str, Any]:
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    return call.json


def _text(data: dict[str, Any]) -> str:
    """Everything a user reads in a message payload (content, embed titles and texts)."""
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(parts)


def _answer_ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["custom_id"] for row in components for c in row["components"]
            if c["custom_id"].startswith("ag:answer ")]


async def _right_and_wrong(core: Core, custom_ids: list[str]) -> tuple[str, str]:
    """The custom ids of the right answer and of one wrong answer of a posted question."""
    post_id = int(custom_ids[0].split()[1])
    post = await core.services.quiz.quiz_post(post_id)
    assert post is not None
    q = core.services.quiz_bank.by_id[post.question_id].question  # type: ignore[attr-defined]
    right = post.shown(q.answer, len(q.choices))  # the buttons follow the post's own order
    by_choice = {int(c.split()[2]): c for c in custom_ids}
    return by_choice[right], next(c for n, c in by_choice.items() if n != right)


async def _click(fake: FakeDiscord, custom_id: str, message: dict[str, Any], *,
                 user: dict[str, Any] | None = None, guild: bool = True) -> dict[str, Any]:
    itx = fake.interaction(3, {"custom_id": custom_id, "component_type": 2}, guild=guild,
                           message=message, user=user)
    await fake.send_interaction(itx)
    return itx


async def _quiz_in_channel(fake: FakeDiscord) -> tuple[dict[str, Any], list[str]]:
    """/quiz in the server channel: the posted message and its answer button ids."""
    itx = fake.interaction(2, _slash("quiz"), user=ALICE)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["type"] == 4 and not body["data"].get("flags", 0) & EPHEMERAL
    message = fake.messages["@original:" + itx["token"]]
    return message, _answer_ids(body["data"]["components"])


async def _ready(bot: DiscordAdapter) -> None:
    assert bot.client is not None
    await asyncio.wait_for(bot.client.wait_until_ready(), 10)


def daily_slash(action: str) -> dict[str, Any]:
    """`/daily set time:09:00 zone:Asia/Kolkata` as Discord sends it, from "set 09:00 Asia/Kolkata"."""
    sub, *words = action.split()
    values = dict(zip(("time", "zone"), words, strict=False)) if sub == "set" else {}
    return {"id": "1", "name": "daily", "type": 1, "options": [{"type": 1, "name": sub, "options": [
        {"name": k, "type": 3, "value": v} for k, v in values.items()]}]}


async def _daily(fake: FakeDiscord, action: str, *, admin: bool) -> dict[str, Any]:
    itx = fake.interaction(2, daily_slash(action), admin=admin, user=ALICE)
    await fake.send_interaction(itx)
    return await _callback(fake, itx)


async def test_quiz_answers_are_private_and_the_channel_sees_a_tally(
        bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """A's right answer and B's wrong one are ephemeral; the question shows only the tally."""
    message, ids = await _quiz_in_channel(fake)
    assert 2 <= len(ids) <= 4
    right, wrong = await _right_and_wrong(core, ids)
    edits = f"/channels/{CHANNEL_ID}/messages/{message['id']}"

    mine = await _callback(fake, await _click(fake, right, message, user=ALICE))
    assert mine["type"] == 4 and mine["data"]["flags"] & EPHEMERAL
    assert t("hi", "quiz_right") in _text(mine["data"])
    [first] = await fake.wait_for("PATCH", edits)
    assert t("hi", "quiz_tally", n=1, ok=1) in _text(first.json)
    assert t("hi", "quiz_right") not in _text(first.json)
    assert _answer_ids(first.json["components"]) == ids  # still answerable by others

    theirs = await _callback(fake, await _click(fake, wrong, message, user=BOB))
    assert theirs["data"]["flags"] & EPHEMERAL
    assert t("hi", "quiz_wrong") in _text(theirs["data"])
    [_, second] = await fake.wait_for("PATCH", edits, count=2)
    assert t("hi", "quiz_tally", n=2, ok=1) in _text(second.json)


async def test_a_second_answer_is_refused_privately(bot: DiscordAdapter, fake: FakeDiscord,
                                                    core: Core) -> None:
    """Clicking again on the same question gets a private note and changes nothing."""
    message, ids = await _quiz_in_channel(fake)
    right, wrong = await _right_and_wrong(core, ids)
    await _callback(fake, await _click(fake, right, message, user=ALICE))
    again = await _callback(fake, await _click(fake, wrong, message, user=ALICE))
    assert again["data"]["flags"] & EPHEMERAL
    choice = int(right.split()[2])
    assert t("hi", "answer_twice", n=choice) in _text(again["data"])
    row = await core.services.quiz.score(GROUP_KEY, f"discord:{ALICE['id']}")
    assert row is not None and (row.answered, row.correct) == (1, 1)


async def test_stats_and_leaderboard_count_the_answers(bot: DiscordAdapter, fake: FakeDiscord,
                                                       core: Core) -> None:
    """/stats is private and counts A's answer; /leaderboard lists A and B with names escaped."""
    message, ids = await _quiz_in_channel(fake)
    right, wrong = await _right_and_wrong(core, ids)
    await _callback(fake, await _click(fake, right, message, user=ALICE))
    await _callback(fake, await _click(fake, wrong, message, user=BOB))

    itx = fake.interaction(2, _slash("stats"), user=ALICE)
    await fake.send_interaction(itx)
    stats = await _callback(fake, itx)
    assert stats["data"]["flags"] & EPHEMERAL
    assert t("hi", "stats_answered", n=1, ok=1, pct=100) in _text(stats["data"])

    itx = fake.interaction(2, _slash("leaderboard"), user=BOB)
    await fake.send_interaction(itx)
    board = await _callback(fake, itx)
    text = _text(board["data"])
    assert board["data"]["allowed_mentions"] == {"parse": []}
    assert not board["data"].get("flags", 0) & EPHEMERAL
    assert r"\*\*A\*\* <b>x</b>" in text and "**A**" not in text.replace(r"\*\*A\*\*", "")
    assert "@everyone" in text
    assert t("hi", "board_line", ok=1, n=1) in text and t("hi", "board_line", ok=0, n=1) in text


async def test_daily_set_is_for_server_managers(bot: DiscordAdapter, fake: FakeDiscord,
                                                core: Core) -> None:
    """Without Manage Server /daily set is refused; with it the schedule is stored and shown."""
    refused = await _daily(fake, "set 09:00 Asia/Kolkata", admin=False)
    assert refused["data"]["flags"] & EPHEMERAL
    assert t("hi", "admin_only") in _text(refused["data"])
    assert await core.services.daily.daily_target(GROUP_KEY) is None

    accepted = await _daily(fake, "set 09:00 Asia/Kolkata", admin=True)
    assert t("hi", "daily_set_ok", time="09:00", tz="Asia/Kolkata") in _text(accepted["data"])
    status = await _daily(fake, "status", admin=True)
    assert t("hi", "daily_on", time="09:00", tz="Asia/Kolkata") in _text(status["data"])
    member = await _daily(fake, "status", admin=False)  # reading it is for everyone
    assert t("hi", "daily_on", time="09:00", tz="Asia/Kolkata") in _text(member["data"])


async def test_daily_now_posts_the_term_and_its_quiz(bot: DiscordAdapter, fake: FakeDiscord,
                                                     core: Core) -> None:
    """/daily now posts the term of the day with answer buttons to the channel, publicly."""
    body = await _daily(fake, "now", admin=True)
    assert body["type"] == 4 and not body["data"].get("flags", 0) & EPHEMERAL
    first = core.library.terms[0]
    assert t("hi", "daily_title", term=first.title("hi")) in _text(body["data"])
    assert len(_answer_ids(body["data"]["components"])) >= 2


async def test_scheduled_daily_post_goes_through_the_adapter(bot: DiscordAdapter,
                                                             fake: FakeDiscord, core: Core) -> None:
    """At 09:00 Kolkata the scheduler delivers the post to the channel via core.deliver."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    await _ready(bot)
    await _daily(fake, "set 09:00 Asia/Kolkata", admin=True)
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    assert await daily_of(core).run_due() == 1  # type: ignore[attr-defined]
    # Two messages: the recap under the title, then the question with its answer buttons.
    [recap, post] = await fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages", count=2)
    assert recap.json["allowed_mentions"] == post.json["allowed_mentions"] == {"parse": []}
    assert t("hi", "daily_title", term=core.library.terms[0].title("hi")) in _text(recap.json)
    assert len(_answer_ids(post.json["components"])) >= 2
    status = await _daily(fake, "status", admin=True)
    assert t("hi", "daily_status_sent") in _text(status["data"])


async def test_daily_post_refused_with_403_disables_the_schedule(
        bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """A channel that answers 403 ends as TargetGone: the schedule is off and says why."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    await _ready(bot)
    await _daily(fake, "set 09:00 Asia/Kolkata", admin=True)
    fake.forbidden_channels.add(CHANNEL_ID)
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    assert await daily_of(core).run_due() == 0  # type: ignore[attr-defined]
    assert fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    target = await core.services.daily.daily_target(GROUP_KEY)
    assert target is not None and not target.enabled
    assert target.disabled_reason.startswith("gone")
    clock.advance(days=1)
    posts = len(fake.find("POST", f"/channels/{CHANNEL_ID}/messages"))
    assert await daily_of(core).run_due() == 0  # type: ignore[attr-defined]
    assert len(fake.find("POST", f"/channels/{CHANNEL_ID}/messages")) == posts  # no retry
    status = await _daily(fake, "status", admin=True)
    assert t("hi", "daily_status_gone") in _text(status["data"])


async def test_daily_quiz_buttons_work_after_a_restart(core: Core, fake: FakeDiscord) -> None:
    """A daily post's answer button, clicked after a new adapter connects, is still answered."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    first = DiscordAdapter(settings_for(fake), core)
    async with running(first, fake):
        await _ready(first)
        await _daily(fake, "set 09:00 Asia/Kolkata", admin=True)
        clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
        assert await daily_of(core).run_due() == 1  # type: ignore[attr-defined]
    [_recap, post] = fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    message = next(m for m in fake.messages.values()
                   if m["channel_id"] == CHANNEL_ID and m["components"] == post.json["components"])
    fake._identified.clear()

    second = DiscordAdapter(settings_for(fake), core)
    async with running(second, fake):
        right, _ = await _right_and_wrong(core, _answer_ids(message["components"]))
        answer = await _callback(fake, await _click(fake, right, message, user=BOB))
        assert answer["data"]["flags"] & EPHEMERAL
        assert t("hi", "quiz_right") in _text(answer["data"])
        [edit] = await fake.wait_for("PATCH", f"/channels/{CHANNEL_ID}/messages/{message['id']}")
        assert t("hi", "quiz_tally", n=1, ok=1) in _text(edit.json)


async def test_practice_in_a_dm_continues(bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """/practice in a DM asks a question, grades the click, and the next /practice goes on."""
    itx = fake.interaction(2, _slash("practice"), guild=False)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    first = core.library.terms[0].title("hi")
    assert t("hi", "practice_title_new", term=first) in _text(body["data"])
    ids = _answer_ids(body["data"]["components"])
    right, _ = await _right_and_wrong(core, ids)
    message = fake.messages["@original:" + itx["token"]]

    graded = await _callback(fake, await _click(fake, right, message, guild=False))
    assert t("hi", "quiz_right") in _text(graded["data"])
    assert t("hi", "practice_next_review") in _text(graded["data"])
    buttons = [c["custom_id"] for row in graded["data"]["components"] for c in row["components"]]
    assert "ag:practice" in buttons

    itx = fake.interaction(2, _slash("practice"), guild=False)
    await fake.send_interaction(itx)
    again = await _callback(fake, itx)
    next_ids = _answer_ids(again["data"]["components"])
    assert next_ids and next_ids[0].split()[1] != ids[0].split()[1]  # a new posted question
    post = await core.services.quiz.quiz_post(int(ids[0].split()[1]))
    assert post is not None and post.source == "practice"
    # The first answer's review state was saved for this user.
    assert await core.services.practice.srs_get(f"discord:{fake.user()['id']}", f"q:{post.question_id}")



async def test_practice_in_a_server_is_ephemeral(bot: DiscordAdapter, fake: FakeDiscord,
                                                 core: Core) -> None:
    """/practice in a server channel is only seen by the learner, and so is its grading."""
    itx = fake.interaction(2, _slash("practice"), user=ALICE)
    await fake.send_interaction(itx)
    body = await _callback(fake, itx)
    assert body["data"]["flags"] & EPHEMERAL
    ids = _answer_ids(body["data"]["components"])
    _, wrong = await _right_and_wrong(core, ids)
    message = {**fake.messages["@original:" + itx["token"]], "flags": EPHEMERAL}
    graded = await _callback(fake, await _click(fake, wrong, message, user=ALICE))
    assert graded["data"]["flags"] & EPHEMERAL
    assert t("hi", "quiz_wrong") in _text(graded["data"])
    assert not fake.find("PATCH", f"/channels/{CHANNEL_ID}/messages/")  # no public tally
    other = await _callback(fake, await _click(fake, wrong, message, user=BOB))
    assert other["data"]["flags"] & EPHEMERAL
    assert t("hi", "answer_not_yours") in _text(other["data"])


async def test_daily_post_without_embed_links_keeps_its_answer_buttons(
        bot: DiscordAdapter, fake: FakeDiscord, core: Core) -> None:
    """Where embeds are refused the post falls back to plain text, with its answer buttons."""
    clock = FakeClock(START)
    rewire(core, clock=clock)
    await _ready(bot)
    await _daily(fake, "set 09:00 Asia/Kolkata", admin=True)
    fake.no_embed_channels.add(CHANNEL_ID)
    clock.set(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    assert await daily_of(core).run_due() == 1  # type: ignore[attr-defined]
    posts = [p for p in fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
             if not p.json.get("embeds")]
    title = t("hi", "daily_title", term=core.library.terms[0].title("hi"))
    assert posts and title in posts[0].json["content"]
    assert all(p.json["allowed_mentions"] == {"parse": []} for p in posts)
    assert len(_answer_ids(posts[-1].json.get("components") or [])) >= 2
