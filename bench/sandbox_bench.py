"""Sandbox figures (run: `make bench`). Prints a table and merges its entries into
bench/results.json as {"name", "value", "unit", "goal"}.

1. A trivial run through the warm pool, timed from code handed over to result read, against
   spawning a bare `python3 -I -S -c pass`, interleaved in the same run (the machine is noisy:
   only the ratio of medians is meaningful). Goal: ratio <= 0.5.
2. Event-loop lag of this (bot) process while 4 CPU-hogging runs execute at once (concurrency
   set to 4): a 5 ms ticker measures how late each wake-up is. Goals: p99 <= 5 ms, max <= 20 ms.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.sandbox import Config, Limits, Sandbox  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
ROUNDS = 50
HOG = "while True:\n    pass\n"


async def bare_python(python: str) -> float:
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(python, "-I", "-S", "-c", "pass", env={})
    await proc.wait()
    return time.perf_counter() - start


async def warm_run(sandbox: Sandbox) -> float:
    # Let the pool refill first (not timed: the user never waits for it).
    for _ in range(100):
        if sandbox._pool:
            break
        await asyncio.sleep(0.01)
    start = time.perf_counter()
    result = await sandbox.run("pass")
    elapsed = time.perf_counter() - start
    assert result.ok, result.output
    return elapsed


async def startup_ratio() -> dict[str, float]:
    config = Config(pool=1, cooldown_s=0)
    async with Sandbox.open(config) as sandbox:
        if not sandbox.available:
            raise SystemExit(f"sandbox unavailable: {sandbox.reason}")
        warm, bare = [], []
        await warm_run(sandbox)  # warm caches
        for _ in range(ROUNDS):
            bare.append(await bare_python(str(config.python)))
            warm.append(await warm_run(sandbox))
    w, b = statistics.median(warm), statistics.median(bare)
    return {"warm_ms": w * 1000, "bare_ms": b * 1000, "ratio": w / b}


async def loop_lag_under_hogs(runs: int = 4, seconds: float = 3.0) -> dict[str, float]:
    config = replace(Config(pool=runs, cooldown_s=0, concurrency=runs, queue=runs),
                     limits=Limits(wall_s=seconds))
    async with Sandbox.open(config) as sandbox:
        if not sandbox.available:
            raise SystemExit(f"sandbox unavailable: {sandbox.reason}")
        await asyncio.sleep(0.5)  # pool filled
        lags: list[float] = []
        stop = asyncio.Event()

        async def ticker() -> None:
            period = 0.005
            while not stop.is_set():
                start = time.perf_counter()
                await asyncio.sleep(period)
                lags.append(max(0.0, time.perf_counter() - start - period))

        async with asyncio.TaskGroup() as tg:
            tick = tg.create_task(ticker())
            results = await asyncio.gather(*(sandbox.run(HOG) for _ in range(runs)))
            stop.set()
            await tick
    assert all(r.ending == "time" for r in results), [r.ending for r in results]
    lags.sort()
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
    return {"p99_ms": p99 * 1000, "max_ms": lags[-1] * 1000, "samples": len(lags)}


def save(entries: list[dict]) -> None:
    try:
        existing = json.loads(RESULTS.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        existing = []
    names = {e["name"] for e in entries}
    merged = [e for e in existing if e.get("name") not in names] + entries
    RESULTS.write_text(json.dumps(merged, indent=2) + "\n")


async def main() -> None:
    ratio = await startup_ratio()
    lag = await loop_lag_under_hogs()
    entries = [
        {"name": "sandbox.warm_run_ms", "value": round(ratio["warm_ms"], 2), "unit": "ms",
         "goal": "informational"},
        {"name": "sandbox.bare_python_ms", "value": round(ratio["bare_ms"], 2), "unit": "ms",
         "goal": "informational"},
        {"name": "sandbox.warm_vs_bare_ratio", "value": round(ratio["ratio"], 3), "unit": "ratio",
         "goal": "<= 0.5"},
        {"name": "sandbox.loop_lag_p99_4_hogs", "value": round(lag["p99_ms"], 2), "unit": "ms",
         "goal": "<= 5"},
        {"name": "sandbox.loop_lag_max_4_hogs", "value": round(lag["max_ms"], 2), "unit": "ms",
         "goal": "<= 20"},
    ]
    print(f"{'figure':34} {'value':>10}  goal")
    for e in entries:
        print(f"{e['name']:34} {e['value']:>10} {e['unit']:5} {e['goal']}")
    print(f"(median of {ROUNDS} interleaved rounds; {lag['samples']:.0f} lag samples)")
    save(entries)


if __name__ == "__main__":
    asyncio.run(main())
