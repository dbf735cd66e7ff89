"""Discord as several processes, each running some shards (DISCORD__SHARD_COUNT and
DISCORD__SHARD_IDS): each identifies its own shards, gets the events of the guilds they hold,
only the process with shard 0 syncs the commands, and any process posts to any channel by
REST. Real discord.py against the fake Discord, whose gateway routes by shard."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot.adapters.discord import DiscordAdapter
from bot.core.content import Library
from bot.core.router import CommandSpec, Context, Text
from bot.core.types import ChatKind, ChatRef, Reply
from bot.storage import Storage
from tests.adapters.discord.conftest import settings_for
from tests.adapters.discord.fake_discord import FakeDiscord, shard_of
from tests.conftest import make_core

# Two guild ids that Discord sends to shard 0 and to shard 1 of two.
GUILD_ON = {n: next(str(g) for g in range(1200000000000000001, 1200000000000000001 + 2**24, 2**22)
                    if shard_of(g, 2) == n) for n in (0, 1)}


@contextlib.asynccontextmanager
async def process(library: Library, path: Path, fake: FakeDiscord, name: str, **shards: object
                  ) -> AsyncIterator[DiscordAdapter]:
    """One bot process: its own store and core (answering /whoami with `name`), its adapter
    running until the block ends."""
    store = await Storage.open(path / f"{name}.sqlite3")
    core = make_core(library, store)

    async def whoami(ctx: Context) -> Reply:
        return Reply.text(f"process {name}")

    core.router.add(CommandSpec("whoami", Text(hi="test", en="which process"), whoami))
    adapter = DiscordAdapter(settings_for(fake, **shards), core)
    task = asyncio.create_task(adapter.run(), name=f"discord-{name}")
    try:
        async with asyncio.timeout(20):
            while not adapter.is_connected():
                if task.done():
                    task.result()  # surface why it stopped
                await asyncio.sleep(0.05)
        yield adapter
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await store.close()


async def ask(fake: FakeDiscord, guild: str) -> str:
    """/whoami in a channel of `guild`: the answer's text."""
    itx = fake.interaction(2, {"id": "1", "name": "whoami", "type": 1, "options": []},
                           guild_id=guild)
    await fake.send_interaction(itx)
    [call] = await fake.wait_for("POST", f"/interactions/{itx['id']}/")
    data = call.json["data"]
    return data.get("content") or data["embeds"][0]["description"]


async def test_two_processes_share_the_shards_and_only_shard_0_syncs(
        fake: FakeDiscord, library: Library, tmp_path: Path):
    """Shards 0 and 1 of two, one per process: each identifies with its shard, answers the
    guilds its shard holds, and only the process with shard 0 syncs the commands."""
    async with process(library, tmp_path, fake, "A", shard_count=2, shard_ids="0"), \
            process(library, tmp_path, fake, "B", shard_count=2, shard_ids="1"):
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        assert len(fake.find("PUT", "/commands")) == 1
        assert await ask(fake, GUILD_ON[0]) == "process A"
        assert await ask(fake, GUILD_ON[1]) == "process B"


async def test_a_process_without_shard_0_posts_daily_by_rest_anywhere(
        fake: FakeDiscord, library: Library, tmp_path: Path):
    """A process running shard 1 alone syncs nothing, gets no event of shard 0's guilds, and
    still posts to a channel of such a guild: a daily post goes out by REST, whichever
    shard holds its channel."""
    async with process(library, tmp_path, fake, "B", shard_count=2, shard_ids="1") as bot:
        assert not fake.find("PUT", "/commands")
        itx = fake.interaction(2, {"id": "1", "name": "whoami", "type": 1, "options": []},
                               guild_id=GUILD_ON[0])
        await fake.send_interaction(itx)
        await asyncio.sleep(0.5)
        assert not fake.find("POST", f"/interactions/{itx['id']}/")  # shard 0's, not ours
        channel = "1300000000000000777"
        sent = await bot.core.deliver(ChatRef("discord", channel, ChatKind.GROUP),
                                      Reply.text("daily question"))
        [post] = fake.find("POST", f"/channels/{channel}/messages")
        assert sent is not None and "daily question" in str(post.json)


async def test_the_count_alone_runs_every_shard_in_one_process(
        fake: FakeDiscord, library: Library, tmp_path: Path):
    """DISCORD__SHARD_COUNT without DISCORD__SHARD_IDS: this process runs all of them (and
    syncs the commands)."""
    async with process(library, tmp_path, fake, "all", shard_count=2):
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        assert len(fake.find("PUT", "/commands")) == 1
        assert await ask(fake, GUILD_ON[0]) == "process all"
        assert await ask(fake, GUILD_ON[1]) == "process all"
