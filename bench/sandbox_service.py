"""The sandbox as a service (run: `make bench`, or `python -m bench.sandbox_service`). Prints a
table and merges its figures into bench/results.json.

1. A trivial run through a sandbox service (`python -m bot.sandbox` on a unix socket, reached by
   RemoteSandbox) against the local sandbox in this process, interleaved in the same run, both
   with a warm pool of 2 refilled before each timed run. Goal: median ratio <= 1.3. Beside
   them, interleaved too and after the same wait, a bare HTTP round trip to the same service
   (GET /load on a kept connection, by the bot's own client): the part of the difference that
   is the trip itself, not the run.
2. Trivial runs per second with two sandbox services on this machine (one RemoteSandbox spread
   over both, 8 runs in flight), and with one, for comparison in the same run. No goal: on a
   2-core machine the services share the same CPUs, so a second one shows the spreading works,
   not extra capacity.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bench._results import figure, merge, table
from bot.sandbox import Config, RemoteConfig, RemoteSandbox, Sandbox, _http
from bot.sandbox._server import watch_children_with_pidfds

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 50
THROUGHPUT_RUNS = 40
IN_FLIGHT = 8
TRIVIAL = "print(1)"
REFILL_S = 0.3  # before each timed run: both pools refilled (a user never waits for that)


@contextlib.asynccontextmanager
async def service(sock: Path, **settings: str) -> AsyncIterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SANDBOX__")}
    env.update({"SANDBOX__COOLDOWN_S": "0", "LOG__LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}, **settings)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox", "--listen", f"unix:{sock}", cwd=sock.parent, env=env,
        stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        match = re.match(r"sandbox service: listening on (\S+) \((.*)\)", line)
        if match is None or match[2] != "available":
            raise SystemExit(f"the sandbox service did not start: {line!r}")
        yield match[1]
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await proc.wait()


async def timed(run) -> float:
    await asyncio.sleep(REFILL_S)
    start = time.perf_counter()
    result = await run(TRIVIAL)
    elapsed = time.perf_counter() - start
    assert result.ok and result.output == "1\n", result
    return elapsed


async def round_trip(http: _http.Client) -> float:
    # After the same wait as a run: not while the service refills its pool from the last run.
    await asyncio.sleep(REFILL_S)
    start = time.perf_counter()
    async with await http.request("GET", "/load") as response:
        await response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - start


async def latency(folder: Path) -> list[dict]:
    sock = folder / "one.sock"
    async with (service(sock, SANDBOX__POOL="2") as url,
                RemoteSandbox.open(RemoteConfig(urls=(url,), cooldown_s=0)) as remote,
                Sandbox.open(Config(pool=2, cooldown_s=0)) as local):
        http = _http.Client(url, token=None, connect_timeout_s=3, read_timeout_s=15, max_buffer=1 << 20)
        if not local.available:
            raise SystemExit(f"sandbox unavailable: {local.reason}")
        await timed(local.run)  # warm caches on both sides
        await timed(remote.run)
        await round_trip(http)
        here, there, trips = [], [], []
        for _ in range(ROUNDS):
            here.append(await timed(local.run))
            there.append(await timed(remote.run))
            trips.append(await round_trip(http))
        await http.close()
    local_ms, remote_ms = statistics.median(here) * 1000, statistics.median(there) * 1000
    p25 = sorted(there)[len(there) // 4] / sorted(here)[len(here) // 4]
    return [figure("sandbox_service_trivial_run_ms", round(remote_ms, 1), "ms", "(context)"),
            figure("sandbox_local_trivial_run_ms", round(local_ms, 1), "ms", "(context)"),
            figure("sandbox_service_http_round_trip_ms", round(statistics.median(trips) * 1000, 2), "ms",
                   "(context: GET /load on a kept connection)"),
            figure("sandbox_service_vs_local_ratio_p25", round(p25, 2), "x", "(context)"),
            figure("sandbox_service_vs_local_ratio", round(remote_ms / local_ms, 2), "x", "<= 1.3")]


async def runs_per_second(urls: tuple[str, ...]) -> float:
    async with RemoteSandbox.open(RemoteConfig(urls=urls, cooldown_s=0)) as remote:
        await remote.run(TRIVIAL)
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one() -> None:
            async with gate:
                result = await remote.run(TRIVIAL)
                assert result.ok, result

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(THROUGHPUT_RUNS)))
        return THROUGHPUT_RUNS / (time.perf_counter() - start)


async def throughput(folder: Path) -> list[dict]:
    queue = {"SANDBOX__QUEUE": str(IN_FLIGHT), "SANDBOX__POOL": "2"}
    async with service(folder / "a.sock", **queue) as a, service(folder / "b.sock", **queue) as b:
        one = await runs_per_second((a,))
        two = await runs_per_second((a, b))
    return [figure("sandbox_service_runs_per_s_two_services", round(two, 1), "runs/s", "(context)"),
            figure("sandbox_service_runs_per_s_one_service", round(one, 1), "runs/s", "(context)")]


async def main() -> None:
    watch_children_with_pidfds()  # as the bot and the service do: the local side is timed as in production
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sandbox-service-bench-") as tmp:
        figures = await latency(Path(tmp)) + await throughput(Path(tmp))
    print(table(figures))
    print(f"(load average over 1 min: {before:.2f} before, {os.getloadavg()[0]:.2f} after; on this "
          f"{os.cpu_count()}-CPU host a load near or past it makes the ratio swing)")
    print(f"(median of {ROUNDS} interleaved trivial runs; {THROUGHPUT_RUNS} runs, {IN_FLIGHT} in flight,"
          f" for runs/s; {os.cpu_count()} CPUs shared by both services)")
    merge(figures)


if __name__ == "__main__":
    asyncio.run(main())
