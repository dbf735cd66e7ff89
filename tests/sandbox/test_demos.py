"""Every demo runs in the real sandbox and its output is checked against what its cards claim:
timings as ratios and orders with wide margins, never as milliseconds."""

import asyncio
import re
import resource
import sys
import time
from dataclasses import replace

import pytest

from bot.core.demos import check, load_demos
from bot.sandbox import Limits, Sandbox
from tests.conftest import CONTENT
from tests.sandbox.fixtures import require, test_config

DEMOS = load_demos(CONTENT)


@pytest.fixture(scope="module")
def demo_config():
    # Demos carry their own wall time; the rest are the defaults a chat user gets.
    return replace(test_config(), limits=Limits())


@pytest.mark.parametrize("demo_id", sorted(DEMOS))
async def test_demo_output_matches_its_claims(demo_id: str, demo_config):
    """The interpreter agrees with the card: every claim of the demo holds on a real run.

    The machine is shared and noisy (2 cores, other jobs, sandboxes at the lowest priority), so
    a demo gets up to three runs; a claim the interpreter really contradicts fails all three.
    Parallel speed-up also needs free cores, so for `cpu-parallel` each run is paired with the
    host's own parallelism measured just before it (host_parallelism): where the host cannot
    reach 1.5 at that moment, the demo must reach 80% of what the host reached."""
    demo = DEMOS[demo_id]
    attempts = []
    async with Sandbox.open(demo_config) as sb:
        require(sb)
        for _ in range(3):
            baseline = await host_parallelism() if demo_id == "cpu-parallel" else None
            result = await sb.run(demo.code, wall_s=demo.meta.wall_s)
            failures = check(demo, result)
            if failures and baseline is not None and baseline < 1.5:
                failures = _judged_by_baseline(failures, result.output, baseline)
            attempts.append((failures, baseline, result.output))
            if not failures:
                break
    assert attempts[-1][0] == [], attempts
    # Every task is named (create_task(..., name=...)), so the timeline reads "heartbeat",
    # "crunch", not "Task-1".
    names = {r.name.rpartition(":")[2] for r in result.timeline.records}
    assert not {n for n in names if re.fullmatch(r"Task-\d+", n)}, sorted(names)


def _judged_by_baseline(failures: list[str], output: str, baseline: float) -> list[str]:
    """Keep every failure but the parallel-speed-up one, which is judged against the host."""
    rest = [f for f in failures if not f.startswith("'processes:")]
    try:
        value = float(output.split("processes:")[1].split("cpu/wall")[1].split()[0])
    except (IndexError, ValueError):
        return failures
    if value < 0.8 * baseline:
        rest.append(f"processes cpu/wall {value} < 0.8 x host baseline {baseline:.2f}")
    return rest


async def host_parallelism(seconds: float = 0.5) -> float:
    """cpu/wall of two niced busy processes started together, outside any sandbox."""
    code = f"import os, time\nos.nice(19)\nend = time.process_time() + {seconds}\n" \
           "while time.process_time() < end: pass"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [await asyncio.create_subprocess_exec(sys.executable, "-c", code) for _ in range(2)]
    await asyncio.gather(*(p.wait() for p in procs))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu / wall


def test_every_curriculum_example_has_a_demo():
    """The examples the curriculum teaches each have a runnable demo."""
    assert {"sync-vs-async", "blocking-sleep", "starvation", "await-outside-function",
            "await-time-sleep", "never-awaited", "asyncio-run", "cpu-parallel",
            "io-bound"} <= set(DEMOS)
