"""Challenge grading figures (run: `make bench`, or `python -m bench.challenges [ROUNDS]`).

For each of the five required challenges, with its reference solution, interleaved in the same
run: submission to verdict (`grade`, p50 and p99 over the rounds) beside the reference program's
own run through the same sandbox (what /run would take: the baseline). Goal: the verdict's p50
within 2x the program's time + 1 s. Also the grading's extra CPU per submission, as the harness
measures it inside the sandbox: the CPU of the whole grading run (its process and children)
minus that of the program's own run as __main__. Printed, and merged into bench/results.json;
nothing is asserted.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import figure, merge, percentile, python_speed, table  # noqa: E402
from bot.core.challenges import Challenges, grade  # noqa: E402
from bot.sandbox import Config, Limits, Sandbox  # noqa: E402

REQUIRED = ("fix-blocking", "missing-await", "await-outside", "starvation", "make-concurrent")
ROUNDS = 5


async def measure(sandbox: Sandbox, challenges: Challenges, rounds: int) -> list[dict]:
    figures = []
    for cid in REQUIRED:
        ch = challenges.get(cid)
        verdict_s, program_s, extra_cpu = [], [], []
        for _ in range(rounds):
            start = time.perf_counter()
            verdict = await grade(sandbox, ch, ch.reference, lang="en")
            verdict_s.append(time.perf_counter() - start)
            extra_cpu.append(verdict.extra_cpu_s or 0.0)
            if not verdict.passed:
                print(f"note: {cid}'s reference did not pass this round: {verdict.check} "
                      f"{verdict.message}", file=sys.stderr)
            start = time.perf_counter()
            result = await sandbox.run(ch.reference, wall_s=ch.meta.budget.wall_s)
            program_s.append(time.perf_counter() - start)
            if not result.ok:
                print(f"note: {cid}'s reference ended {result.ending} as a plain run", file=sys.stderr)
        program = statistics.median(program_s)
        goal = 2 * program + 1
        p50 = statistics.median(verdict_s)
        figures += [
            figure(f"challenges.{cid}.verdict_p50_s", round(p50, 2), "s",
                   f"<= {goal:.2f} (2 x program + 1 s){'' if p50 <= goal else ' MISSED'}"),
            figure(f"challenges.{cid}.verdict_p99_s", round(percentile(verdict_s, 0.99), 2), "s",
                   "informational"),
            figure(f"challenges.{cid}.program_s", round(program, 2), "s", "baseline (/run of it)"),
            figure(f"challenges.{cid}.extra_cpu_s", round(statistics.median(extra_cpu), 3), "s",
                   "informational (grading run minus the program's own run)"),
        ]
    return figures


async def main(rounds: int) -> None:
    challenges = Challenges.from_dir(ROOT / "content")
    speed = python_speed()
    # One slot: runs one at a time, as a learner's submission would on a quiet bot.
    config = Config(pool=0, cooldown_s=0.0, concurrency=1, queue=4, limits=Limits(wall_s=30))
    async with Sandbox.open(config) as sandbox:
        if not sandbox.available:
            raise SystemExit(f"the sandbox cannot start here: {sandbox.reason}")
        figures = await measure(sandbox, challenges, rounds)
    figures.append(figure("challenges.python_speed_ms", round(speed, 1), "ms",
                          "informational (this machine's pure-Python speed now)"))
    print(table(figures))
    print(f"({rounds} rounds per challenge, grading and plain run interleaved)")
    merge(figures)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS))
