"""Shared fixtures: the real content, a real database in a temporary folder, a real core."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.app import Core
from bot.core.content import Library
from bot.core.types import ChatKind, ChatRef, Command, UserRef
from bot.storage import Storage

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.from_dir(CONTENT)


@pytest.fixture
async def storage(tmp_path: Path):
    db = await Storage.open(tmp_path / "data" / "test.sqlite3")
    yield db
    await db.close()


@pytest.fixture
async def core(library: Library, storage: Storage) -> Core:
    return Core(library, storage)


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
