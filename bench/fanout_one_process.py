"""Benchmark: the daily fan-out to 10,000 targets through the REAL adapters of one real bot
process (half Telegram chats, half Discord channels, the fakes in this process).

    python -m bench.fanout_one_process [--targets 10000] [--rate 200] [--concurrency 16]

The database is seeded with `targets` daily schedules due a few seconds after start-up (once
both adapters are connected); the bot's scheduler then posts to each through PTB or discord.py.
The fakes see every post: the achieved rate (first to last post) against the configured
ceiling PRACTICE__DAILY_RATE_PER_SECOND (messages/s: a post is its recap, then its question), and
duplicates (a chat given a message of its post twice). Merges figures
named fanout_one_process_* into bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._results import figure, gc_paused, merge, table
from bot.core.clock import iso
from bot.storage import Storage
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.bot_process import bot_env, bot_process

TG_CHATS = 50_000_000
DC_CHANNELS = 1_600_000_000_000_000_000
START_AFTER = 12.0  # seconds from seeding to the posts being due: both adapters are up by then


async def seed(path: Path, targets: int, due: datetime) -> None:
    storage = await Storage.open(path)
    now = datetime.now(UTC)
    try:
        for i in range(targets):
            platform, chat_id = (("telegram", TG_CHATS + i) if i % 2 == 0
                                 else ("discord", DC_CHANNELS + i))
            await storage.daily_set(chat_key=f"{platform}:{chat_id}", platform=platform,
                                    chat_id=str(chat_id), chat_kind="private" if platform ==
                                    "telegram" else "group", at_time=f"{due:%H:%M}", tz="UTC",
                                    next_day=due.date().isoformat(), next_due=iso(due),
                                    now=iso(now))
    finally:
        await storage.close()


async def main(args: argparse.Namespace) -> list[dict]:
    dc = await FakeDiscord().start()
    tg = FakeTelegram()
    await tg.start()
    settings = {"PRACTICE__DAILY_RATE_PER_SECOND": str(args.rate),
                "PRACTICE__DAILY_CONCURRENCY": str(args.concurrency),
                "TELEGRAM__RATE_OVERALL": "1000",
                # One message per post on both platforms (a native quiz poll would be a second).
                "TELEGRAM__QUIZ_POLLS": "false"}
    with tempfile.TemporaryDirectory() as tmp:
        seeding = time.monotonic()
        due = datetime.now(UTC) + timedelta(seconds=START_AFTER)
        await seed(Path(tmp) / "bot.sqlite3", args.targets, due)
        print(f"seeded {args.targets} daily targets in {time.monotonic() - seeding:.1f} s")
        env = bot_env(dc, tg, Path(tmp), **settings)
        async with bot_process(env, Path(tmp)) as bot:
            await bot.wait_line(r"discord: connected as")
            await bot.wait_line(r"telegram: @\w+ is polling")
            if datetime.now(UTC) >= due:
                print("warning: the posts were due before both adapters were connected")
            deadline = time.monotonic() + START_AFTER + 60 + 6 * args.targets / args.rate
            with gc_paused():
                while time.monotonic() < deadline:
                    if posts(tg, dc)[0] >= 2 * args.targets:
                        break
                    await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # anything posted twice would arrive now
            count, times, per_chat = posts(tg, dc)
            failed = [line for line in bot.lines if "level=warning" in line or "level=error" in line]
    await tg.close()
    await dc.close()
    steady = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    duplicates = sum(max(0, n - 2) for n in per_chat.values())
    print(f"settings: PRACTICE__DAILY_RATE_PER_SECOND={args.rate:g} (the ceiling), "
          f"PRACTICE__DAILY_CONCURRENCY={args.concurrency}, TELEGRAM__RATE_OVERALL=1000 "
          f"(PTB's limiter must not be the bottleneck), TELEGRAM__QUIZ_POLLS=false")
    print(f"messages seen at the fakes: {count} of {2 * args.targets} in {times[-1] - times[0]:.1f} s "
          f"(Telegram {sum(1 for k in per_chat if k[0] == 'tg')}, Discord "
          f"{sum(1 for k in per_chat if k[0] == 'dc')}); {len(failed)} warning/error log lines")
    for line in failed[:5]:
        print("  " + line[:160])
    return [
        figure("fanout_one_process_messages", count, "messages", f"== {2 * args.targets}"),
        figure("fanout_one_process_rate", round(steady, 1), "messages/s",
               f"<= {args.rate:g} (configured ceiling)"),
        figure("fanout_one_process_rate_vs_ceiling", round(steady / args.rate, 3), "ratio", ">= 0.9"),
        figure("fanout_one_process_duplicates", duplicates, "messages", "== 0"),
    ]


def posts(tg: FakeTelegram, dc: FakeDiscord) -> tuple[int, list[float], Counter]:
    """Messages so far: how many, when each arrived (sorted), and how many per chat."""
    per_chat: Counter[tuple[str, str]] = Counter()
    times = []
    for call in tg.calls:
        if call.method == "sendMessage" and int(call.params["chat_id"]) >= TG_CHATS:
            per_chat["tg", str(call.params["chat_id"])] += 1
            times.append(call.at)
    # A post is two messages (its recap, then its question): per chat, the second is no
    # duplicate, a third would be.
    for request in dc.requests:
        parts = request.path.split("/")
        if request.method == "POST" and len(parts) == 6 and parts[3] == "channels" \
                and int(parts[4]) >= DC_CHANNELS:
            per_chat["dc", parts[4]] += 1
            times.append(request.at)
    return sum(per_chat.values()), sorted(times), per_chat


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout_one_process",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="messages/s ceiling (configured)")
    parser.add_argument("--concurrency", type=int, default=16, help="sends in flight at once")
    return parser.parse_args(argv)


if __name__ == "__main__":
    results = asyncio.run(main(parse(sys.argv[1:])))
    print(table(results))
    merge(results)
