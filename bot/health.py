"""The optional health and metrics endpoint (HEALTH__ENABLED): a small aiohttp server in the
bot's own event loop.

- `/healthz`: 200 "ok" while every enabled adapter is connected and the loop is responsive,
  else 503 with the reasons, one per line (what a container healthcheck or a load balancer
  reads). An adapter disabled for a rejected token is not "enabled": restarting cannot fix it,
  so it is logged once and shown in /inside and /metrics instead.
- `/metrics`: Prometheus text format, rendered by prometheus-client from live figures at
  scrape time (nothing to keep in sync).

The answers come from the same loop they describe: when the loop is stuck, /healthz cannot
answer at all, and the client's timeout is the signal.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from bot.core.monitor import AdapterState, Runtime, read_memory, tasks_by_kind
from bot.settings import HealthSettings

log = logging.getLogger(__name__)

PREFIX = "asyncguru"
BIND_RETRY = 30.0  # seconds between tries when the port is taken


def health_problems(runtime: Runtime, max_lag: float) -> list[str]:
    """Why the process is unhealthy; empty when it is healthy."""
    problems = []
    statuses = runtime.adapters.all()
    enabled = [s for s in statuses if s.state is not AdapterState.DISABLED]
    if not enabled:
        disabled = ", ".join(f"{s.name} ({s.reason})" for s in statuses)
        problems.append(f"no adapter enabled{': ' + disabled + ' disabled' if disabled else ''}")
    for status in enabled:
        state = status.effective
        if state is not AdapterState.CONNECTED:
            why = f": {status.reason}" if status.reason else ""
            problems.append(f"adapter {status.name} is {state.value}{why}")
    if not runtime.lag.is_running():
        problems.append("the loop-lag monitor is not running")
    else:
        stats = runtime.lag.stats()
        if stats is not None and stats.p99 > max_lag:
            problems.append(f"event-loop lag p99 {stats.p99 * 1000:.0f} ms over the last minute"
                            f" (limit {max_lag * 1000:.0f} ms)")
    return problems


class RuntimeCollector(Collector):
    """Reads the runtime at each scrape."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        rt = self.runtime
        lag = GaugeMetricFamily(f"{PREFIX}_event_loop_lag_seconds",
                                "How late the monitor task woke, over the last minute",
                                labels=["quantile"])
        stats = rt.lag.stats()
        if stats is not None:
            lag.add_metric(["0.5"], stats.p50)
            lag.add_metric(["0.99"], stats.p99)
            lag.add_metric(["1"], stats.max)
        yield lag
        yield GaugeMetricFamily(f"{PREFIX}_uptime_seconds", "Seconds since the process started",
                                value=rt.uptime())
        up = GaugeMetricFamily(f"{PREFIX}_adapter_up", "1 while the adapter is connected",
                               labels=["adapter"])
        state = GaugeMetricFamily(f"{PREFIX}_adapter_state", "The adapter's state (1 = current)",
                                  labels=["adapter", "state"])
        failures = GaugeMetricFamily(f"{PREFIX}_adapter_consecutive_failures",
                                     "Failures since the adapter last started cleanly",
                                     labels=["adapter"])
        for status in rt.adapters.all():
            current = status.effective
            up.add_metric([status.name], 1.0 if current is AdapterState.CONNECTED else 0.0)
            for each in AdapterState:
                state.add_metric([status.name, each.value], 1.0 if each is current else 0.0)
            failures.add_metric([status.name], status.failures)
        yield up
        yield state
        yield failures
        commands = CounterMetricFamily(f"{PREFIX}_commands", "Commands handled",
                                       labels=["command", "outcome"])
        for (name, outcome), count in sorted(rt.commands.items()):
            commands.add_metric([name, outcome], count)
        yield commands
        replies = HistogramMetricFamily(
            f"{PREFIX}_reply_seconds", "From a command's update reaching the adapter to its first "
            "reply handed to the platform", labels=["command"])
        for name, histogram in rt.replies.items():
            replies.add_metric([name], [(floatToGoString(bound), count)
                                        for bound, count in histogram.cumulative()],
                               sum_value=histogram.sum)
        yield replies
        tasks = GaugeMetricFamily(f"{PREFIX}_tasks", "asyncio tasks alive, by kind",
                                  labels=["kind"])
        for kind, count in sorted(tasks_by_kind().items()):
            tasks.add_metric([kind], count)
        yield tasks
        memory = read_memory()
        if memory is not None:
            yield GaugeMetricFamily(f"{PREFIX}_memory_peak_bytes",
                                    "Peak resident memory (VmHWM)", value=memory.peak)
        if rt.sandbox is not None:
            load = rt.sandbox.load()
            for name, value, text in (("queued", load.queued, "Sandbox runs waiting"),
                                      ("running", load.running, "Sandbox runs executing"),
                                      ("capacity", load.capacity, "Sandbox runs allowed at once")):
                yield GaugeMetricFamily(f"{PREFIX}_sandbox_{name}", text, value=value)
        if rt.scheduler is not None:
            due = rt.scheduler.next_post()
            if due is not None:
                yield GaugeMetricFamily(f"{PREFIX}_daily_next_post_timestamp_seconds",
                                        "When the next daily post is due (Unix time)",
                                        value=due.timestamp())


def build_registry(runtime: Runtime) -> CollectorRegistry:
    # A registry of our own (not the library's global one): two Cores in one test run, or a
    # library that registers its own metrics, never collide.
    registry = CollectorRegistry()
    registry.register(RuntimeCollector(runtime))
    ProcessCollector(registry=registry)  # process_resident_memory_bytes, CPU seconds, fds
    return registry


def build_app(runtime: Runtime, settings: HealthSettings) -> web.Application:
    registry = build_registry(runtime)
    max_lag = settings.max_lag_ms / 1000

    async def healthz(request: web.Request) -> web.Response:
        problems = health_problems(runtime, max_lag)
        if problems:
            return web.Response(status=503, text="\n".join(problems) + "\n")
        return web.Response(text="ok\n")

    async def metrics(request: web.Request) -> web.Response:
        body = generate_latest(registry)  # microseconds of work: fine on the loop
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


class HealthServer:
    """A background service of the host: listens until cancelled."""

    name = "health"

    def __init__(self, runtime: Runtime, settings: HealthSettings) -> None:
        self.runtime = runtime
        self.settings = settings
        self.port: int | None = None  # the bound port (useful with port 0)
        self.ready = asyncio.Event()

    async def run(self) -> None:
        runner = web.AppRunner(build_app(self.runtime, self.settings), access_log=None,
                               handle_signals=False)
        await runner.setup()
        try:
            while True:
                site = web.TCPSite(runner, self.settings.host, self.settings.port)
                try:
                    await site.start()
                    break
                except OSError as exc:  # port taken, address not local: say so, try again later
                    log.error("health: cannot listen on %s:%d (%s); retrying in %.0f s",
                              self.settings.host, self.settings.port, exc.strerror or exc,
                              BIND_RETRY)
                    await asyncio.sleep(BIND_RETRY)
            self.port = runner.addresses[0][1]
            log.info("health: listening on http://%s:%d (/healthz, /metrics)",
                     self.settings.host, self.port)
            self.ready.set()
            started = time.monotonic()
            try:
                await asyncio.Event().wait()  # serve until cancelled
            finally:
                log.info("health: stopping after %.0f s", time.monotonic() - started)
        finally:
            await runner.cleanup()
