"""Benchmark: a daily fan-out to thousands of chats stays within its rate and never stalls the
event loop. `python -m bench.daily_fanout [targets, default 10000]`; BENCH_DAILY_RATE and
BENCH_DAILY_CONCURRENCY change the configured rate (default 400/s) and concurrency (16).

Real core, scheduler and SQLite file; a fake deliverer with network-like latency. Measures the
achieved send rate against the configured one, the event loop's worst lag while fanning out
(a 10 ms ticker), and how long `/term await` takes during the fan-out against a baseline taken
in the same run (ratios: the machine is shared and noisy). Prints a table and merges its figures
into bench/results.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.app import Core
from bot.core.clock import iso
from bot.core.content import Library
from bot.core.features.daily import DailyScheduler
from bot.core.services import DailyPace, Services, bank_beside
from bot.core.types import ChatKind, ChatRef, Command, UserRef
from bot.storage import Storage

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
RATE = float(os.environ.get("BENCH_DAILY_RATE", "400"))  # messages started per second (configured)
CONCURRENCY = int(os.environ.get("BENCH_DAILY_CONCURRENCY", "16"))
LATENCY = 0.03  # seconds per send, like a platform API call


class FakePlatform:
    def __init__(self) -> None:
        self.sent = 0
        self.per_chat: Counter[tuple[str, str]] = Counter()
        self.times: list[float] = []  # when each send started

    async def deliver(self, chat: ChatRef, reply) -> None:
        self.times.append(time.perf_counter())
        await asyncio.sleep(LATENCY)
        self.sent += 1
        # A post is two messages (its recap has the title, then its question): a message
        # delivered twice is a duplicate.
        self.per_chat[chat.id, "recap" if reply.title else "question"] += 1


async def term_latency(core: Core, n: int) -> list[float]:
    chat, user = ChatRef("console", "bench", ChatKind.PRIVATE), UserRef("console", "bench", "b")
    out = []
    for _ in range(n):
        started = time.perf_counter()
        await core.handle(Command("term", "await", chat, user))
        out.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)
    return out


async def drain(daily: DailyScheduler) -> None:
    """What the scheduler's run() does while posts are due (batches of 500)."""
    while await daily.seconds_to_next() <= 0:
        await daily.run_due()


async def main(targets: int) -> list[dict]:
    library = await asyncio.to_thread(Library.from_dir, ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        storage = await Storage.open(Path(tmp) / "bench.sqlite3")
        core = Core(library, Services.of(storage, quiz_bank=bank_beside(library),
                                         daily_pace=DailyPace(CONCURRENCY, RATE)))
        platform = FakePlatform()
        core.register_deliverer("fake", platform)
        daily = next(s for s in core.services_to_run() if isinstance(s, DailyScheduler))
        now = datetime.now(UTC)
        for i in range(targets):
            await storage.daily_set(chat_key=f"fake:{i}", platform="fake", chat_id=str(i),
                                    chat_kind="group", at_time=f"{now:%H:%M}", tz="UTC",
                                    next_day=now.date().isoformat(),
                                    next_due=iso(now - timedelta(seconds=1)), now=iso(now))
        baseline = await term_latency(core, 20)
        lag = 0.0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal lag
            loop = asyncio.get_running_loop()
            while not stop.is_set():
                expected = loop.time() + 0.01
                await asyncio.sleep(0.01)
                lag = max(lag, loop.time() - expected)

        started = time.perf_counter()
        async with asyncio.TaskGroup() as tg:
            tg.create_task(ticker())
            fan_out = tg.create_task(drain(daily))
            during = await term_latency(core, 20)
            await fan_out
            elapsed = time.perf_counter() - started
            stop.set()
        await storage.close()
    rate = platform.sent / elapsed
    # Sends started per second from the first to the last: the pace the limiter allowed.
    steady = (len(platform.times) - 1) / (platform.times[-1] - platform.times[0])
    duplicates = sum(n - 1 for n in platform.per_chat.values())
    ratio = statistics.median(during) / statistics.median(baseline)
    return [
        {"name": "daily_fanout_messages", "value": platform.sent, "unit": "messages",
         "goal": f"== {2 * targets} (2 per post)"},
        {"name": "daily_fanout_rate", "value": round(rate, 1), "unit": "messages/s",
         "goal": f"<= {RATE:g} (configured rate)"},
        {"name": "daily_fanout_rate_vs_ceiling", "value": round(steady / RATE, 3), "unit": "ratio",
         "goal": ">= 0.9 (first to last send)"},
        {"name": "daily_fanout_duplicates", "value": duplicates, "unit": "messages", "goal": "== 0"},
        {"name": "daily_fanout_loop_lag_max", "value": round(lag * 1000, 1), "unit": "ms",
         "goal": "< 100"},
        {"name": "daily_fanout_term_latency_ratio", "value": round(ratio, 2),
         "unit": "x baseline (median /term during vs before)", "goal": "< 5"},
    ]


def merge(figures: list[dict]) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    names = {f["name"] for f in figures}
    RESULTS.write_text(json.dumps([e for e in existing if e.get("name") not in names] + figures,
                                  indent=2) + "\n")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    results = asyncio.run(main(count))
    print(f"{'figure':34} {'value':>10}  unit / goal")
    for r in results:
        print(f"{r['name']:34} {r['value']:>10}  {r['unit']}  (goal {r['goal']})")
    merge(results)
