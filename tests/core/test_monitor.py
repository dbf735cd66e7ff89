"""The runtime registry: loop lag, adapter states, memory, task kinds, command counts."""

from __future__ import annotations

import asyncio
import math
import time

import pytest

from bot.core.monitor import (
    AdapterBoard,
    AdapterState,
    LagMonitor,
    LatencyHistogram,
    ReplyTimes,
    count_commands,
    histogram_quantile,
    lag_stats,
    measure_lag,
    read_memory,
    task_kind,
    tasks_by_kind,
)
from bot.core.types import ChatRef, UserRef

CHAT, USER = ChatRef("console", "t"), UserRef("console", "t", "tester")


# `core`: the shared fixture of tests/conftest.py (real content, a temporary database).


def test_percentiles_are_nearest_rank_values():
    """p50/p99/max are values that were measured (nearest rank), not interpolations."""
    stats = lag_stats([i / 1000 for i in range(1, 101)], 60)
    assert (stats.p50, stats.p99, stats.max, stats.samples) == (0.050, 0.099, 0.100, 100)


def test_no_samples_no_stats():
    """Before the first sample there are no figures rather than zeros."""
    assert LagMonitor().stats() is None


def test_samples_older_than_the_window_are_dropped():
    """Only the last minute counts: a spike 61 s ago no longer shows."""
    monitor = LagMonitor(window=60)
    monitor.record(0.5, now=1000.0)
    for i in range(10):
        monitor.record(0.001, now=1061.0 + i * 0.1)
    stats = monitor.stats(now=1062.0)
    assert stats.samples == 10
    assert stats.max == 0.001


async def test_monitor_sees_code_that_blocks_the_loop():
    """A 60 ms time.sleep on the loop shows up as at least 50 ms of lag."""
    monitor = LagMonitor(interval=0.01)
    task = asyncio.create_task(monitor.run(), name="service:test-monitor")
    await asyncio.sleep(0.1)
    free = monitor.stats()
    time.sleep(0.06)  # noqa: ASYNC251 - on purpose: the very mistake the bot teaches
    await asyncio.sleep(0.05)
    task.cancel()
    blocked = monitor.stats()
    assert free is not None and free.samples > 0
    assert blocked.max >= 0.05
    assert monitor.is_running()


async def test_measure_lag_on_demand_gives_a_short_sample():
    """Without a monitor, a fifth of a second of measuring still gives about twenty samples."""
    stats = await measure_lag(duration=0.1, interval=0.01)
    assert 3 <= stats.samples <= 11


def test_adapter_without_probe_counts_as_connected_while_running():
    """A "starting" adapter with no probe (the console) is shown as connected."""
    board = AdapterBoard()
    board.update("console", AdapterState.STARTING)
    assert board.all()[0].effective is AdapterState.CONNECTED


def test_adapter_probe_decides_when_it_is_connected():
    """With a probe, "starting" lasts until the adapter says it is connected."""
    board, ready = AdapterBoard(), [False]
    board.update("discord", AdapterState.STARTING, probe=lambda: ready[0])
    assert board.all()[0].effective is AdapterState.STARTING
    ready[0] = True
    assert board.all()[0].effective is AdapterState.CONNECTED


def test_a_failing_probe_never_breaks_the_report():
    """A probe that raises reads as "starting", not as an error in /inside or /healthz."""
    board = AdapterBoard()
    board.update("discord", AdapterState.STARTING, probe=lambda: 1 / 0)
    assert board.all()[0].effective is AdapterState.STARTING


def test_reconnecting_is_not_overridden_by_the_probe():
    """A failed adapter stays "reconnecting" even if its stale probe still says connected."""
    board = AdapterBoard()
    board.update("discord", AdapterState.STARTING, probe=lambda: True)
    board.update("discord", AdapterState.RECONNECTING, failures=2, reason="ConnectionError")
    status = board.all()[0]
    assert status.effective is AdapterState.RECONNECTING
    assert status.failures == 2


def test_memory_is_read_from_proc_status(tmp_path):
    """VmRSS and VmHWM (the peak) are read in bytes."""
    status = tmp_path / "status"
    status.write_text("Name:\tpython\nVmHWM:\t   52000 kB\nVmRSS:\t   48000 kB\nThreads:\t3\n")
    memory = read_memory(status)
    assert (memory.rss, memory.peak) == (48000 * 1024, 52000 * 1024)


def test_memory_without_proc_is_none(tmp_path):
    """Where /proc is missing, memory is unknown, not zero."""
    assert read_memory(tmp_path / "missing") is None


def test_this_process_has_a_resident_size():
    """On Linux the real /proc/self/status gives a plausible RSS."""
    memory = read_memory()
    assert memory is not None and 1 << 20 < memory.rss <= memory.peak


@pytest.mark.parametrize(("name", "kind"), [("adapter:discord", "adapter"),
                                            ("service:loop-monitor", "service"),
                                            ("Task-12", "other"), (":x", "other")])
def test_task_kind_is_the_name_prefix(name, kind):
    """Tasks are counted by the prefix before ":"; unnamed ones are "other"."""
    assert task_kind(name) == kind


async def test_tasks_are_counted_by_kind():
    """Named tasks show up under their kind."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(stop.wait(), name=f"command:{i}") for i in range(3)]
    await asyncio.sleep(0)
    counts = tasks_by_kind()
    stop.set()
    await asyncio.gather(*tasks)
    assert counts["command"] == 3


async def test_commands_are_counted_under_their_canonical_name(core):
    """An alias (/t) counts as its command (/term); unknown commands are not counted."""
    core.router.middlewares.append(count_commands)
    await core.handle_text("/t await", CHAT, USER)
    await core.handle_text("/term", CHAT, USER)
    await core.handle_text("/nope", CHAT, USER)
    assert core.runtime.commands == {("term", "ok"): 2}


async def test_a_failing_handler_is_counted_as_an_error(core):
    """A handler that raises counts as an error (and the user still gets the apology)."""
    from bot.core.router import CommandSpec, Text

    async def broken(ctx):
        raise RuntimeError("bug")

    core.router.add(CommandSpec("broken", Text("x", "x"), broken))
    core.router.middlewares.append(count_commands)
    reply = await core.handle_text("/broken", CHAT, USER)
    assert core.runtime.commands == {("broken", "error"): 1}
    assert "Oops" in reply.plain()


async def test_a_monitor_that_just_started_counts_as_running():
    """Before its first wake-up a freshly started monitor is running, not dead."""
    monitor = LagMonitor(interval=0.5)
    task = asyncio.create_task(monitor.run())
    await asyncio.sleep(0)
    running, stats = monitor.is_running(), monitor.stats()
    task.cancel()
    assert running and stats is None


def test_a_monitor_that_stopped_waking_is_not_running():
    """No sample for a while: the monitor (or the loop) is stuck."""
    monitor = LagMonitor(interval=0.1)
    monitor.record(0.001, now=100.0)
    assert monitor.is_running(now=100.5)
    assert not monitor.is_running(now=102.0)


def test_losing_the_connection_inside_run_reads_as_reconnecting():
    """An adapter whose library reconnects by itself (no exception) shows "reconnecting"."""
    board, connected = AdapterBoard(), [True]
    board.update("discord", AdapterState.STARTING, probe=lambda: connected[0])
    assert board.all()[0].effective is AdapterState.CONNECTED
    connected[0] = False
    assert board.all()[0].effective is AdapterState.RECONNECTING


def test_a_histogram_counts_each_observation_in_the_first_bucket_that_holds_it():
    """A value equal to a bound counts in that bucket (Prometheus's `le`), a larger one in the
    next; the cumulative counts and the sum are what /metrics exposes."""
    histogram = LatencyHistogram((0.001, 0.01, math.inf))
    for seconds in (0.0005, 0.001, 0.002, 0.5):
        histogram.observe(seconds)
    assert histogram.cumulative() == [(0.001, 2), (0.01, 3), (math.inf, 4)]
    assert histogram.count == 4
    assert histogram.sum == pytest.approx(0.5035)


def test_histogram_bounds_must_ascend_to_infinity():
    """Bounds out of order, or without a last +inf bucket, are a programming error."""
    with pytest.raises(ValueError):
        LatencyHistogram((0.01, 0.001, math.inf))
    with pytest.raises(ValueError):
        LatencyHistogram((0.001, 0.01))


def test_quantiles_interpolate_inside_their_bucket():
    """As Prometheus's histogram_quantile: linear inside the bucket the rank falls in."""
    buckets = [(0.001, 0), (0.002, 50), (0.010, 100), (math.inf, 100)]
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.002)
    assert histogram_quantile(0.25, buckets) == pytest.approx(0.0015)
    assert histogram_quantile(0.99, buckets) == pytest.approx(0.002 + 0.008 * 49 / 50)


def test_a_quantile_in_the_open_last_bucket_is_its_lower_bound():
    """Beyond the last finite bound nothing is known but that bound; with no observations, nan."""
    assert histogram_quantile(0.99, [(0.01, 1), (math.inf, 10)]) == 0.01
    assert math.isnan(histogram_quantile(0.5, [(0.01, 0), (math.inf, 0)]))


def test_reply_times_keep_one_histogram_per_command():
    """The same command name gives the same histogram; they are listed by name."""
    times = ReplyTimes()
    times.histogram("term").observe(0.002)
    times.histogram("term").observe(0.003)
    times.histogram("quiz").observe(0.004)
    assert [(name, h.count) for name, h in times.items()] == [("quiz", 1), ("term", 2)]
