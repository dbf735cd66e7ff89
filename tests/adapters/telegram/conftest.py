"""Fixtures: a fake Telegram Bot API server, the real core, and the real PTB Application
running the adapter against the fake."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.content import Library
from bot.settings import PROJECT_ROOT, TelegramSettings
from bot.storage import Storage
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.conftest import make_core


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.from_dir(PROJECT_ROOT / "content")


@pytest.fixture
def fake(telegram: FakeTelegram) -> FakeTelegram:
    """The fake Telegram of tests/conftest.py, by the name these tests use."""
    return telegram


@pytest.fixture
async def core(library: Library, tmp_path: Path) -> AsyncIterator[Core]:
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    yield make_core(library, storage)
    await storage.close()


def settings_for(fake: FakeTelegram, **extra: object) -> TelegramSettings:
    return TelegramSettings(token=fake.token, base_url=fake.base_url,
                            base_file_url=fake.base_url.replace("/bot", "/file/bot"),
                            poll_timeout=1, **extra)


@contextlib.asynccontextmanager
async def running(adapter: TelegramAdapter) -> AsyncIterator[asyncio.Task]:
    """Run the adapter until the block ends, then cancel it as the host would."""
    task = asyncio.create_task(adapter.run(), name="telegram-under-test")
    try:
        ready = asyncio.create_task(adapter.ready.wait())
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task.done():  # it failed to start: show why
            await task
        assert adapter.ready.is_set(), "the adapter did not start within 10 s"
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def bot(fake: FakeTelegram, core: Core) -> AsyncIterator[TelegramAdapter]:
    adapter = TelegramAdapter(settings_for(fake), core)
    async with running(adapter):
        yield adapter
