"""The host: one asyncio process, one TaskGroup owning every long-lived task.

    TaskGroup
    ├── adapter:discord      supervise(DiscordAdapter)   } those bot/adapters/registry.py finds
    ├── adapter:telegram     supervise(TelegramAdapter)  } configured; the console when none
    ├── service:loop-monitor LagMonitor.run()            } background services: the monitors,
    ├── service:health       HealthServer.run()          } the health endpoint, the scheduler...
    └── host:shutdown        waits for SIGTERM/SIGINT, then cancels the rest

Each adapter runs under a supervisor: a TaskGroup cancels all siblings when one child raises,
so the supervisor catches every error but cancellation, restarts the adapter with exponential
backoff and jitter, and disables it for good on `AdapterFatal` (an invalid token). One adapter
failing never stops the other, and never slows it: a failed adapter waits by awaiting a sleep.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.adapters import registry
from bot.adapters.base import Adapter, AdapterFatal
from bot.adapters.console import ConsoleAdapter
from bot.core.app import Core
from bot.core.monitor import AdapterBoard, AdapterState, SchedulerProvider, count_commands
from bot.core.text import cut_line
from bot.settings import Settings

log = logging.getLogger(__name__)

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# A run that lasted this long was healthy: the next failure starts the backoff from the start.
HEALTHY_RUN = 60.0
# SIGTERM to exit: Docker's default grace is 10 s, the issue asks for 5 s.
SHUTDOWN_TIMEOUT = 5.0


class Service(Protocol):
    """A background service owned by the host's TaskGroup (monitor, health endpoint, daily
    scheduler, sandbox pool): runs until cancelled."""

    name: str

    async def run(self) -> None: ...


def _one_line(exc: BaseException) -> str:
    return cut_line(str(exc), 200) or type(exc).__name__


async def supervise(adapter: Adapter, board: AdapterBoard | None = None, *,
                    probe: Callable[[], bool] | None = None,
                    first: float = BACKOFF_FIRST, maximum: float = BACKOFF_MAX,
                    healthy_run: float = HEALTHY_RUN,
                    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
    """Run `adapter` until it returns, is disabled, or this task is cancelled. The waits
    between restarts are awaited (`sleep`), so a failing adapter never holds the loop.
    `probe` (from the registry) says when it is connected; without it, while run() runs."""
    board = board or AdapterBoard()
    delay, failures = first, 0
    while True:
        board.update(adapter.name, AdapterState.STARTING, failures=failures, probe=probe)
        started = time.monotonic()
        try:
            await adapter.run()
        except asyncio.CancelledError:
            raise
        except AdapterFatal as exc:
            log.error("host: adapter %s disabled: %s", adapter.name, _one_line(exc),
                      extra={"event": "adapter_disabled", "adapter": adapter.name})
            board.update(adapter.name, AdapterState.DISABLED, reason=_one_line(exc))
            return
        except Exception as exc:
            if time.monotonic() - started >= healthy_run:
                delay, failures = first, 0
            failures += 1
            wait = delay * random.uniform(0.8, 1.2)  # jitter: restarts of many bots never align
            log.warning("host: adapter %s failed (%s: %s); restart %d in %.1f s",
                        adapter.name, type(exc).__name__, _one_line(exc), failures, wait,
                        exc_info=log.isEnabledFor(logging.DEBUG),
                        extra={"event": "adapter_failed", "adapter": adapter.name,
                               "failures": failures, "retry_in": round(wait, 1)})
            board.update(adapter.name, AdapterState.RECONNECTING, failures=failures,
                         reason=f"{type(exc).__name__}: {_one_line(exc)}",
                         retry_at=time.monotonic() + wait)
            await sleep(wait)
            delay = min(delay * 2, maximum)
        else:
            log.info("host: adapter %s stopped", adapter.name,
                     extra={"event": "adapter_stopped", "adapter": adapter.name})
            board.update(adapter.name, AdapterState.STOPPED)
            return


def instrument(core: Core) -> None:
    """Cross-cutting work added from the outside, not by editing every feature."""
    if count_commands not in core.router.middlewares:
        core.router.middlewares.append(count_commands)


def background_services(settings: Settings, core: Core) -> list[Service]:
    """Everything besides the adapters that lives as long as the process, each a `Service`
    (`name`, `async run()` until cancelled) owned by the host's one TaskGroup: the loop
    monitor, what the features declared (`core.services_to_run()`: the daily scheduler), the
    health endpoint. The sandbox's pool is owned by the sandbox itself (`Sandbox.open`)."""
    services: list[Service] = [core.runtime.lag]
    for service in core.services_to_run():
        services.append(service)
        if isinstance(service, SchedulerProvider):  # /inside and /healthz show its next post
            core.runtime.register_scheduler(service)
    if settings.health.enabled:
        from bot.health import HealthServer

        services.append(HealthServer(core.runtime, settings.health))
    return services


def watch_children_with_pidfds() -> bool:
    """Python 3.11 watches each child process (every sandbox) with a thread of its own, and
    starting that thread blocks the loop until the thread runs: measured under load, 10-40 ms
    per sandbox started. A pidfd is a file descriptor the loop polls like a socket: no thread.
    (3.12+ does this by default.) False where the kernel has no pidfds (before 5.3)."""
    if sys.version_info >= (3, 12) or not hasattr(os, "pidfd_open"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:  # seccomp or an old kernel
        return False
    watcher = asyncio.PidfdChildWatcher()
    watcher.attach_loop(asyncio.get_running_loop())
    asyncio.set_child_watcher(watcher)
    return True


def freeze_startup_objects() -> None:
    """Everything loaded so far (modules, libraries, cards, quiz bank) lives as long as the
    process: move it out of the garbage collector's sight. A full collection otherwise walks
    all of it every time, stalling the loop for tens of milliseconds under load (measured:
    up to 95 ms); afterwards it walks only what was made since."""
    gc.collect()
    gc.freeze()


async def _run_service(service: Service) -> None:
    """A service that fails is logged and restarted after a pause; it never takes the
    adapters down with it."""
    while True:
        try:
            await service.run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("host: service %s failed; restarting in 5 s", service.name)
            await asyncio.sleep(5)


async def serve(settings: Settings, core: Core, *, adapters: list[Adapter] | None = None) -> int:
    """Run until SIGTERM/SIGINT (exit status 0), the console's end of input (0), or until no
    platform adapter is left (1: every token was rejected). The adapters are those the
    registry finds configured, or the console; `adapters` replaces them (tests)."""
    instrument(core)
    plugged = (registry.build(settings, core) if adapters is None
               else [registry.Plugged(a) for a in adapters])
    if not plugged:
        log.info("host: no platform token set: console adapter")
        plugged = [registry.Plugged(ConsoleAdapter(core))]
    services = background_services(settings, core)
    freeze_startup_objects()
    board = core.runtime.adapters
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, _on_signal, sig, stop)
    try:
        async with asyncio.TaskGroup() as tg:
            owned = [tg.create_task(_run_service(service), name=f"service:{service.name}")
                     for service in services]
            supervised = [tg.create_task(supervise(p.adapter, board, probe=p.probe),
                                         name=f"adapter:{p.adapter.name}") for p in plugged]
            log.info("host: serving adapters=%s services=%s",
                     ",".join(p.adapter.name for p in plugged), ",".join(s.name for s in services))
            adapters_done = asyncio.ensure_future(asyncio.wait(supervised))
            stop_wait = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({adapters_done, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                adapters_done.cancel()
                stop_wait.cancel()
            await _shutdown(owned + supervised)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
    states = {s.name: s.state for s in board.all()}
    if not stop.is_set() and AdapterState.DISABLED in states.values() \
            and AdapterState.STOPPED not in states.values():
        log.error("host: no adapter left running (%s); exiting",
                  ", ".join(f"{n} {s.value}" for n, s in states.items()))
        return 1
    return 0


def _on_signal(sig: signal.Signals, stop: asyncio.Event) -> None:
    if stop.is_set():
        log.warning("host: %s again; already shutting down", sig.name)
        return
    log.info("host: %s received; shutting down", sig.name,
             extra={"event": "shutdown_requested", "signal": sig.name})
    stop.set()
    # The promise is "gone within 5 s": should some task swallow its cancellation (a bug), a
    # watchdog thread ends the process anyway, saying so, with status 1.
    watchdog = threading.Timer(SHUTDOWN_TIMEOUT, _hard_exit, (asyncio.get_running_loop(),))
    watchdog.daemon = True  # a process that exits in time never waits for it
    watchdog.start()


def _hard_exit(loop: asyncio.AbstractEventLoop) -> None:
    try:  # read from another thread: a best-effort list for the log line
        stuck = ", ".join(sorted(t.get_name() for t in asyncio.all_tasks(loop))) or "none"
    except RuntimeError:
        stuck = "unknown"
    log.error("host: shutdown did not finish within %.0f s (tasks still running: %s);"
              " exiting now", SHUTDOWN_TIMEOUT, stuck)
    os._exit(1)


async def _shutdown(tasks: list[asyncio.Task]) -> None:
    """Cancel every task of the group: adapters stop taking updates and close their sessions,
    in-flight commands and sandbox runs are cancelled (the sandbox kills its processes), the
    services stop. The database is closed by `__main__` once the group is done."""
    started = time.monotonic()
    for task in tasks:
        task.cancel()
    grace = SHUTDOWN_TIMEOUT - 1.0  # leave a second for closing the database and exiting
    _, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        log.error("host: task %s did not stop within %.1f s; cancelling again",
                  task.get_name(), grace)
        task.cancel()
    log.info("host: stopped %d tasks in %.2f s", len(tasks), time.monotonic() - started)
