"""The process watching itself: event-loop lag, adapter states, tasks, memory, commands handled.

`Runtime` is the one registry that `/inside`, `/healthz` and `/metrics` read. The host feeds it
(the supervisor updates adapter states, the lag monitor records samples); other parts of the
process register small providers (the sandbox's load, the scheduler's next post) so the core
can show them without importing them.
"""

from __future__ import annotations

import asyncio
import bisect
import enum
import itertools
import logging
import math
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from bot.core.router import Context, Next
from bot.core.types import Reply

log = logging.getLogger(__name__)

LAG_INTERVAL = 0.1  # seconds between wake-ups: 600 samples a minute, negligible work
LAG_WINDOW = 60.0  # figures cover the last minute


# -- event-loop lag ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LagStats:
    p50: float  # seconds
    p99: float
    max: float
    samples: int
    window: float  # seconds the samples span


def lag_stats(lags: list[float], window: float) -> LagStats | None:
    if not lags:
        return None
    ordered = sorted(lags)

    def pct(q: float) -> float:  # nearest-rank percentile: always a value that was measured
        return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]

    return LagStats(p50=pct(0.50), p99=pct(0.99), max=ordered[-1], samples=len(ordered),
                    window=window)


class LagMonitor:
    """A task that sleeps a fixed interval and records how late it woke up. While the loop is
    free, the lateness is the timer's granularity (well under a millisecond); whenever some
    code holds the loop without awaiting, every task waits, and this one measures how long.
    This is a background service of the host: `name` and `run()` until cancelled."""

    name = "loop-monitor"

    def __init__(self, interval: float = LAG_INTERVAL, window: float = LAG_WINDOW) -> None:
        self.interval = interval
        self.window = window
        self._samples: deque[tuple[float, float]] = deque()  # (monotonic time, lag seconds)
        self.last_sample: float | None = None  # monotonic time of the newest sample
        self.started_at: float | None = None  # monotonic time run() began

    @property
    def started(self) -> bool:
        """run() has begun (a monitor can be running yet have no sample)."""
        return self.started_at is not None

    async def run(self) -> None:
        self.started_at = time.monotonic()
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.interval)
            self.record(max(0.0, loop.time() - before - self.interval))

    def record(self, lag: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._samples.append((now, lag))
        self.last_sample = now
        horizon = now - self.window
        while self._samples and self._samples[0][0] < horizon:
            self._samples.popleft()

    def stats(self, now: float | None = None) -> LagStats | None:
        """p50/p99/max over the last `window` seconds; None before the first sample."""
        now = time.monotonic() if now is None else now
        recent = [(t, lag) for t, lag in self._samples if t >= now - self.window]
        if not recent:
            return None
        return lag_stats([lag for _, lag in recent], min(self.window, now - recent[0][0]
                                                         + self.interval))

    def is_running(self, now: float | None = None) -> bool:
        """A sample (or the start) within the last few intervals: the task is alive and waking."""
        now = time.monotonic() if now is None else now
        latest = self.last_sample if self.last_sample is not None else self.started_at
        return latest is not None and now - latest < max(1.0, 10 * self.interval)


async def measure_lag(duration: float = 0.2, interval: float = 0.01) -> LagStats | None:
    """A short measurement on demand (when no monitor runs, e.g. `--once`): the same method,
    with a finer interval so a fifth of a second still gives twenty samples."""
    monitor = LagMonitor(interval=interval, window=duration * 2)
    loop = asyncio.get_running_loop()
    end = loop.time() + duration
    while loop.time() < end:
        before = loop.time()
        await asyncio.sleep(interval)
        monitor.record(max(0.0, loop.time() - before - interval))
    return monitor.stats()


# -- reply latency -----------------------------------------------------------------------------

# Upper bounds (seconds) of the reply-latency buckets: fine below 20 ms, where a lookup's answer
# lies, then coarser up to the minutes a long /run can take. A fixed list: recording one reply is
# a bisect and two additions, with nothing allocated per command.
REPLY_BUCKETS = (0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.010, 0.0125,
                 0.015, 0.020, 0.025, 0.030, 0.040, 0.050, 0.075, 0.100, 0.150, 0.250, 0.500,
                 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, math.inf)


class LatencyHistogram:
    """Counts of observations per fixed bucket (cumulative since the start, as Prometheus
    histograms are: a reader takes the difference of two scrapes for a window of its own)."""

    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = REPLY_BUCKETS) -> None:
        if list(bounds) != sorted(bounds) or bounds[-1] != math.inf:
            raise ValueError("bucket bounds must ascend and end with +inf")
        self.bounds = bounds
        self.counts = [0] * len(bounds)  # per bucket, not cumulative
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, seconds)] += 1
        self.sum += seconds

    @property
    def count(self) -> int:
        return sum(self.counts)

    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, observations at most that long) per bucket, as Prometheus exposes them."""
        return list(zip(self.bounds, itertools.accumulate(self.counts), strict=True))


def histogram_quantile(q: float, buckets: list[tuple[float, int]]) -> float:
    """The q-quantile (0 < q <= 1) from cumulative (upper bound, count) buckets, interpolated
    linearly inside its bucket as Prometheus's histogram_quantile does; the finite bound below
    +inf when it falls in the last bucket; nan with no observations."""
    total = buckets[-1][1] if buckets else 0
    if total == 0:
        return math.nan
    rank = q * total
    lower, below = 0.0, 0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower
            return lower + (bound - lower) * (rank - below) / max(count - below, 1)
        lower, below = bound, count
    return lower


class ReplyTimes:
    """How long each kind of command took from its update reaching the adapter to the first
    reply being handed to the platform: one histogram per command name, made on first use (the
    names are the router's, so their number is bounded)."""

    def __init__(self) -> None:
        self._by_command: dict[str, LatencyHistogram] = {}

    def histogram(self, command: str) -> LatencyHistogram:
        found = self._by_command.get(command)
        if found is None:
            found = self._by_command[command] = LatencyHistogram()
        return found

    def items(self) -> list[tuple[str, LatencyHistogram]]:
        return sorted(self._by_command.items())


# -- adapters ----------------------------------------------------------------------------------

class AdapterState(enum.StrEnum):
    STARTING = "starting"  # run() called, not yet connected
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"  # failed; waiting out the backoff before the next try
    DISABLED = "disabled"  # the platform rejected the configuration: no more tries
    STOPPED = "stopped"  # run() returned (the console at end of input)


@dataclass(slots=True)
class AdapterStatus:
    name: str
    state: AdapterState
    since: float  # monotonic time of the last change
    failures: int = 0  # consecutive failures
    reason: str = ""  # the last error, one line, for /inside and /healthz
    retry_at: float | None = None  # monotonic time of the next try while reconnecting
    probe: Callable[[], bool] | None = None  # the adapter's own "am I connected?"
    was_connected: bool = False  # the probe said yes at least once during this run

    @property
    def effective(self) -> AdapterState:
        """While run() runs: "starting" until the adapter's probe says it is connected, and
        "reconnecting" when it says no again (a library reconnecting by itself, inside run()).
        Adapters without a probe count as connected while run() runs (the console)."""
        if self.state is not AdapterState.STARTING:
            return self.state
        try:
            connected = self.probe is None or bool(self.probe())
        except Exception:  # a probe must never break /inside or /healthz
            log.exception("monitor: connection probe of %s failed", self.name)
            connected = False
        if connected:
            self.was_connected = True
            return AdapterState.CONNECTED
        return AdapterState.RECONNECTING if self.was_connected else AdapterState.STARTING


class AdapterBoard:
    """Each adapter's state, written by the host's supervisor."""

    def __init__(self) -> None:
        self._status: dict[str, AdapterStatus] = {}

    def update(self, name: str, state: AdapterState, *, reason: str = "", failures: int = 0,
               retry_at: float | None = None, probe: Callable[[], bool] | None = None) -> None:
        old = self._status.get(name)
        self._status[name] = AdapterStatus(
            name=name, state=state, since=time.monotonic(), failures=failures, reason=reason,
            retry_at=retry_at, probe=probe if probe is not None else (old.probe if old else None))

    def all(self) -> list[AdapterStatus]:
        return list(self._status.values())


# -- providers other parts of the process register ---------------------------------------------

@dataclass(frozen=True, slots=True)
class SandboxLoad:
    queued: int  # runs waiting for a slot
    running: int  # runs executing now
    capacity: int  # runs allowed at once


class SandboxProvider(Protocol):
    def load(self) -> SandboxLoad: ...


@runtime_checkable
class SchedulerProvider(Protocol):
    def next_post(self) -> datetime | None:
        """When the next daily post is due (aware datetime), or None when nothing is due."""


# -- memory ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Memory:
    rss: int  # bytes resident now (VmRSS)
    peak: int  # the most ever resident (VmHWM, the high-water mark)


def read_memory(status: Path = Path("/proc/self/status")) -> Memory | None:
    """RSS and its high-water mark from /proc (Linux); None where there is no /proc."""
    try:
        text = status.read_text()
    except OSError:
        return None
    values: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            number, _, unit = rest.strip().partition(" ")
            values[key] = int(number) * (1024 if unit.strip() == "kB" else 1)
    if "VmRSS" not in values:
        return None
    return Memory(rss=values["VmRSS"], peak=values.get("VmHWM", values["VmRSS"]))


# -- tasks -------------------------------------------------------------------------------------

def task_kind(name: str) -> str:
    """Our tasks are named "<kind>:<detail>" (adapter:discord, service:loop-monitor); asyncio's
    default names ("Task-42") and libraries' own tasks count as "other"."""
    kind, sep, _ = name.partition(":")
    return kind if sep and kind else "other"


def tasks_by_kind() -> dict[str, int]:
    return dict(Counter(task_kind(task.get_name()) for task in asyncio.all_tasks()))


# -- the registry ------------------------------------------------------------------------------

class Runtime:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.lag = LagMonitor()
        self.adapters = AdapterBoard()
        self.sandbox: SandboxProvider | None = None
        self.scheduler: SchedulerProvider | None = None
        self.commands: Counter[tuple[str, str]] = Counter()  # (command, "ok" | "error")
        self.replies = ReplyTimes()  # time to each command's first reply, by command

    def uptime(self) -> float:
        return time.monotonic() - self.started

    def register_sandbox(self, provider: SandboxProvider) -> None:
        self.sandbox = provider

    def register_scheduler(self, provider: SchedulerProvider) -> None:
        self.scheduler = provider


async def count_commands(ctx: Context, call_next: Next) -> AsyncIterator[Reply]:
    """Middleware: counts each handled command under its canonical name (an alias counts as
    its command), and whether its handler raised."""
    spec = ctx.core.router.get(ctx.command.name)
    name = spec.name if spec else ctx.command.name
    counter = ctx.core.runtime.commands
    try:
        async for reply in call_next(ctx):
            yield reply
    except Exception:
        counter[name, "error"] += 1
        raise
    counter[name, "ok"] += 1
