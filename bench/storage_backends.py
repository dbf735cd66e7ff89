"""PostgreSQL against SQLite in the same run:

- the storage calls of the one-process load, in this process: `langs` (the language read every
  command starts with; SQLite answers it from memory, PostgreSQL asks the server, as another
  process may have changed it) and a quiz answer's calls (its posted question, the chat's zone,
  the answer's transaction, the tally);
- `/term await` as a Telegram user sees it: a real `python -m bot` per backend against the fake
  Telegram, from the update being available to the answer arriving. The goal is for this path:
  PostgreSQL's p50 within 1.5x of SQLite's.

PostgreSQL is a throwaway server on loopback started here with its durable defaults (commits
wait for the disk), or STORAGE__URL's database when set (tables go into a fresh schema). Rounds
alternate the backends.

    python -m bench.storage_backends [ROUNDS]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import figure, merge, percentile, table  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.storage.postgresql import PostgresStorage  # noqa: E402
from tests.adapters.telegram.fake_telegram import FakeTelegram  # noqa: E402
from tests.bot_process import bot_env, bot_process, telegram_ask  # noqa: E402
from tests.storage import pg_server  # noqa: E402

GOAL = 1.5
CALLS = 300  # storage calls per backend per round
ASKS = 40  # /term lookups per backend per round
BACKENDS = ("sqlite", "postgresql")


async def _timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        await fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _calls(store, post: int, tag: str) -> dict:
    async def langs(i: int) -> None:
        await store.langs(f"bench:u{i % 50}", "bench:g")

    async def quiz_answer(i: int) -> None:
        user = f"bench:{tag}-{time.perf_counter_ns()}"
        await store.quiz_post(post)
        await store.chat_tz("bench:g")
        await store.record_answer(post_id=post, user_key=user, user_name=user, chat_key="bench:g",
                                  question_id="sync-1", choice=0, correct=True,
                                  now="2026-11-25T06:00:01+00:00", day="2026-11-25",
                                  yesterday="2026-11-24")
        await store.post_tally(post)

    return {"langs": langs, "quiz_answer": quiz_answer}


async def storage_calls(url: str, tmp: Path, rounds: int) -> dict[tuple[str, str], list[float]]:
    stores = {"sqlite": await Storage.open(tmp / "calls.sqlite3"),
              "postgresql": await PostgresStorage.open(url)}
    try:
        calls = {}
        for name, store in stores.items():
            await store.set_chat_lang("bench:g", "en")
            post = await store.create_quiz_post("bench:g", "sync-1", "quiz", None, "2026-11-25")
            calls[name] = _calls(store, post, name)
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for work in ("langs", "quiz_answer"):
                for name in BACKENDS:
                    times.setdefault((name, work), []).extend(await _timed(calls[name][work], CALLS))
        return times
    finally:
        for store in stores.values():
            await store.close()


async def term_path(url: str, tmp: Path, rounds: int) -> dict[str, list[float]]:
    fakes = {name: FakeTelegram() for name in BACKENDS}
    for fake in fakes.values():
        await fake.start()
    extra = {"sqlite": {}, "postgresql": {"STORAGE__URL": url}}
    try:
        async with (bot_process(bot_env(None, fakes["sqlite"], tmp, **extra["sqlite"]), tmp) as one,
                    bot_process(bot_env(None, fakes["postgresql"], tmp, **extra["postgresql"]), tmp) as two):
            for bot in (one, two):
                await bot.wait_line(r"telegram: @\w+ is polling")
            times: dict[str, list[float]] = {name: [] for name in BACKENDS}
            for name in BACKENDS:  # a first answer each: connections and caches warm
                await telegram_ask(fakes[name], "/term await")
            # One ask each in turn: this machine is shared, and its slow phases (tens of ms)
            # then fall on both backends alike.
            for i in range(rounds * ASKS):
                for name in BACKENDS[::-1] if i % 2 else BACKENDS:
                    start = time.perf_counter()
                    await telegram_ask(fakes[name], "/term await", user_id=1000 + i)
                    times[name].append((time.perf_counter() - start) * 1000)
            return times
    finally:
        for fake in fakes.values():
            await fake.close()


async def main(rounds: int) -> list[dict]:
    server = None if os.environ.get("STORAGE__URL") else pg_server.start(durable=True)
    try:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            fresh = server.fresh_url if server else None
            calls = await storage_calls(await fresh() if fresh else os.environ["STORAGE__URL"], tmp, rounds)
            term = await term_path(await fresh() if fresh else os.environ["STORAGE__URL"], tmp, rounds)
    finally:
        if server:
            server.stop()
    # Each PostgreSQL round trip wakes the server's process and then the bot's: on a host whose
    # cores are all busy each wake-up may wait for a CPU, which SQLite's in-process reads never do.
    out = [figure("storage_host_load_1min", round(os.getloadavg()[0], 2), "procs",
                  f"- (runnable processes; this host has {os.cpu_count()} cores)")]
    for work, times in [("langs", {n: calls[(n, "langs")] for n in BACKENDS}),
                        ("quiz_answer", {n: calls[(n, "quiz_answer")] for n in BACKENDS}),
                        ("term_telegram", term)]:
        p50 = {n: percentile(times[n], 0.5) for n in BACKENDS}
        for n in BACKENDS:
            out.append(figure(f"storage_{work}_{n}_p50", round(p50[n], 3), "ms", "-"))
            out.append(figure(f"storage_{work}_{n}_p99", round(percentile(times[n], 0.99), 3), "ms", "-"))
        if work == "term_telegram":  # a busy host's slow phases flip the median: the p25 too
            out.append(figure(f"storage_{work}_pg_over_sqlite_p25", round(
                percentile(times["postgresql"], 0.25) / percentile(times["sqlite"], 0.25), 2), "x", "-"))
        goal = f"<= {GOAL}x" if work == "term_telegram" else "- (SQLite's is memory or one file)"
        out.append(figure(f"storage_{work}_pg_over_sqlite_p50",
                          round(p50["postgresql"] / max(p50["sqlite"], 1e-6), 2), "x", goal))
    return out


if __name__ == "__main__":
    figures = asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
    print(table(figures))
    merge(figures)
