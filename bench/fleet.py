"""Benchmark: the daily fan-out to 10,000 targets from 1, 2 and 3 real bot processes sharing one
PostgreSQL, in Telegram webhook mode against the fake Telegram (in this process).

    python -m bench.fleet [--targets 10000] [--rate 200] [--concurrency 8] [--lease 3]
                          [--processes 1,2,3]

Each post is two messages (its recap, then its question): PRACTICE__DAILY_RATE_PER_SECOND is the
ceiling in messages per second for the whole fleet, split between the live processes. Per fleet
size, in a fresh schema: the targets become due once every process has registered, and the fake
counts each message it gets: the achieved rate from the first message to the last against the
ceiling (goal >= 0.9), duplicates (a chat getting a message of its post twice; goal 0), and each
process's share. With 2 or more processes a second run SIGKILLs one process halfway: the others
complete its posts once its lease (--lease) ran out, and carry on at the whole ceiling; the rate
is measured over the whole run and from the lease's end on, with duplicates and unknown messages
(at most what was in flight). PostgreSQL is a throwaway server on loopback with its durable
defaults, or STORAGE__URL's database when set (tables go into fresh schemas). Figures are printed
and merged into bench/results.json as fleet_*.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import figure, gc_paused, merge, table  # noqa: E402
from bot.core.clock import iso  # noqa: E402
from bot.storage.postgresql import PostgresStorage  # noqa: E402
from tests.adapters.telegram.fake_telegram import Call, FakeTelegram  # noqa: E402
from tests.bot_process import BotProcess, bot_env, bot_process  # noqa: E402
from tests.storage import pg_server  # noqa: E402

FIRST_CHAT = -1_000_000_000_000  # supergroups: ids below zero
GOAL = 0.9
START_AFTER = 8.0  # seconds per process from seeding to the posts being due


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def daily_messages(fake: FakeTelegram, start: int) -> list[Call]:
    """The daily posts' messages the fake got (from call index `start`)."""
    return [c for c in fake.calls[start:] if c.method == "sendMessage"
            and int(c.params["chat_id"]) <= FIRST_CHAT]


def kind(call: Call) -> str:
    data = [b.get("callback_data", "") for row in (call.params.get("reply_markup") or {})
            .get("inline_keyboard", []) for b in row]
    return "recap" if any(d.startswith("term ") for d in data) else "question"


async def fresh_schema(base: str) -> str:
    schema = f"fleet_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    return f"{base}{'&' if '?' in base else '?'}search_path={schema}"


async def seed(url: str, targets: int, due: datetime) -> None:
    """`targets` schedules, all due at `due`."""
    store = await PostgresStorage.open(url)  # migrates before any bot starts
    await store.close()
    later = due
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "daily_targets", columns=["chat_key", "platform", "chat_id", "chat_kind", "at_time",
                                      "tz", "enabled", "next_day", "next_due", "updated_at"],
            records=[(f"telegram:{FIRST_CHAT - i}", "telegram", str(FIRST_CHAT - i), "group",
                      f"{later:%H:%M}", "UTC", 1, later.date().isoformat(), iso(later),
                      iso(later)) for i in range(targets)])
    finally:
        await conn.close()


async def run(args: argparse.Namespace, base: str, fake: FakeTelegram, processes: int,
              kill: bool, tmp: Path) -> dict:
    url = await fresh_schema(base)
    # Due once every process has started and registered (a process alone sleeps until then:
    # only a schedule changed through itself would wake it earlier).
    due = datetime.now(UTC) + timedelta(seconds=START_AFTER * processes)
    await seed(url, args.targets, due)
    conn = await asyncpg.connect(url)
    expected = 2 * args.targets

    def env() -> dict[str, str]:
        port = free_port()
        return bot_env(None, fake, tmp, STORAGE__URL=url, TELEGRAM__MODE="webhook",
                       TELEGRAM__WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                       TELEGRAM__WEBHOOK_LISTEN="127.0.0.1", TELEGRAM__WEBHOOK_PORT=str(port),
                       TELEGRAM__WEBHOOK_SECRET="bench-secret",
                       # PTB's own limiter (per process) and native polls (a question's code
                       # would be a third message) stay out of the measure.
                       TELEGRAM__RATE_OVERALL="100000", TELEGRAM__QUIZ_POLLS="false",
                       PRACTICE__DAILY_RATE_PER_SECOND=str(args.rate),
                       PRACTICE__DAILY_CONCURRENCY=str(args.concurrency),
                       PRACTICE__DAILY_LEASE_SECONDS=str(args.lease), SANDBOX__POOL="0")

    start = len(fake.calls)
    killed_at: float | None = None
    try:
        async with contextlib.AsyncExitStack() as stack:
            bots: list[BotProcess] = [await stack.enter_async_context(bot_process(env(), tmp))
                                      for _ in range(processes)]
            for bot in bots:
                await bot.wait_line(r"telegram: @\w+ is on its webhook", within=120)
            for _ in range(1200):
                if await conn.fetchval("SELECT COUNT(*) FROM daily_instances WHERE alive_until"
                                       " > $1", iso(datetime.now(UTC))) >= processes:
                    break
                await asyncio.sleep(0.1)
            if datetime.now(UTC) > due - timedelta(seconds=args.lease):
                print("warning: the posts were due before every process had registered")
            deadline = time.monotonic() + 120 + 3 * expected / args.rate
            with gc_paused():
                while time.monotonic() < deadline:
                    done = await conn.fetchval(
                        "SELECT COUNT(*) FROM daily_ledger WHERE status <> 'claimed'")
                    if done >= args.targets:
                        break
                    if kill and killed_at is None and \
                            len(daily_messages(fake, start)) >= expected // 2:
                        bots[-1].proc.send_signal(signal.SIGKILL)
                        killed_at = time.monotonic()
                    await asyncio.sleep(0.2)
                await asyncio.sleep(1.0)  # anything sent twice would arrive by now
            shares = Counter({r[0]: r[1] for r in await conn.fetch(
                "SELECT sent_by, COUNT(*) FROM daily_messages WHERE status = 'sent'"
                " GROUP BY sent_by")})
            unknown = await conn.fetchval(
                "SELECT COUNT(*) FROM daily_messages WHERE status = 'unknown'")
            finished = await conn.fetchval(
                "SELECT COUNT(*) FROM daily_ledger WHERE status <> 'claimed'")
    finally:
        await conn.close()
    calls = daily_messages(fake, start)
    per_message = Counter((c.params["chat_id"], kind(c)) for c in calls)
    times = sorted(c.at for c in calls)
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    after = [t for t in times if killed_at is not None and t >= killed_at + args.lease]
    rate_after = (len(after) - 1) / (after[-1] - after[0]) if len(after) > 1 else 0.0
    return {"processes": processes, "kill": kill, "messages": len(calls), "expected": expected,
            "finished": finished, "rate": rate, "rate_after": rate_after,
            "duplicates": sum(n - 1 for n in per_message.values()), "unknown": unknown,
            "shares": sorted(shares.values(), reverse=True)}


async def main(args: argparse.Namespace) -> list[dict]:
    server = None if os.environ.get("STORAGE__URL") else pg_server.start(durable=True)
    base = os.environ.get("STORAGE__URL") or server.url()  # type: ignore[union-attr]
    fake = FakeTelegram()
    await fake.start()
    runs = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for n in args.processes:
                for kill in ((False, True) if n > 1 else (False,)):
                    result = await run(args, base, fake, n, kill, Path(folder))
                    runs.append(result)
                    fake.calls.clear()  # each run counts its own; the fake keeps no more
                    print(f"{n} process(es){', one killed halfway' if kill else ''}: "
                          f"{result['messages']} of {result['expected']} messages, "
                          f"{result['rate']:.1f}/s (ceiling {args.rate:g})"
                          + (f", {result['rate_after']:.1f}/s after the lease ran out"
                             if kill else "")
                          + f"; duplicates {result['duplicates']}, unknown {result['unknown']},"
                          f" sent per process {result['shares']}", flush=True)
    finally:
        await fake.close()
        if server is not None:
            server.stop()
    print(f"settings: PRACTICE__DAILY_RATE_PER_SECOND={args.rate:g} (the fleet's ceiling, "
          f"messages/s), PRACTICE__DAILY_CONCURRENCY={args.concurrency}, "
          f"PRACTICE__DAILY_LEASE_SECONDS={args.lease:g}, {args.targets} targets (2 messages each)")
    figures = []
    for r in runs:
        name = f"fleet_{r['processes']}p" + ("_killed" if r["kill"] else "")
        figures += [
            figure(f"{name}_rate_vs_ceiling", round(r["rate"] / args.rate, 3), "ratio",
                   f">= {GOAL}" + (" (the lease's wait included)" if r["kill"] else "")),
            figure(f"{name}_duplicates", r["duplicates"], "messages", "== 0"),
        ]
        if r["kill"]:
            figures += [
                figure(f"{name}_rate_after_lease_vs_ceiling", round(r["rate_after"] / args.rate, 3),
                       "ratio", f">= {GOAL}"),
                figure(f"{name}_unknown", r["unknown"], "messages",
                       f"<= {args.concurrency} (in flight at the kill)"),
            ]
        else:
            fair = min(r["shares"]) / (sum(r["shares"]) / len(r["shares"])) if r["shares"] else 0
            figures.append(figure(f"{name}_smallest_share", round(fair, 3), "ratio",
                                  "~1 (of an even share)"))
        figures.append(figure(f"{name}_finished", r["finished"], "posts", f"== {args.targets}"))
    return figures


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet", description=__doc__.split("\n")[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="the fleet's messages/s ceiling")
    parser.add_argument("--concurrency", type=int, default=8, help="sends in flight per process")
    parser.add_argument("--lease", type=float, default=3.0, help="seconds")
    parser.add_argument("--processes", type=lambda s: [int(n) for n in s.split(",")],
                        default=[1, 2, 3])
    return parser.parse_args(argv)


if __name__ == "__main__":
    results = asyncio.run(main(parse(sys.argv[1:])))
    print(table(results))
    merge(results)
