"""The health and metrics endpoint, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
import time

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.monitor import AdapterState, Runtime, SandboxLoad
from bot.health import HealthServer
from bot.settings import HealthSettings, load_settings


@pytest.fixture
async def served():
    """A runtime with its lag monitor running, and the endpoint on a free loopback port."""
    runtime = Runtime()
    server = HealthServer(runtime, HealthSettings(enabled=True, port=0, max_lag_ms=250))
    tasks = [asyncio.create_task(runtime.lag.run()), asyncio.create_task(server.run())]
    await asyncio.wait_for(server.ready.wait(), 5)
    await asyncio.sleep(0.25)  # a couple of monitor samples
    async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
        yield runtime, http
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def get(http: aiohttp.ClientSession, path: str) -> tuple[int, str]:
    async with http.get(path) as response:
        return response.status, await response.text()


async def test_healthy_when_every_adapter_is_connected(served):
    """200 "ok" while all adapters are connected and the loop is responsive."""
    runtime, http = served
    runtime.adapters.update("discord", AdapterState.STARTING, probe=lambda: True)
    runtime.adapters.update("telegram", AdapterState.STARTING)
    assert await get(http, "/healthz") == (200, "ok\n")


async def test_unhealthy_while_an_adapter_reconnects(served):
    """503 names the adapter, its state and its last error."""
    runtime, http = served
    runtime.adapters.update("discord", AdapterState.STARTING)
    runtime.adapters.update("telegram", AdapterState.RECONNECTING, failures=2,
                            reason="NetworkError: connection reset")
    status, body = await get(http, "/healthz")
    assert status == 503
    assert body == "adapter telegram is reconnecting: NetworkError: connection reset\n"


async def test_unhealthy_until_an_adapter_says_it_is_connected(served):
    """An adapter whose probe says "not yet" keeps /healthz at 503 ("starting")."""
    runtime, http = served
    runtime.adapters.update("discord", AdapterState.STARTING, probe=lambda: False)
    assert await get(http, "/healthz") == (503, "adapter discord is starting\n")


async def test_a_disabled_adapter_is_not_counted_but_none_left_is_unhealthy(served):
    """A disabled adapter alone leaves nothing enabled: 503 with the reason."""
    runtime, http = served
    runtime.adapters.update("discord", AdapterState.DISABLED, reason="token rejected")
    status, body = await get(http, "/healthz")
    assert status == 503
    assert "no adapter enabled: discord (token rejected) disabled" in body
    runtime.adapters.update("telegram", AdapterState.STARTING)
    assert (await get(http, "/healthz"))[0] == 200


async def test_unhealthy_when_the_loop_lags(served):
    """A p99 lag over the limit turns /healthz to 503 with the figure."""
    runtime, http = served
    runtime.adapters.update("console", AdapterState.STARTING)
    for _ in range(10):
        runtime.lag.record(0.4)
    status, body = await get(http, "/healthz")
    assert status == 503
    assert "event-loop lag p99 400 ms over the last minute (limit 250 ms)" in body


async def test_unhealthy_when_the_monitor_is_not_running(tmp_path):
    """Without lag samples, health cannot be vouched for."""
    runtime = Runtime()
    runtime.adapters.update("console", AdapterState.STARTING)
    server = HealthServer(runtime, HealthSettings(enabled=True, port=0))
    task = asyncio.create_task(server.run())
    await asyncio.wait_for(server.ready.wait(), 5)
    async with aiohttp.ClientSession() as http:
        status, body = await get(http, f"http://127.0.0.1:{server.port}/healthz")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert (status, body) == (503, "the loop-lag monitor is not running\n")


async def test_metrics_are_prometheus_text(served):
    """/metrics parses as Prometheus text with lag, uptime, adapters, commands, reply times and
    process."""
    runtime, http = served
    runtime.adapters.update("discord", AdapterState.STARTING)
    runtime.adapters.update("telegram", AdapterState.RECONNECTING, failures=1)
    runtime.commands["term", "ok"] += 5
    runtime.commands["run", "error"] += 1
    runtime.replies.histogram("term").observe(0.002)
    runtime.replies.histogram("term").observe(0.2)
    runtime.register_sandbox(type("P", (), {"load": lambda self: SandboxLoad(1, 2, 4)})())
    async with http.get("/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert samples["asyncguru_adapter_up", (("adapter", "discord"),)] == 1
    assert samples["asyncguru_adapter_up", (("adapter", "telegram"),)] == 0
    assert samples["asyncguru_adapter_state", (("adapter", "telegram"),
                                               ("state", "reconnecting"))] == 1
    assert samples["asyncguru_commands_total", (("command", "term"), ("outcome", "ok"))] == 5
    assert samples["asyncguru_commands_total", (("command", "run"), ("outcome", "error"))] == 1
    assert samples["asyncguru_event_loop_lag_seconds", (("quantile", "0.99"),)] < 0.25
    assert samples["asyncguru_reply_seconds_bucket", (("command", "term"), ("le", "0.002"))] == 1
    assert samples["asyncguru_reply_seconds_bucket", (("command", "term"), ("le", "+Inf"))] == 2
    assert samples["asyncguru_reply_seconds_count", (("command", "term"),)] == 2
    assert samples["asyncguru_reply_seconds_sum", (("command", "term"),)] == pytest.approx(0.202)
    assert samples["asyncguru_uptime_seconds", ()] > 0
    assert samples["asyncguru_sandbox_running", ()] == 2
    assert samples["process_resident_memory_bytes", ()] > 1 << 20
    assert samples["asyncguru_tasks", (("kind", "other"),)] >= 1


async def test_a_stuck_loop_cannot_answer():
    """The endpoint runs on the loop it reports on: while the loop is blocked, a client (like
    Docker's healthcheck, from outside) gets no answer in time."""
    runtime = Runtime()
    server = HealthServer(runtime, HealthSettings(enabled=True, port=0))
    task = asyncio.create_task(server.run())
    await asyncio.wait_for(server.ready.wait(), 5)
    url = f"http://127.0.0.1:{server.port}/healthz"

    def outside_client() -> str:  # its own loop, in another thread
        async def one() -> str:
            timeout = aiohttp.ClientTimeout(total=0.5)
            async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
                return str(response.status)
        try:
            return asyncio.run(one())
        except TimeoutError:
            return "timeout"

    answers: list[str] = []
    client = threading.Thread(target=lambda: answers.append(outside_client()))
    client.start()
    time.sleep(1.0)  # noqa: ASYNC251 - on purpose: hold the loop like a blocking handler
    await asyncio.to_thread(client.join)
    [answer] = answers
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert answer == "timeout"


def test_endpoint_is_off_and_on_loopback_by_default():
    """HEALTH__ENABLED defaults to false, HEALTH__HOST to 127.0.0.1, HEALTH__PORT to 8080."""
    health = load_settings(_env_file=None).health
    assert (health.enabled, health.host, health.port) == (False, "127.0.0.1", 8080)


def test_health_settings_come_from_the_environment(monkeypatch):
    """HEALTH__* variables configure the endpoint."""
    monkeypatch.setenv("HEALTH__ENABLED", "true")
    monkeypatch.setenv("HEALTH__HOST", "0.0.0.0")
    monkeypatch.setenv("HEALTH__PORT", "9100")
    health = load_settings(_env_file=None).health
    assert (health.enabled, health.host, health.port) == (True, "0.0.0.0", 9100)


async def test_a_taken_port_is_one_clear_log_line(caplog):
    """When the port is in use the endpoint logs why, keeps trying, and never raises."""
    holder = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = holder.sockets[0].getsockname()[1]
    server = HealthServer(Runtime(), HealthSettings(enabled=True, port=port))
    task = asyncio.create_task(server.run())
    await asyncio.sleep(0.2)
    running = not task.done()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    holder.close()
    await holder.wait_closed()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert running
    [error] = errors
    assert error.startswith(f"health: cannot listen on 127.0.0.1:{port} (")
    assert "address already in use" in error and error.endswith("retrying in 30 s")
