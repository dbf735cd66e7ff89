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
from bot.settings import DiscordSettings
from bot.storage import Storage
from tests.adapters.discord.fake_discord import FakeDiscord

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.from_dir(CONTENT)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite3")
    yield store
    await store.close()


@pytest.fixture
def core(library: Library, storage: Storage) -> Core:
    return Core(library, storage)


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
    async with running(adapter, fake):
        yield adapter
