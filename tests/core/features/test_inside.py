"""/inside: live figures of this process, and the lesson they carry."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.app import Core
from bot.core.content import Library
from bot.core.features.inside import duration, ms
from bot.core.monitor import AdapterState, SandboxLoad
from bot.core.types import ChatRef, Span, Style, UserRef
from bot.settings import PROJECT_ROOT
from bot.storage import Storage
from tests.conftest import make_core

CHAT, USER = ChatRef("console", "t"), UserRef("console", "t", "tester")


# `core`: the shared fixture of tests/conftest.py (real content, a temporary database).


async def inside(core: Core, lang: str = "en") -> str:
    await core.services.prefs.set_user_lang(USER.key, lang)
    reply = await core.handle_text("/inside", CHAT, USER)
    return reply.plain()


class Pool:
    def load(self) -> SandboxLoad:
        return SandboxLoad(queued=3, running=2, capacity=4)


class Daily:
    def __init__(self, due: datetime | None) -> None:
        self.due = due

    def next_post(self) -> datetime | None:
        return self.due


async def test_lag_comes_from_the_running_monitor(core):
    """With the monitor running, the figures cover its window and count its samples."""
    for i in range(50):
        core.runtime.lag.record(0.001 * (i % 5), now=time.monotonic() - 5 + i * 0.1)
    text = await inside(core)
    assert "Event-loop lag: p50 2.00 ms · p99 4.00 ms · max 4.00 ms" in text
    assert "50 samples" in text


async def test_without_a_monitor_lag_is_measured_on_the_spot(core):
    """In one-shot mode the lag is measured just now, and the reply says so."""
    text = await inside(core)
    assert "measured just now" in text
    assert "no monitor task runs in this mode" in text


async def test_adapter_states_are_shown_with_their_details(core):
    """Connected, reconnecting (with the failure and the next try) and disabled adapters."""
    board = core.runtime.adapters
    board.update("console", AdapterState.STARTING)
    board.update("telegram", AdapterState.RECONNECTING, failures=3,
                 reason="NetworkError: connection reset", retry_at=time.monotonic() + 30.5)
    board.update("discord", AdapterState.DISABLED, reason="the token was rejected")
    text = await inside(core)
    assert "console: connected (for 0 s)" in text
    assert "telegram: reconnecting (3 failures in a row, next try in 30 s" in text
    assert "last error: NetworkError: connection reset" in text
    assert "discord: disabled (off: the token was rejected)" in text


async def test_tasks_are_listed_by_kind(core):
    """Our named tasks appear under their kind next to the total."""
    stop = asyncio.Event()
    task = asyncio.create_task(stop.wait(), name="adapter:fake")
    await asyncio.sleep(0)
    text = await inside(core)
    stop.set()
    await task
    assert "adapter 1" in text
    assert "OS threads" in text


async def test_sandbox_and_scheduler_appear_when_registered(core, clock):
    """Registered providers show the sandbox's load and the next daily post; a chat without a
    schedule of its own reads it in UTC."""
    core.runtime.register_sandbox(Pool())
    due = clock.now() + timedelta(hours=3, minutes=5)
    core.runtime.register_scheduler(Daily(due))
    text = await inside(core)
    assert "Sandbox: 2 of 4 runs executing, 3 queued" in text
    assert "Daily post: next at 2026-11-25 09:05 UTC · in 3 h 5 min" in text


def time_spans(reply) -> list[Span]:
    return [s for b in reply.blocks for s in getattr(b, "spans", ()) if s.style is Style.TIME]


async def test_the_next_post_is_read_in_the_chats_own_zone_as_a_time_value(core, clock):
    """After /daily set in Asia/Kolkata, /inside names that zone and gives the instant as a time
    value (which Discord renders in each viewer's zone); the chat's own post is marked."""
    await core.handle_text("/daily set 09:00 Asia/Kolkata", CHAT, USER)
    due = datetime(2026, 11, 26, 3, 30, tzinfo=UTC)
    core.runtime.register_scheduler(Daily(due))
    await core.services.prefs.set_user_lang(USER.key, "en")
    reply = await core.handle_text("/inside", CHAT, USER)
    assert ("Daily post: next at 2026-11-26 09:00 Asia/Kolkata (03:30 UTC) · in 21 h 30 min"
            " (this chat's)") in reply.plain()
    [span] = time_spans(reply)
    assert span.at == "2026-11-26T03:30:00+00:00"


async def test_another_chats_earlier_post_comes_first_then_this_chats(core, clock):
    """When another chat is due sooner, both instants show, each in this chat's zone."""
    await core.handle_text("/daily set 09:00 Asia/Kolkata", CHAT, USER)
    core.runtime.register_scheduler(Daily(datetime(2026, 11, 25, 7, 0, tzinfo=UTC)))
    await core.services.prefs.set_user_lang(USER.key, "hi")
    reply = await core.handle_text("/inside", CHAT, USER)
    assert ("Daily post: agla 2026-11-25 12:30 Asia/Kolkata (07:00 UTC) · 1 h 0 min baad · is chat ka"
            " agla 2026-11-26 09:00 Asia/Kolkata (03:30 UTC) · 21 h 30 min baad") in reply.plain()
    assert [s.at for s in time_spans(reply)] == ["2026-11-25T07:00:00+00:00", "2026-11-26T03:30:00+00:00"]


async def test_a_chats_schedule_shows_even_where_no_scheduler_runs(core, clock):
    """In one-shot mode (no scheduler in the process) the chat still learns its next post."""
    await core.handle_text("/daily set 23:00 UTC", CHAT, USER)
    text = await inside(core)
    assert ("Daily post: no scheduler runs in this process · this chat's next at 2026-11-25 23:00 UTC"
            " · in 17 h 0 min") in text


async def test_missing_sandbox_and_idle_scheduler_are_said_plainly(core):
    """No sandbox in this process, and a scheduler with nothing due, are stated."""
    core.runtime.register_scheduler(Daily(None))
    text = await inside(core)
    assert "Sandbox: no sandbox in this process" in text
    assert "Daily post: nothing scheduled" in text


async def test_memory_uptime_and_process_are_this_process(core):
    """RSS/peak come from /proc, and the pid is this very process's."""
    text = await inside(core)
    assert "Memory: RSS " in text and "MiB (peak " in text
    assert f"pid {os.getpid()}" in text
    assert "Uptime: " in text


async def test_lesson_links_the_event_loop_and_non_blocking_cards(core):
    """Two lesson lines and buttons for /term event-loop and /term non-blocking."""
    await core.services.prefs.set_user_lang(USER.key, "en")
    reply = await core.handle_text("/inside", CHAT, USER)
    lines = [b for row in reply.buttons for b in row]
    assert [b.command_line for b in lines] == ["/term event-loop", "/term non-blocking"]
    assert "What these figures mean" in reply.plain()


async def test_hinglish_is_the_default_voice(tmp_path):
    """A user who chose nothing gets the Hinglish /inside."""
    storage = await Storage.open(tmp_path / "db.sqlite3")
    core = make_core(Library.from_dir(PROJECT_ROOT / "content"), storage)
    reply = await core.handle_text("/inside", CHAT, USER)
    await storage.close()
    assert reply.title == "async-guru ke andar, abhi"
    assert "In figures ka matlab" in reply.plain()


async def test_commands_handled_are_counted(core):
    """Handled commands and errors are shown from the counter."""
    core.runtime.commands["term", "ok"] += 4
    core.runtime.commands["run", "error"] += 1
    text = await inside(core)
    assert "Commands handled: 4 (1 errors)" in text


@pytest.mark.parametrize(("seconds", "text"), [(0.00012, "0.12 ms"), (0.0153, "15 ms")])
def test_milliseconds_keep_useful_precision(seconds, text):
    """Sub-10 ms figures keep two decimals; larger ones are whole milliseconds."""
    assert ms(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(12, "12 s"), (250, "4 min 10 s"),
                                               (7500, "2 h 5 min"), (273600, "3 d 4 h")])
def test_durations_use_two_units_at_most(seconds, text):
    """Durations read naturally: the two largest units."""
    assert duration(seconds) == text
