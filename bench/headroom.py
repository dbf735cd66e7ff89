"""Benchmark: headroom. The load of bench/one_process.py (both adapters in one real bot
process, 4 CPU-hogging /runs) at `--factor` times its /term and quiz rates (default 5: 1,000
lookups and 50 quiz answers a second), held to the same goals.

    python -m bench.headroom [--factor 5] [--seconds 65]

This shared VM runs the same code at different speeds (its pure-Python speed has varied ~4x
between days). Meeting the goals at five times the load shows the bot's spare CPU: a busier bot
alone does not make the tail. It does not show the goals hold on a slower machine, where each
update itself takes longer. The figures of both runs sit side by side in bench/results.json.

Prints a table; merges figures named headroom_* into bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bench import one_process
from bench._results import merge, table

KEPT = ("loop_lag_p50", "loop_lag_p99", "loop_lag_max", "term_latency_p50", "term_latency_p99",
        "term_rate", "term_unanswered", "sandbox_running_avg", "bot_cpu", "steal",
        "python_speed")


def headroom(figures: list[dict]) -> list[dict]:
    """The one-process figures renamed headroom_* (the 1x run keeps one_process_*)."""
    chosen = {f"one_process_{name}": name for name in KEPT}
    return [dict(f, name=f"headroom_{chosen[f['name']]}") for f in figures if f["name"] in chosen]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.headroom",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--factor", type=float, default=5.0,
                        help="times the one-process benchmark's /term and quiz rates")
    parser.add_argument("--seconds", type=float, default=65.0,
                        help="load duration (> 60: the bot's lag window)")
    args = parser.parse_args(argv)
    if args.factor <= 0:
        parser.error("--factor must be positive")
    return args


if __name__ == "__main__":
    args = parse(sys.argv[1:])
    base = one_process.parse([])
    load = one_process.parse(["--seconds", str(args.seconds),
                              "--rate", str(base.rate * args.factor),
                              "--quiz-rate", str(base.quiz_rate * args.factor)])
    print(f"headroom: the one-process load at {args.factor:g}x ({load.rate:g} /term and "
          f"{load.quiz_rate:g} quiz answers a second, {load.runs} CPU hogs)")
    results = headroom(asyncio.run(one_process.main(load)))
    print(table(results))
    merge(results)
