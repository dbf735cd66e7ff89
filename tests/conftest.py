"""Shared fixtures: the real content, a real database in a temporary folder, a real core."""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.app import Core
from bot.core.challenges import Challenges
from bot.core.content import Library
from bot.core.features.daily import DailyScheduler
from bot.core.services import Services, bank_beside
from bot.core.types import ChatKind, ChatRef, Command, UserRef
from bot.storage import Storage
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.storage import pg_server

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def make_core(library: Library, storage: Storage, **services: Any) -> Core:
    """A real core whose every storage port is `storage`, with the question bank next to the
    cards, as __main__ builds it; `services` replaces others (clock, sandbox, demos...)."""
    services.setdefault("challenges", content_challenges())
    return Core(library, Services.of(storage, quiz_bank=bank_beside(library), **services))


@functools.cache
def content_challenges() -> Challenges:
    """The challenges of content/ (loaded once per test session: they never change)."""
    return Challenges.from_dir(CONTENT)


def rewire(core: Core, **services: Any) -> None:
    """Tests only: the core with some services replaced (a fake clock, a running sandbox)."""
    core.services = replace(core.services, **services)


def daily_of(core: Core) -> DailyScheduler:
    """The daily scheduler the daily feature declared to the core."""
    return next(s for s in core.services_to_run() if isinstance(s, DailyScheduler))


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.from_dir(CONTENT)


@pytest.fixture
async def storage(tmp_path: Path):
    db = await Storage.open(tmp_path / "data" / "test.sqlite3")
    yield db
    await db.close()


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_server.PgServer]:
    """One real PostgreSQL server for the session (started on first use). Where it cannot
    start, the tests that need it skip locally and FAIL under CI=true (CI installs it)."""
    try:
        server = pg_server.start()
    except pg_server.PgUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture
async def core(library: Library, storage: Storage) -> Core:
    return make_core(library, storage)


DM = ChatRef("test", "dm-1", ChatKind.PRIVATE)
GROUP = ChatRef("test", "group-1", ChatKind.GROUP)
ALICE = UserRef("test", "alice", "Alice")
BOB = UserRef("test", "bob", "Bob")


def cmd(text: str, *, chat: ChatRef = DM, user: UserRef = ALICE, is_admin: bool = False) -> Command:
    command = Command.from_text(text, chat, user, is_admin=is_admin)
    assert command is not None, text
    return command


# The real-sandbox fixtures (tests/sandbox/fixtures.py), shared by tests/sandbox and tests/core.
pytest_plugins = ("tests.sandbox.fixtures",)


# The fake servers for tests that run a real `python -m bot` process (tests/bot_process.py).
@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()
