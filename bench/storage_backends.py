"""PostgreSQL against SQLite in the same run:

- the one-process load on both at once: two real `python -m bot` processes, one per backend,
  each against its own fake Discord and Telegram, under the same load at the same moments (each
  lookup and quiz click is sent to both, in turns first): `/term` lookups split over Telegram
  and Discord, quiz answers (group quiz clicks, each recorded in the database) and CPU-hogging
  `/run`s, as in bench/one_process.py but lighter (by default 50 lookups, 5 answers a second
  and 2 hogs per bot): two bots, four fakes and PostgreSQL share this machine's CPUs. `/term`
  p50/p99 from the update being available to the answer arriving at the fake, the loop lag
  from each bot's own /metrics. The goal: PostgreSQL within 1.5x of SQLite;
- `/term await` one at a time, as a Telegram user sees it on a quiet bot (asks alternate the
  backends);
- the storage calls of that load, in this process: `langs` (the language read every command
  starts with; SQLite answers it from memory, PostgreSQL asks the server, as another process
  may have changed it) and a quiz answer's calls.

PostgreSQL is a throwaway server on loopback started here with its durable defaults (commits
wait for the disk), or STORAGE__URL's database when set (tables go into a fresh schema).

    python -m bench.storage_backends [--seconds 65] [--rate 50] [--quiz-rate 5] [--runs 2]
                                     [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import as_remote_servers, figure, gc_paused, merge, percentile, table  # noqa: E402
from bench.one_process import (  # noqa: E402
    SETTINGS,
    Load,
    cpu_seconds,
    group_quiz,
    has_run,
    hog_worker,
    metrics,
    paced,
    quiz_click,
    term_latencies,
    term_lookup,
)
from bot.storage import Storage  # noqa: E402
from bot.storage.postgresql import PostgresStorage  # noqa: E402
from tests.adapters.discord.fake_discord import FakeDiscord  # noqa: E402
from tests.adapters.telegram.fake_telegram import FakeTelegram  # noqa: E402
from tests.bot_process import BotProcess, bot_env, bot_process, telegram_ask  # noqa: E402
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


# -- the one-process load on both backends at once -------------------------------------------

@dataclass
class Side:
    """One backend's bot, its fakes and what the load sent it."""

    name: str
    dc: FakeDiscord
    tg: FakeTelegram
    bot: BotProcess
    port: int
    load: Load = field(default_factory=Load)
    message: dict = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


async def _side(stack: contextlib.AsyncExitStack, name: str, url: str, tmp: Path,
                runs: int) -> Side:
    dc = await FakeDiscord().start()
    stack.push_async_callback(dc.close)
    tg = FakeTelegram()
    await tg.start()
    stack.push_async_callback(tg.close)
    folder = tmp / name
    folder.mkdir()
    settings = {k: v for k, (v, _) in SETTINGS.items()} | {"SANDBOX__CONCURRENCY": str(max(runs, 1))}
    if name == "postgresql":
        settings["STORAGE__URL"] = url
    bot = await stack.enter_async_context(bot_process(bot_env(dc, tg, folder, **settings), folder))
    port = int((await bot.wait_line(r"health: listening on http://127\.0\.0\.1:(\d+)"))[1])
    await bot.wait_line(r"discord: connected as")
    await bot.wait_line(r"telegram: @\w+ is polling")
    side = Side(name, dc, tg, bot, port)
    side.message, side.buttons = await group_quiz(tg)
    return side


async def load_path(url: str, tmp: Path, args: argparse.Namespace) -> dict[str, dict]:
    """Both bots under the same load at once; per backend its /term latencies (seconds), the
    lookups left unanswered and its loop lag quantiles (ms) over the load's last minute."""
    async with contextlib.AsyncExitStack() as stack:
        sides = [await _side(stack, name, url, tmp, args.runs) for name in BACKENDS]
        session = await stack.enter_async_context(aiohttp.ClientSession())
        with_run = args.runs > 0 and all([await has_run(side.tg) for side in sides])
        before = {side.name: (len(side.tg.calls), len(side.dc.requests)) for side in sides}

        def both(action):
            async def each(n: int) -> None:
                for side in sides[::-1] if n % 2 else sides:  # in turns first
                    await action(n, side)
            return each

        async def lookup(n: int, side: Side) -> None:
            await term_lookup(n, side.dc, side.tg, side.load)

        async def click(n: int, side: Side) -> None:
            if side.buttons:
                await quiz_click(side.message, side.buttons, side.tg, side.load)

        until = time.monotonic() + args.seconds
        loop_until = asyncio.get_running_loop().time() + args.seconds
        lags = {}
        cpu = {side.name: cpu_seconds(side.bot.pid) for side in sides} | {"load": time.process_time()}
        started = time.monotonic()
        with gc_paused(), as_remote_servers():
            async with asyncio.TaskGroup() as group:
                if with_run:
                    for side in sides:
                        for w in range(args.runs):
                            group.create_task(hog_worker(w, side.tg, until, side.load))
                group.create_task(paced(args.rate, loop_until, both(lookup)))
                group.create_task(paced(args.quiz_rate, loop_until, both(click)))
                await asyncio.sleep(args.seconds)
                for side in sides:  # each monitor's last 60 s: all under load
                    lags[side.name] = await metrics(session, side.port)
        elapsed = time.monotonic() - started
        cpu = {side.name: (cpu_seconds(side.bot.pid) - cpu[side.name]) / elapsed * 100 for side in sides
               } | {"load": (time.process_time() - cpu["load"]) / elapsed * 100}
        await asyncio.sleep(2.0)  # the last answers arrive
        out: dict[str, dict] = {"cpu": cpu}
        for side in sides:
            on_tg, on_dc = term_latencies(side.load, side.tg, side.dc, *before[side.name])
            lag = lags[side.name]
            out[side.name] = {
                "term": on_tg + on_dc,
                "unanswered": len(side.load.term_sent_tg) + len(side.load.term_sent_dc),
                "runs": side.load.runs_finished,
                "lag": {q: lag.get(f'asyncguru_event_loop_lag_seconds{{quantile="{q}"}}',
                                   float("nan")) * 1000 for q in ("0.5", "0.99", "1")},
            }
        return out


def load_figures(load: dict[str, dict], args: argparse.Namespace) -> list[dict]:
    out = [figure("storage_load_cpu_load_generator", round(load["cpu"]["load"]), "% core",
                  "- (this process: the four fakes and the load)")]
    for name in BACKENDS:
        term, lag = load[name]["term"], load[name]["lag"]
        out.append(figure(f"storage_load_{name}_bot_cpu", round(load["cpu"][name]), "% core", "-"))
        out += [figure(f"storage_load_{name}_term_p50", round(percentile(term, 0.5) * 1000, 2), "ms", "-"),
                figure(f"storage_load_{name}_term_p99", round(percentile(term, 0.99) * 1000, 2), "ms", "-"),
                figure(f"storage_load_{name}_lag_p50", round(lag["0.5"], 2), "ms", "-"),
                figure(f"storage_load_{name}_lag_p99", round(lag["0.99"], 2), "ms", "-"),
                figure(f"storage_load_{name}_lag_max", round(lag["1"], 2), "ms", "-"),
                figure(f"storage_load_{name}_unanswered", load[name]["unanswered"], "lookups", "== 0")]
    pg, sq = load["postgresql"], load["sqlite"]
    for what, q in (("term_p50", 0.5), ("term_p99", 0.99)):
        out.append(figure(f"storage_load_pg_over_sqlite_{what}", round(
            percentile(pg["term"], q) / percentile(sq["term"], q), 2), "x", f"<= {GOAL}x"))
    out.append(figure("storage_load_pg_over_sqlite_lag_p99",
                      round(pg["lag"]["0.99"] / max(sq["lag"]["0.99"], 1e-6), 2), "x", f"<= {GOAL}x"))
    return out


async def main(args: argparse.Namespace) -> list[dict]:
    server = None if os.environ.get("STORAGE__URL") else pg_server.start(durable=True)
    try:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            fresh = server.fresh_url if server else None

            async def url() -> str:
                return await fresh() if fresh else os.environ["STORAGE__URL"]

            load = await load_path(await url(), tmp, args)
            calls = await storage_calls(await url(), tmp, args.rounds)
            term = await term_path(await url(), tmp, args.rounds)
    finally:
        if server:
            server.stop()
    # Each PostgreSQL round trip wakes the server's process and then the bot's: on a host whose
    # cores are all busy each wake-up may wait for a CPU, which SQLite's in-process reads never do.
    out = [figure("storage_host_load_1min", round(os.getloadavg()[0], 2), "procs",
                  f"- (runnable processes; this host has {os.cpu_count()} cores)")]
    out += load_figures(load, args)
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
        note = "- (one at a time)" if work == "term_telegram" else "- (SQLite's is memory or one file)"
        out.append(figure(f"storage_{work}_pg_over_sqlite_p50",
                          round(p50["postgresql"] / max(p50["sqlite"], 1e-6), 2), "x", note))
    finished = ", ".join(f"{n} {load[n]['runs']}" for n in BACKENDS)
    print(f"load on each bot: {args.seconds:.0f} s; /term {args.rate:g}/s (half Telegram, half Discord), "
          f"quiz answers {args.quiz_rate:g}/s, CPU-hogging /runs {args.runs} at once "
          f"(finished: {finished}); both bots at once, "
          f"each lookup and click sent to both, in turns first")
    return out


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.storage_backends",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=65.0,
                        help="load duration (> 60: the bots' lag window)")
    parser.add_argument("--rate", type=float, default=50.0, help="/term lookups per second, per bot")
    parser.add_argument("--quiz-rate", type=float, default=5.0, help="quiz answers per second, per bot")
    parser.add_argument("--runs", type=int, default=2, help="CPU-hogging /runs at once, per bot (0: none)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the one-at-a-time parts")
    return parser.parse_args(argv)


if __name__ == "__main__":
    figures = asyncio.run(main(parse(sys.argv[1:])))
    print(table(figures))
    merge(figures)
