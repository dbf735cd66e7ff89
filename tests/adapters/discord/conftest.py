"""Fixtures: the real Core (cards from content/, storage on a tmp path), a fake Discord, and
the real discord.py client running the adapter against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from bot.core.content import Library
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import Button, CodeBlock, Paragraph, Reply
from bot.settings import DiscordSettings
from bot.storage import Storage
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.conftest import make_core

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.from_dir(CONTENT)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite3")
    yield store
    await store.close()


async def _probe(ctx: Context) -> Reply:
    cmd = ctx.command
    return Reply.text(f"kind={cmd.chat.kind.value} admin={cmd.is_admin} user={cmd.user.name}",
                      title="probe")


async def _snippet(ctx: Context) -> Reply:
    return Reply(blocks=(CodeBlock(ctx.command.options.get("code") or ctx.command.args, "py"),),
                 title="snippet")


async def _slow(ctx: Context) -> AsyncIterator[Reply]:
    yield Reply.text("working…", final=False)
    await asyncio.sleep(0.05)
    yield Reply.text("done", title="slow")


async def _sluggish(ctx: Context) -> Reply:
    await asyncio.sleep(0.3)
    return Reply.text("late but here", title="sluggish")


async def _vote(ctx: Context) -> Reply:
    return Reply(blocks=(Paragraph.plain("votes: 1"),), edit_source=True)


async def _steps(ctx: Context) -> AsyncIterator[Reply]:
    yield Reply.text("step 1", final=False)
    yield Reply.text("all steps", title="steps")


async def _oops(ctx: Context) -> AsyncIterator[Reply]:
    yield Reply.text("only you see this", private=True)


async def _tally(ctx: Context) -> AsyncIterator[Reply]:
    yield Reply.text("you were right", private=True)
    yield Reply(blocks=(Paragraph.plain("tally: 1"),), edit_source=True,
                buttons=((Button("A", "tally", "a"),),))


def add_probes(core: Core) -> None:
    """Test-only commands: what the adapter passed on, a multi-line option, long-running and
    quick progress streams, a private answer to a public defer, a quiz-like tally."""
    text = Text(hi="test", en="test command")
    core.router.add(CommandSpec("probe", text, _probe))
    core.router.add(CommandSpec("snippet", text, _snippet, options=(
        OptionSpec("code", Text(hi="code", en="the code"), required=True, multiline=True),)))
    core.router.add(CommandSpec("slow", text, _slow, long_running=True))
    core.router.add(CommandSpec("tally", text, _tally, hidden=True))
    core.router.add(CommandSpec("steps", text, _steps))
    core.router.add(CommandSpec("vote", text, _vote, hidden=True))
    core.router.add(CommandSpec("sluggish", text, _sluggish))
    core.router.add(CommandSpec("oops", text, _oops, long_running=True))


@pytest.fixture
def core(library: Library, storage: Storage) -> Core:
    core = make_core(library, storage)
    add_probes(core)
    return core


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def settings_for(fake: FakeDiscord, **overrides: object) -> DiscordSettings:
    values: dict[str, object] = {"token": fake.token, "api_base": fake.api_base,
                                 "gateway_url": fake.gateway_url}
    values.update(overrides)
    return DiscordSettings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(adapter: DiscordAdapter, fake: FakeDiscord) -> AsyncIterator[asyncio.Task[None]]:
    """The adapter's run() in a task, until it has identified at the fake gateway."""
    task = asyncio.create_task(adapter.run(), name="discord-under-test")
    try:
        await asyncio.wait({task, asyncio.ensure_future(fake.wait_identified())},
                           return_when=asyncio.FIRST_COMPLETED, timeout=15)
        if task.done():
            task.result()  # surface why it stopped
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def bot(core: Core, fake: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    adapter = DiscordAdapter(settings_for(fake), core)
    adapter.defer_after = 0.1  # so the safety defer is seen without a 2 s wait
    async with running(adapter, fake):
        yield adapter
