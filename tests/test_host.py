"""The host: supervised adapters in one TaskGroup, backoff, shutdown on signals."""

from __future__ import annotations

import ast
import asyncio
import itertools
import logging
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.adapters.base import AdapterFatal
from bot.core.content import Library
from bot.core.monitor import AdapterBoard, AdapterState, count_commands
from bot.host import (
    background_services,
    instrument,
    serve,
    supervise,
    watch_children_with_pidfds,
)
from bot.settings import PROJECT_ROOT, load_settings
from bot.storage import Storage
from tests.conftest import make_core


class Steady:
    """Serves forever, ticking every 5 ms: its ticks show whether it was stopped or slowed."""

    name = "steady"

    def __init__(self, enough: int = 60) -> None:
        self.ticks: list[float] = []
        self.closed = False
        self.enough = enough
        self.ticked_enough = asyncio.Event()

    async def run(self) -> None:
        try:
            while True:
                self.ticks.append(time.monotonic())
                if len(self.ticks) >= self.enough:
                    self.ticked_enough.set()
                await asyncio.sleep(0.005)
        finally:
            self.closed = True


class Flaky:
    """Fails at once, every time (a gateway that keeps dropping)."""

    name = "flaky"

    def __init__(self) -> None:
        self.runs = 0

    async def run(self) -> None:
        self.runs += 1
        raise ConnectionError("gateway closed the connection")


class Rejected:
    name = "rejected"

    def __init__(self) -> None:
        self.runs = 0

    async def run(self) -> None:
        self.runs += 1
        raise AdapterFatal("the platform rejected the token (401 Unauthorized)")


@pytest.fixture
async def core(tmp_path: Path):
    storage = await Storage.open(tmp_path / "db.sqlite3")
    yield make_core(Library.from_dir(PROJECT_ROOT / "content"), storage)
    await storage.close()


async def test_failing_adapter_never_stops_or_slows_another():
    """An adapter failing over and over leaves its sibling serving at its own pace."""
    steady, flaky, board = Steady(), Flaky(), AdapterBoard()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(supervise(steady, board)),
                 tg.create_task(supervise(flaky, board, first=0.001, maximum=0.002))]
        await asyncio.wait_for(steady.ticked_enough.wait(), 10)
        states = {s.name: s.effective for s in board.all()}
        for task in tasks:
            task.cancel()
    assert flaky.runs >= 10
    assert states == {"steady": AdapterState.CONNECTED, "flaky": AdapterState.RECONNECTING}
    # Its own pace is a 5 ms sleep per tick; the median is robust to a noisy machine's spikes.
    assert statistics.median(b - a for a, b in itertools.pairwise(steady.ticks)) < 0.05
    assert steady.closed


async def test_the_registrys_probe_decides_when_an_adapter_is_connected():
    """With a probe, a running adapter reads "starting" until the probe says yes."""
    steady, board, connected = Steady(), AdapterBoard(), False
    task = asyncio.create_task(supervise(steady, board, probe=lambda: connected))
    await asyncio.sleep(0.02)
    [status] = board.all()
    assert status.effective is AdapterState.STARTING
    connected = True
    assert status.effective is AdapterState.CONNECTED
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_backoff_doubles_with_jitter_up_to_the_maximum():
    """Waits between restarts double from `first`, stay within ±20 % jitter, and are capped."""
    waits: list[float] = []
    flaky = Flaky()

    async def record(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 8:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await supervise(flaky, first=1.0, maximum=16.0, sleep=record)
    nominal = [1, 2, 4, 8, 16, 16, 16, 16]
    for wait, base in zip(waits, nominal, strict=True):
        assert 0.8 * base <= wait <= 1.2 * base
    assert len(set(waits)) > 1  # jitter: not a fixed schedule


async def test_healthy_run_resets_the_backoff():
    """A failure after a long healthy run starts the backoff from the beginning again."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 4:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await supervise(Flaky(), first=1.0, maximum=60.0, healthy_run=0.0, sleep=record)
    assert all(0.8 <= w <= 1.2 for w in waits)


async def test_rejected_token_disables_with_one_clear_log_line(caplog):
    """AdapterFatal: no retry, state "disabled", and exactly one error line naming the adapter."""
    board, adapter = AdapterBoard(), Rejected()
    with caplog.at_level(logging.INFO, logger="bot.host"):
        await asyncio.wait_for(supervise(adapter, board, first=0.001), 2)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert adapter.runs == 1
    assert len(errors) == 1
    assert "rejected disabled" in errors[0].getMessage()
    assert "401 Unauthorized" in errors[0].getMessage()
    [status] = board.all()
    assert status.state is AdapterState.DISABLED


async def test_cancellation_reaches_a_running_adapter():
    """Cancelling the supervisor cancels the adapter inside it (its cleanup runs)."""
    steady = Steady()
    task = asyncio.create_task(supervise(steady))
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steady.closed


async def test_cancellation_during_backoff_is_not_swallowed():
    """Cancelled while waiting to restart, the supervisor stops instead of retrying."""
    flaky = Flaky()
    task = asyncio.create_task(supervise(flaky, first=30.0))
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 1)
    assert flaky.runs == 1


async def test_serve_exits_1_when_every_adapter_is_disabled(core):
    """With every platform token rejected there is nothing to serve: exit status 1."""
    settings = load_settings(_env_file=None)
    assert await asyncio.wait_for(serve(settings, core, adapters=[Rejected()]), 5) == 1


async def test_serve_keeps_serving_when_one_of_two_adapters_is_disabled(core):
    """One rejected token leaves the other adapter running under the same TaskGroup."""
    settings = load_settings(_env_file=None)
    steady = Steady()
    task = asyncio.create_task(serve(settings, core, adapters=[Rejected(), steady]))
    await asyncio.sleep(0.2)
    assert not task.done()
    states = {s.name: s.effective for s in core.runtime.adapters.all()}
    assert states == {"rejected": AdapterState.DISABLED, "steady": AdapterState.CONNECTED}
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steady.closed


async def test_background_services_include_the_lag_monitor_and_health_when_enabled(core):
    """The monitor, the quiz round runner and the daily scheduler always run; the health
    endpoint only with HEALTH__ENABLED."""
    off = background_services(load_settings(_env_file=None), core)
    on = background_services(load_settings(_env_file=None, health={"enabled": True}), core)
    assert [s.name for s in off] == ["loop-monitor", "quiz-rounds", "daily"]
    assert [s.name for s in on] == ["loop-monitor", "quiz-rounds", "daily", "health"]


async def test_instrument_adds_the_command_counter_once(core):
    """The counting middleware is added from the host, and only once."""
    instrument(core)
    instrument(core)
    assert core.router.middlewares.count(count_commands) == 1


# -- the real process ------------------------------------------------------------------------

def _start_bot(tmp_path: Path, **env: str) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("DISCORD__", "TELEGRAM__", "HEALTH__", "STORAGE__"))}
    environ.update(STORAGE__PATH=str(tmp_path / "bot.sqlite3"), LOG__LEVEL="INFO", **env)
    # cwd is the temporary folder, so a developer's own .env is not read.
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=environ,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_line(stream, needle: str, timeout: float = 30.0) -> list[str]:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} not seen; got {seen}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_bot_cleanly_within_5_seconds(tmp_path, sig):
    """A signal while serving (stdin still open) exits 0 within 5 s and closes the database."""
    bot = _start_bot(tmp_path)
    try:
        _wait_for_line(bot.stderr, "host: serving")
        bot.stdin.write("/term await\n")
        bot.stdin.flush()
        _wait_for_line(bot.stdout, "await")  # it answers: serving, not just started
        sent = time.monotonic()
        bot.send_signal(sig)
        code = bot.wait(timeout=10)
        elapsed = time.monotonic() - sent
        err = bot.stderr.read()
    finally:
        bot.kill()
        bot.wait()
    assert code == 0
    assert elapsed < 5.0
    assert f"{sig.name} received" in err
    assert "Traceback" not in err
    # The last connection closing checkpoints the WAL and removes it: the database was closed.
    assert (tmp_path / "bot.sqlite3").exists()
    assert not (tmp_path / "bot.sqlite3-wal").exists()


def test_console_end_of_input_exits_0(tmp_path):
    """Piped commands are answered, and the end of input ends the process with status 0."""
    bot = _start_bot(tmp_path)
    out, err = bot.communicate("/inside\n", timeout=30)
    assert bot.returncode == 0
    assert "Event loop lag" in out
    assert "console: connected" in out
    assert "level=info logger=bot.host" in err


def test_health_endpoint_of_the_real_process(tmp_path):
    """With HEALTH__ENABLED the running bot answers /healthz 200 and counts commands in /metrics."""
    import re
    import urllib.request

    bot = _start_bot(tmp_path, HEALTH__ENABLED="true", HEALTH__PORT="0")
    try:
        lines = _wait_for_line(bot.stderr, "health: listening")
        port = re.search(r"http://127\.0\.0\.1:(\d+)", lines[-1])[1]
        bot.stdin.write("/term await\n")
        bot.stdin.flush()
        _wait_for_line(bot.stdout, "await")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            health = response.status, response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        bot.send_signal(signal.SIGTERM)
        code = bot.wait(timeout=10)
    finally:
        bot.kill()
        bot.wait()
    assert health == (200, "ok\n")
    assert 'asyncguru_commands_total{command="term",outcome="ok"} 1.0' in metrics
    assert 'asyncguru_adapter_up{adapter="console"} 1.0' in metrics
    assert code == 0


STUBBORN = """
import asyncio, sys
from bot.core.app import Core
from bot.core.content import Library
from bot.core.services import Services, bank_beside
from bot.host import serve
from bot.settings import PROJECT_ROOT, load_settings
from bot.storage import Storage

class Stubborn:
    name = "stubborn"
    async def run(self):
        print("serving", flush=True)
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                pass  # the bug under test: cancellation swallowed

async def main():
    storage = await Storage.open(sys.argv[1])
    library = Library.from_dir(PROJECT_ROOT / "content")
    core = Core(library, Services.of(storage, quiz_bank=bank_beside(library)))
    return await serve(load_settings(_env_file=None), core, adapters=[Stubborn()])

from bot import logs
logs.configure("INFO")
sys.exit(asyncio.run(main()))
"""


def test_a_task_that_ignores_cancellation_cannot_hold_the_process(tmp_path):
    """If some task swallows its cancellation, the watchdog still ends the process at 5 s."""
    bot = subprocess.Popen([sys.executable, "-c", STUBBORN, str(tmp_path / "db.sqlite3")],
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_line(bot.stdout, "serving")
        sent = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        code = bot.wait(timeout=15)
        elapsed = time.monotonic() - sent
        err = bot.stderr.read()
    finally:
        bot.kill()
        bot.wait()
    assert code == 1
    assert 4.5 < elapsed < 10.0  # the watchdog's 5 s, then the exit, slower on a busy machine
    assert "task adapter:stubborn did not stop" in err
    assert "shutdown did not finish within 5 s" in err


async def test_adapter_failures_are_logged_with_structured_fields(caplog):
    """Each failure is one record carrying event, adapter, failures and retry_in fields."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise asyncio.CancelledError

    with caplog.at_level(logging.WARNING, logger="bot.host"), \
            pytest.raises(asyncio.CancelledError):
        await supervise(Flaky(), first=1.0, sleep=record)
    records = [r for r in caplog.records if getattr(r, "event", None) == "adapter_failed"]
    assert [(r.adapter, r.failures) for r in records] == [("flaky", 1), ("flaky", 2)]
    assert [r.retry_in for r in records] == [round(w, 1) for w in waits]
    assert "ConnectionError: gateway closed the connection" in records[0].getMessage()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12+ uses pidfds by default")
async def test_child_processes_are_watched_without_a_thread_each():
    """A sandbox start must not block the loop starting a watcher thread: with pidfds the loop
    polls the child's exit like a socket."""
    previous = asyncio.get_child_watcher()
    try:
        if not watch_children_with_pidfds():
            pytest.skip("no pidfds on this kernel")
        threads = threading.active_count()
        procs = [await asyncio.create_subprocess_exec(sys.executable, "-c", f"raise SystemExit({n})")
                 for n in range(3)]
        assert threading.active_count() == threads  # no thread per child
        assert [await p.wait() for p in procs] == [0, 1, 2]
    finally:
        asyncio.set_child_watcher(previous)


def _imported_modules(path: Path, package: str) -> set[str]:
    """Every module a source file imports, relative imports resolved, `from x import y` read
    as both x and x.y (y may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _package_of(path: Path) -> str:
    """The package a source file under the project root belongs to (for relative imports)."""
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1])


def test_nothing_below_the_host_imports_it():
    """bot/adapters, bot/storage and bot/sandbox never import bot.host (at any depth of the
    file: lazy imports inside functions count too): the host imports them."""
    offenders = []
    for area in ("adapters", "storage", "sandbox"):
        for path in sorted((PROJECT_ROOT / "bot" / area).rglob("*.py")):
            imported = _imported_modules(path, _package_of(path))
            if any(m == "bot.host" or m.startswith("bot.host.") for m in imported):
                offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


def test_the_import_check_sees_every_form_of_importing_the_host(tmp_path):
    """`import bot.host`, `from bot.host import x`, `from bot import host` and a relative
    `from .. import host` are all caught (a check that cannot fail proves nothing)."""
    forms = ["import bot.host", "from bot.host import serve", "from bot import host",
             "def f():\n    from .. import host", "from ..host import serve"]
    for source in forms:
        path = tmp_path / "mod.py"
        path.write_text(source + "\n")
        assert "bot.host" in _imported_modules(path, "bot.adapters"), source
