"""Fixtures for the practice features: a real core over real content and a real SQLite file,
with a fake clock (time moves only when a test says so) and a recording deliverer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.app import Core, TargetGone
from bot.core.content import Library
from bot.core.types import ChatKind, ChatRef, Command, Reply, UserRef
from bot.storage import Storage
from tests.conftest import make_core

CONTENT = Path(__file__).resolve().parents[3] / "content"


class FakeClock:
    """Time stands still until advanced; `wait` jumps straight to its deadline (or returns
    when the event is set), so a scheduler can be driven through days in milliseconds."""

    def __init__(self, now: datetime) -> None:
        self.t = now
        self.waits: list[float] = []

    def now(self) -> datetime:
        return self.t

    def set(self, when: datetime) -> None:
        self.t = when

    def advance(self, **delta: float) -> None:
        self.t += timedelta(**delta)

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)
        if not event.is_set():
            self.t += timedelta(seconds=seconds)


class Recorder:
    """A deliverer that keeps what it was given; `gone` chat ids raise TargetGone."""

    def __init__(self) -> None:
        self.sent: list[tuple[ChatRef, Reply]] = []
        self.gone: set[str] = set()

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        if chat.id in self.gone:
            raise TargetGone(f"chat {chat.id} not found (403)")
        await asyncio.sleep(0)
        self.sent.append((chat, reply))


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.from_dir(CONTENT)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))  # a Wednesday


@pytest.fixture
async def storage(tmp_path):
    store = await Storage.open(tmp_path / "bot.sqlite3")
    yield store
    await store.close()


@pytest.fixture
async def core(library, storage, clock) -> Core:
    return make_core(library, storage, clock=clock)


@pytest.fixture
def recorder(core) -> Recorder:
    rec = Recorder()
    core.register_deliverer("test", rec)
    return rec


DM = ChatRef("test", "dm-1", ChatKind.PRIVATE)
GROUP = ChatRef("test", "group-1", ChatKind.GROUP)
ALICE = UserRef("test", "alice", "Alice")
BOB = UserRef("test", "bob", "*Bob* <b>")


def cmd(text: str, chat: ChatRef = DM, user: UserRef = ALICE, *, admin: bool = False) -> Command:
    command = Command.from_text(text, chat, user, is_admin=admin)
    assert command is not None
    return command


async def replies(core: Core, text: str, chat: ChatRef = DM, user: UserRef = ALICE, *,
                  admin: bool = False) -> list[Reply]:
    return [r async for r in core.stream(cmd(text, chat, user, admin=admin))]


def answer_line(reply: Reply, n: int) -> str:
    """The command line behind answer button n of a question reply."""
    lines = [b.command_line for row in reply.buttons for b in row if b.command == "answer"]
    return lines[n - 1]


async def shown_as(core: Core, post_id: int, original: int) -> int:
    """The place where post `post_id` showed the bank's choice `original` (posts shuffle)."""
    post = await core.services.quiz.quiz_post(post_id)
    entry = core.services.quiz_bank.by_id[post.question_id]
    return post.shown(original, len(entry.question.choices))
