"""Every demo runs in the real sandbox and its output is checked against what its cards claim:
timings as ratios and orders with wide margins, never as milliseconds."""

import asyncio
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

    The machine is shared and noisy (2 cores, other jobs, sandboxes run at low priority), so a
    demo gets up to three runs; a claim the interpreter really contradicts fails all three.
    Parallel speed-up also needs free cores: see host_parallelism."""
    demo = DEMOS[demo_id]
    attempts = []
    async with Sandbox.open(demo_config) as sb:
        require(sb)
        for _ in range(3):
            result = await sb.run(demo.code, wall_s=demo.meta.wall_s)
            failures = check(demo, result)
            attempts.append((failures, result.output))
            if not failures:
                break
    failures = attempts[-1][0]
    if failures and demo_id == "cpu-parallel":
        # Parallelism needs idle cores. Measured in the same run: how parallel can two niced
        # CPU-bound processes be on this machine right now? Only if the host itself cannot reach
        # the claim is the claim judged against that baseline instead (and still must hold it).
        baseline = await host_parallelism()
        if baseline < 1.5:
            value = float(attempts[-1][1].split("processes:")[1].split("cpu/wall")[1])
            assert value >= 0.8 * baseline, (baseline, attempts)
            return
    assert failures == [], attempts


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
