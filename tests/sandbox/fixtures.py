"""Sandbox fixtures (a pytest plugin, loaded from tests/conftest.py): a real bubblewrap sandbox.

Where the sandbox cannot start, its tests skip locally but FAIL when CI=true: CI installs
bubblewrap, so an unusable sandbox there is a bug, never a reason to skip containment tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.app import Core
from bot.core.demos import load_demos
from bot.sandbox import Config, Limits, Sandbox
from bot.sandbox._cgroup import PREFIX, cpu_cgroup_dir
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


def sandbox_group(sandbox: Sandbox) -> Path | None:
    """The cpu group every process of this service's sandboxes is born in (None without one)."""
    return sandbox.idle_group.path if sandbox.idle_group is not None else None


def bot_sandbox_group(pid: int) -> Path | None:
    """The same for another bot process started from this one (it sits where this one sits)."""
    base = cpu_cgroup_dir()
    if base is None or os.geteuid() != 0 or not os.access(base, os.W_OK):
        return None
    return base / f"{PREFIX}{pid}" / "sandboxes"


def sandbox_pids(group: Path | None) -> set[int]:
    """Processes of the sandboxes in `group`: nothing inside can leave it (no /sys in there, no
    right to), so a double-forked daemon still counts, and other bots' sandboxes on this host
    never do. Without a group: every process of the sandbox uid on the host."""
    if group is None:
        return uid_pids()
    try:
        return {int(p) for p in (group / "cgroup.procs").read_text().split()}
    except FileNotFoundError:
        return set()  # removed at close: it was empty


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


def leftovers(baseline: set[int], group: Path | None, wait_s: float = 3.0) -> set[int]:
    """Sandbox processes that appeared after `baseline` (`uid_pids()` before the run) and are
    still alive after `wait_s`. With the service's cpu group: its members, and nothing else on
    the host. Without one (no writable cgroup), a guess from the uid: processes of this test
    process's tree or orphaned ones, but not those hanging off another live process."""
    deadline = time.monotonic() + wait_s
    while True:
        if group is not None:
            extra = sandbox_pids(group) - baseline
        else:
            sandboxed = uid_pids()
            extra = {p for p in sandboxed - baseline if not _someone_elses(p, sandboxed)}
            extra |= set(descendants())
        if not extra or time.monotonic() > deadline:
            return extra
        time.sleep(0.05)


@contextlib.asynccontextmanager
async def foreign_hogs(count: int = 2) -> AsyncIterator[list[int]]:
    """`count` ordinary CPU-bound processes that are not the bot's, as another service's would
    be: nice 0, each in a session of its own, orphaned (not in this process's tree), in this
    process's cpu cgroup as it is now (start them before opening a sandbox, which moves this
    process into its own group). Killed at the end, whatever happened."""
    pids: list[int] = []
    try:
        for _ in range(count):
            proc = await asyncio.create_subprocess_exec(
                "/bin/sh", "-c", f'"{sys.executable}" -c "while True: pass" '
                '</dev/null >/dev/null 2>&1 & echo $!',
                stdout=asyncio.subprocess.PIPE, start_new_session=True)
            out, _ = await proc.communicate()
            pids.append(int(out))
        yield pids
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
