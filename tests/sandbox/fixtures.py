"""Sandbox fixtures (a pytest plugin, loaded from tests/conftest.py): a real bubblewrap sandbox.

Where the sandbox cannot start, its tests skip locally but FAIL when CI=true: CI installs
bubblewrap, so an unusable sandbox there is a bug, never a reason to skip containment tests."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.core.app import Core
from bot.core.demos import load_demos
from bot.sandbox import Config, Limits, Sandbox
from tests.conftest import CONTENT, rewire

SANDBOX_UID = 65534


def test_config(**changes) -> Config:
    limits = changes.pop("limits", Limits(wall_s=3.0))
    return replace(Config(pool=0, cooldown_s=0.0, limits=limits), **changes)


test_config.__test__ = False  # a helper, not a test


def require(sandbox: Sandbox) -> None:
    if sandbox.available:
        return
    message = f"the sandbox cannot start on this host: {sandbox.reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def sandbox():
    async with Sandbox.open(test_config()) as sb:
        require(sb)
        yield sb


@contextlib.asynccontextmanager
async def sandboxed(core: Core, config: Config | None = None) -> AsyncIterator[Core]:
    """The core with a running sandbox (failing, not skipping, under CI=true when it cannot
    start) and the curriculum demos loaded: what /run and /demo need."""
    async with Sandbox.open(config or test_config()) as sb:
        require(sb)
        rewire(core, sandbox=sb, demos=load_demos(CONTENT))
        yield core


@pytest.fixture
async def sandbox_core(core: Core):
    async with sandboxed(core, test_config(cooldown_s=30.0)) as ready:
        yield ready


def uid_pids(uid: int = SANDBOX_UID) -> set[int]:
    """Processes whose real uid is `uid` (every sandbox process when the tests run as root)."""
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            out.add(int(entry))
                        break
        except OSError:
            continue
    return out


def descendants(pid: int | None = None) -> list[int]:
    from bot.sandbox._proc import tree

    root = os.getpid() if pid is None else pid
    return [p for p in tree(root) if p != root]


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _someone_elses(pid: int, sandboxed: set[int]) -> bool:
    """True when the sandbox chain of `pid` hangs off another live process (e.g. another bot's
    warm pool on the same machine): not ours and not orphaned. An escaped process is orphaned:
    its chain ends at init (pid 1), so it still counts."""
    seen = set()
    while pid in sandboxed and pid not in seen:
        seen.add(pid)
        parent = _ppid(pid)
        if parent is None:
            return False
        pid = parent
    return pid not in (os.getpid(), 1, 0)


def leftovers(baseline: set[int], wait_s: float = 3.0) -> set[int]:
    """Sandbox processes that appeared after `baseline` and are still alive after `wait_s`:
    ours (descendants of this test process) or orphaned ones that outlived their run."""
    deadline = time.monotonic() + wait_s
    while True:
        sandboxed = uid_pids()
        new = {p for p in sandboxed - baseline if not _someone_elses(p, sandboxed)}
        extra = new | set(descendants())
        if not extra or time.monotonic() > deadline:
            return extra
        time.sleep(0.05)
