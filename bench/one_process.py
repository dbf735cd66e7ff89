"""Benchmark: ONE real `python -m bot` process serving Discord AND Telegram (discord.py and PTB
against the fake servers, which run in this process) under load.

    python -m bench.one_process [--seconds 65] [--rate 200] [--quiz-rate 10] [--runs 4]

1. Idle: both adapters connected, nothing to do for a few seconds: the bot's RSS (VmRSS of
   its own process; the sandbox's pool processes are listed separately).
2. Load for `--seconds`: `--runs` CPU-hogging `/run`s kept executing (`while True: pass` until
   the sandbox's wall-time limit ends it, then the next one), `--rate` /term lookups a second
   split evenly over Telegram and Discord (each from a new user), and `--quiz-rate` quiz
   answers a second (button clicks on a group quiz on Telegram, each recorded in the database).
   Event-loop lag p50/p99/max comes from the bot's own monitor (GET /metrics at the end; its
   window is the last 60 s, so the load lasts longer than that); /term latency is from the
   update being available at the fake to the bot's answer arriving at the fake.

Prints the settings used and a table; merges figures named one_process_* into bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench._results import (
    AS_REMOTE_SERVERS,
    as_remote_servers,
    figure,
    gc_paused,
    instrument_group,
    merge,
    percentile,
    python_speed,
    steal_seconds,
    table,
)
from bot.core.monitor import LagMonitor, histogram_quantile
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.bot_process import BotProcess, bot_env, bot_process, slash, telegram_ask

QUERIES = ["await", "event loop", "coroutine", "blocking", "non-blocking", "async def",
           "concurrency", "parallelism", "io-bound", "cpu-bound", "starvation", "asyncio.run"]
HOG = "```py\nwhile True:\n    pass\n```"
GROUP = -100200300
TERM_USERS = itertools.count(10_000_000)
QUIZ_USERS = itertools.count(20_000_000)
RUN_USERS = itertools.count(30_000_000)
IDLE_SECONDS = 5.0

# What the benchmark changes from the defaults, and why (reported with the figures).
SETTINGS = {
    "SANDBOX__CONCURRENCY": ("4", "4 snippets run at once (default: one per CPU core)"),
    "SANDBOX__QUEUE": ("8", "runs waiting for a slot (default)"),
    "SANDBOX__POOL": ("4", "pre-started sandboxes (default 2): every hog starts warm"),
    "TELEGRAM__RATE_OVERALL": ("1000", "messages/s ceiling of PTB's rate limiter (default 30: "
                                       "the load sends ~120/s on Telegram)"),
    "TELEGRAM__RATE_GROUP": ("1000", "messages per group per period (default 20/min: the quiz "
                                     "tally is edited in one group 10x/s)"),
    "TELEGRAM__RATE_GROUP_PERIOD": ("1", "seconds (default 60)"),
    "TELEGRAM__QUIZ_POLLS": ("false", "quizzes with answer buttons (default: native polls); each "
                                      "click is an answer recorded in the database"),
    "HEALTH__ENABLED": ("true", "the bot's own lag figures come from /metrics"),
    "HEALTH__PORT": ("0", "any free port"),
}


@dataclass
class Load:
    term_sent_tg: dict[int, float] = field(default_factory=dict)  # chat id -> time pushed
    term_sent_dc: dict[str, float] = field(default_factory=dict)  # interaction id -> time sent
    # Where a lookup's time goes: chat id -> when the fake handed it to the bot (getUpdates
    # returned it), interaction id -> when the fake's gateway write of it finished.
    term_delivered_tg: dict[int, float] = field(default_factory=dict)
    term_delivered_dc: dict[str, float] = field(default_factory=dict)
    quiz_clicks: int = 0
    runs_started: int = 0
    runs_finished: int = 0
    sandbox_running: list[float] = field(default_factory=list)  # sampled from /metrics


# -- the bot's process --------------------------------------------------------------------------

def rss_of(pid: int) -> int:
    """VmRSS in bytes (0 once the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(found[1]) * 1024 if found else 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (its threads included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def runqueue_wait(pid: int) -> float:
    """Seconds the process's main thread (its event loop) has waited, runnable, for a CPU so far
    (/proc/<pid>/schedstat's second field; 0 where the kernel does not keep it): a loop that
    waits here is starved of CPU, not slow at its own work."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children.get(child, [])
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:60]
    except OSError:
        return "?"


def reply_buckets(figures: dict[str, float], command: str) -> list[tuple[float, int]]:
    """The bot's own reply-time histogram for `command` from a /metrics scrape (cumulative
    (upper bound, count) buckets; bot/health.py's asyncguru_reply_seconds)."""
    pattern = re.compile(rf'asyncguru_reply_seconds_bucket\{{command="{re.escape(command)}",'
                         r'le="([^"]+)"\}')
    found = [(float(m[1]), int(value)) for name, value in figures.items()
             if (m := pattern.fullmatch(name))]
    return sorted(found)


def bucket_delta(after: list[tuple[float, int]], before: list[tuple[float, int]]
                 ) -> list[tuple[float, int]]:
    """The observations between two scrapes (the histogram counts since the bot started)."""
    earlier = dict(before)
    return [(bound, count - earlier.get(bound, 0)) for bound, count in after]


async def metrics(session: aiohttp.ClientSession, port: int) -> dict[str, float]:
    async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
        text = await response.text()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


# -- the load ---------------------------------------------------------------------------------

async def paced(rate: float, until: float, action) -> None:
    """Call `action(n)` `rate` times a second until `until` (open loop: a slow answer does not
    slow the arrivals, as with real users)."""
    loop = asyncio.get_running_loop()
    interval, due = 1.0 / rate, loop.time()
    async with asyncio.TaskGroup() as tg:
        for n in itertools.count():
            if due >= until:
                break
            await asyncio.sleep(max(0.0, due - loop.time()))
            tg.create_task(action(n))
            due += interval


async def term_lookup(n: int, dc: FakeDiscord, tg: FakeTelegram, load: Load) -> None:
    query = QUERIES[n % len(QUERIES)]
    if n % 2:
        payload = dc.interaction(2, slash("term", term=query))
        load.term_sent_dc[payload["id"]] = time.monotonic()
        await dc.send_interaction(payload)
        load.term_delivered_dc[payload["id"]] = time.monotonic()
    else:
        chat = next(TERM_USERS)
        load.term_sent_tg[chat] = time.monotonic()
        await tg.send_text(f"/term {query}", chat_id=chat, user_id=chat)


def stamp_deliveries(tg: FakeTelegram, load: Load) -> None:
    """Record when the fake hands each /term update to the bot (its getUpdates answer), so a
    lookup's latency splits into before the bot has it and from then to its answer."""
    serve = tg._m_getUpdates

    async def stamped(params: dict) -> object:
        result = await serve(params)
        if isinstance(result, list):
            now = time.monotonic()
            for update in result:
                text = update.get("message", {}).get("text", "")
                if text.startswith("/term "):
                    load.term_delivered_tg.setdefault(update["message"]["chat"]["id"], now)
        return result

    tg._m_getUpdates = stamped  # type: ignore[method-assign]


async def quiz_click(message: dict, data: list[str], tg: FakeTelegram, load: Load) -> None:
    user = next(QUIZ_USERS)
    await tg.click(data[user % len(data)], message, user_id=user)
    load.quiz_clicks += 1


async def hog_worker(w: int, tg: FakeTelegram, until: float, load: Load) -> None:
    """One CPU-hogging /run after another, each until the bot's final answer; each from a new
    user (a user's next run waits out SANDBOX__COOLDOWN_S)."""
    while time.monotonic() < until:
        chat = next(RUN_USERS)
        start = len(tg.calls)
        load.runs_started += 1
        await tg.send_text(f"/run {HOG}", chat_id=chat, user_id=chat)
        with contextlib.suppress(TimeoutError):
            # Long-running: "typing…" while it runs (sendChatAction), then the result.
            await tg.wait_for("sendMessage", lambda c, chat=chat: int(c.params["chat_id"]) == chat,
                              within=max(5.0, until - time.monotonic() + 30), after=start)
            load.runs_finished += 1


async def sample_sandbox(session: aiohttp.ClientSession, port: int, until: float, load: Load) -> None:
    while time.monotonic() < until:
        figures = await metrics(session, port)
        if "asyncguru_sandbox_running" in figures:
            load.sandbox_running.append(figures["asyncguru_sandbox_running"])
        await asyncio.sleep(1.0)


async def group_quiz(tg: FakeTelegram) -> tuple[dict, list[str]]:
    """A group quiz posted on Telegram: its message and the answer buttons the load clicks."""
    start = len(tg.calls)
    tg.chat_types[GROUP] = "supergroup"
    await tg.send_text("/quiz", chat_id=GROUP, user_id=1)
    posted = await tg.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == GROUP,
                               after=start)
    markup = posted.params.get("reply_markup") or {}
    buttons = [b["callback_data"] for row in markup.get("inline_keyboard", [])
               for b in row if b.get("callback_data", "").startswith("answer ")]
    return tg.message_of(posted), buttons


def term_latencies(load: Load, tg: FakeTelegram, dc: FakeDiscord, calls_before: int,
                   requests_before: int) -> tuple[list[float], list[float], dict[str, list[float]]]:
    """Seconds from each lookup sent to its answer at the fake, on Telegram and on Discord
    (the answered ones are taken out of `load`: what is left there went unanswered), and the
    same split at the delivery to the bot: {"tg_before", "tg_after", "dc_before", "dc_after"}."""
    on_tg, on_dc = [], []
    split: dict[str, list[float]] = {"tg_before": [], "tg_after": [], "dc_before": [], "dc_after": []}
    for call in tg.calls[calls_before:]:
        if call.method == "sendMessage":
            chat = int(call.params["chat_id"])
            sent = load.term_sent_tg.pop(chat, None)
            if sent is not None:
                on_tg.append(call.at - sent)
                delivered = load.term_delivered_tg.get(chat)
                if delivered is not None:
                    split["tg_before"].append(delivered - sent)
                    split["tg_after"].append(call.at - delivered)
    for request in dc.requests[requests_before:]:
        parts = request.path.split("/")
        if request.method == "POST" and len(parts) > 4 and parts[3] == "interactions":
            sent = load.term_sent_dc.pop(parts[4], None)
            if sent is not None:
                on_dc.append(request.at - sent)
                delivered = load.term_delivered_dc.get(parts[4])
                if delivered is not None:
                    split["dc_before"].append(delivered - sent)
                    split["dc_after"].append(request.at - delivered)
    return on_tg, on_dc, split


async def has_run(tg: FakeTelegram) -> bool:
    """Whether this build has /run (the sandbox); without it the CPU load is left out."""
    answer = await telegram_ask(tg, "/help", chat_id=29_999_999, user_id=29_999_999)
    return bool(re.search(r"(^|\W)/run\b", answer))


# -- the run ----------------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> list[dict]:
    dc = await FakeDiscord().start()
    tg = FakeTelegram()
    await tg.start()
    settings = {k: v for k, (v, _) in SETTINGS.items()}
    if args.runs:
        settings["SANDBOX__CONCURRENCY"] = str(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        env = bot_env(dc, tg, Path(tmp), **settings)
        async with bot_process(env, Path(tmp), args.bot_group) as bot, \
                aiohttp.ClientSession() as session:
            port = int((await bot.wait_line(r"health: listening on http://127\.0\.0\.1:(\d+)"))[1])
            await bot.wait_line(r"discord: connected as")
            await bot.wait_line(r"telegram: @\w+ is polling")
            figures = await measure(bot, dc, tg, session, port, args)
        await tg.close()
        await dc.close()
    return figures


async def main(args: argparse.Namespace) -> list[dict]:
    """The benchmark; with `--instrument-group`, the fakes and the load (this process) run in
    a heavily weighted cpu cgroup of their own and the bot in this process's old one, instead
    of this process in the batch class beside the bot."""
    if not args.instrument_group:
        return await run(argparse.Namespace(**vars(args), bot_group=None,
                                            placement=AS_REMOTE_SERVERS))
    with instrument_group() as (bot_group, placement):
        return await run(argparse.Namespace(**vars(args), bot_group=bot_group,
                                            placement=placement))


async def measure(bot: BotProcess, dc: FakeDiscord, tg: FakeTelegram,
                  session: aiohttp.ClientSession, port: int, args: argparse.Namespace) -> list[dict]:
    await asyncio.sleep(IDLE_SECONDS)
    idle_rss = rss_of(bot.pid)
    speed_before = python_speed()  # the bot is idle: this process has a core to itself
    pool = {pid: (rss_of(pid), command_line(pid)) for pid in descendants(bot.pid)}
    with_run = args.runs > 0 and await has_run(tg)

    message, buttons = await group_quiz(tg)

    load = Load()
    stamp_deliveries(tg, load)
    calls_before, requests_before = len(tg.calls), len(dc.requests)
    until = time.monotonic() + args.seconds
    loop_until = asyncio.get_running_loop().time() + args.seconds
    started = time.monotonic()
    replies_before = reply_buckets(await metrics(session, port), "term")
    bot_cpu, own_cpu, steal = cpu_seconds(bot.pid), time.process_time(), steal_seconds()
    bot_wait, own_wait = runqueue_wait(bot.pid), runqueue_wait(os.getpid())
    own_lag = LagMonitor(window=args.seconds)  # this process's own loop: it times the answers
    # In its own weighted cgroup the instrument keeps the ordinary class; else the batch class.
    batch = args.bot_group is None or args.instrument_batch
    with gc_paused(), (as_remote_servers() if batch else contextlib.nullcontext()):
        async with asyncio.TaskGroup() as group:
            lag_task = group.create_task(own_lag.run())
            if with_run:
                for w in range(args.runs):
                    group.create_task(hog_worker(w, tg, until, load))
            group.create_task(sample_sandbox(session, port, until, load))
            group.create_task(paced(args.rate, loop_until, lambda n: term_lookup(n, dc, tg, load)))
            if buttons:
                group.create_task(paced(args.quiz_rate, loop_until,
                                        lambda n: quiz_click(message, buttons, tg, load)))
            await asyncio.sleep(args.seconds)
            lag = await metrics(session, port)  # the monitor's last 60 s: all under load
            lag_task.cancel()
    elapsed = time.monotonic() - started
    # Who had the CPU: on 2 cores, the bot, this process (both fakes and the load) and the hogs.
    bot_cpu = (cpu_seconds(bot.pid) - bot_cpu) / elapsed * 100
    own_cpu = (time.process_time() - own_cpu) / elapsed * 100
    steal = (steal_seconds() - steal) / elapsed * 100
    bot_wait = (runqueue_wait(bot.pid) - bot_wait) / elapsed * 1000
    own_wait = (runqueue_wait(os.getpid()) - own_wait) / elapsed * 1000
    await asyncio.sleep(2.0)  # the last answers arrive
    replies = bucket_delta(reply_buckets(await metrics(session, port), "term"), replies_before)
    bot_term = {q: histogram_quantile(q, replies) * 1000 if replies else float("nan")
                for q in (0.5, 0.99)}
    peak_rss = rss_of(bot.pid)
    speed_after = python_speed()

    on_tg, on_dc, split = term_latencies(load, tg, dc, calls_before, requests_before)
    latencies = on_tg + on_dc
    unanswered = len(load.term_sent_tg) + len(load.term_sent_dc)
    recorded = len([c for c in tg.calls[calls_before:] if c.method == "answerCallbackQuery"])
    p = {q: lag.get(f'asyncguru_event_loop_lag_seconds{{quantile="{q}"}}', float("nan")) * 1000
         for q in ("0.5", "0.99", "1")}

    running = (sum(load.sandbox_running) / len(load.sandbox_running)) if load.sandbox_running else 0
    print("settings (changed from the defaults for this load):")
    for name, (value, why) in SETTINGS.items():
        shown = str(args.runs) if name == "SANDBOX__CONCURRENCY" and args.runs else value
        print(f"  {name}={shown:6} {why}")
    print(f"the benchmark's own process: {args.placement}")
    print(f"load: {args.seconds:.0f} s; /term {args.rate:g}/s (half Telegram, half Discord, "
          f"{len(latencies)} answered, {unanswered} unanswered); quiz answers "
          f"{args.quiz_rate:g}/s ({load.quiz_clicks} clicked, {recorded} acknowledged); "
          + (f"/run CPU hogs: {load.runs_started} started, {load.runs_finished} finished, "
             f"{running:.1f} executing on average (sampled from /metrics)"
             if with_run else "/run: none (--runs 0, or no sandbox in this build): no CPU hogs"))
    mine = own_lag.stats()
    if mine is not None:
        print(f"this process's own loop lag (it stamps the updates and the answers, so a late "
              f"wake-up here adds to the latencies): p50 {mine.p50 * 1000:.2f} ms, "
              f"p99 {mine.p99 * 1000:.2f} ms, max {mine.max * 1000:.2f} ms")
    print(f"waiting for a CPU while runnable (the loop thread's run-queue time, per second of "
          f"load): the bot {bot_wait:.0f} ms/s, this process {own_wait:.0f} ms/s")
    print(f"this machine's pure-Python speed (bench/_results.py python_speed, lower is faster): "
          f"{speed_before:.1f} ms before the load, {speed_after:.1f} ms after it")
    print(f"CPU during the load: the bot {bot_cpu:.0f}% of one core, this process (the fakes "
          f"and the load) {own_cpu:.0f}%; {os.cpu_count()} cores; taken by the VM's host "
          f"(steal time) {steal:.1f}%")
    for platform, values in (("Telegram", on_tg), ("Discord", on_dc)):
        if values:
            print(f"/term latency on {platform}: p50 {percentile(values, 0.5) * 1000:.2f} ms, "
                  f"p99 {percentile(values, 0.99) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms")
    ms = {k: [v * 1000 for v in values] for k, values in split.items()}
    for platform, key, before in (("Telegram", "tg", "waiting for the bot's next getUpdates, or in "
                                   "the fake's reply to it"),
                                  ("Discord", "dc", "the fake's gateway write")):
        if ms[f"{key}_after"]:
            print(f"/term on {platform}, split where the fake hands it to the bot: before ({before}) "
                  f"p50 {percentile(ms[f'{key}_before'], 0.5):.2f} ms, p99 "
                  f"{percentile(ms[f'{key}_before'], 0.99):.2f} ms; after (the bot's work, its "
                  f"request, and this process's wake-up to stamp it) p50 "
                  f"{percentile(ms[f'{key}_after'], 0.5):.2f} ms, p99 "
                  f"{percentile(ms[f'{key}_after'], 0.99):.2f} ms")
    print(f"/term as the bot times it (from the adapter having the update to its reply handed to "
          f"the platform; /metrics asyncguru_reply_seconds, {replies[-1][1] if replies else 0} "
          f"lookups, interpolated in buckets): p50 {bot_term[0.5]:.2f} ms, p99 "
          f"{bot_term[0.99]:.2f} ms")
    print(f"bot pid {bot.pid}: idle RSS {idle_rss / 2**20:.1f} MiB, after the load "
          f"{peak_rss / 2**20:.1f} MiB; its child processes (sandbox pool), separately:")
    for pid, (size, cmd) in pool.items():
        print(f"  pid {pid}: {size / 2**20:.1f} MiB  {cmd}")
    if not pool:
        print("  (none)")
    figures = [
        figure("one_process_loop_lag_p50", round(p["0.5"], 2), "ms", "info"),
        figure("one_process_loop_lag_p99", round(p["0.99"], 2), "ms", "<= 5"),
        figure("one_process_loop_lag_max", round(p["1"], 2), "ms", "<= 20"),
        figure("one_process_term_latency_p50", round(percentile(latencies, 0.5) * 1000, 2), "ms",
               "info"),
        figure("one_process_term_latency_p99", round(percentile(latencies, 0.99) * 1000, 2), "ms",
               "<= 10"),
        figure("one_process_term_rate", round(len(latencies) / elapsed, 1), "/s",
               f"== {args.rate:g} (offered)"),
        *[figure(f"one_process_term_{key}_p99", round(percentile(ms[key], 0.99), 2), "ms",
                 f"info (/term on {'Telegram' if key[0] == 't' else 'Discord'}, "
                 f"{'until' if key.endswith('before') else 'from'} the fake hands it to the bot)")
          for key in ("tg_before", "tg_after", "dc_before", "dc_after") if ms[key]],
        figure("one_process_term_bot_p50", round(bot_term[0.5], 2), "ms",
               "info (/term as the bot times it: update at the adapter to reply handed on)"),
        figure("one_process_term_bot_p99", round(bot_term[0.99], 2), "ms",
               "info (/term as the bot times it: update at the adapter to reply handed on)"),
        figure("one_process_term_unanswered", unanswered, "lookups", "== 0"),
        figure("one_process_sandbox_running_avg", round(running, 2), "runs",
               f"== {args.runs} (CPU hogs executing)" if with_run else "no CPU hogs"),
        figure("one_process_bot_cpu", round(bot_cpu), "% core", "info (bot process, during the load)"),
        figure("one_process_load_cpu", round(own_cpu), "% core", "info (fakes + load generator)"),
        figure("one_process_load_loop_lag_p99", round(mine.p99 * 1000, 2) if mine else float("nan"),
               "ms", "info (the load generator's own loop: adds to the latencies)"),
        figure("one_process_bot_cpu_wait", round(bot_wait), "ms/s",
               "info (the bot's loop thread runnable but waiting for a CPU)"),
        figure("one_process_load_cpu_wait", round(own_wait), "ms/s",
               "info (the load generator's loop thread runnable but waiting for a CPU)"),
        figure("one_process_steal", round(steal, 1), "% core",
               "info (CPU the VM's host gave to others during the load: a shared host's slow "
               "phase)"),
        figure("one_process_python_speed", round(max(speed_before, speed_after), 1), "ms",
               "info (fixed pure-Python work, the slower of before/after the load: a slow "
               "machine, not a slow bot)"),
        figure("one_process_idle_rss", round(idle_rss / 2**20, 1), "MiB", "<= 120"),
        figure("one_process_sandbox_pool_rss", round(sum(s for s, _ in pool.values()) / 2**20, 1),
               "MiB", f"info ({len(pool)} processes)"),
    ]
    return figures


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.one_process", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=65.0, help="load duration (> 60: the "
                        "bot's lag window)")
    parser.add_argument("--rate", type=float, default=200.0, help="/term lookups per second")
    parser.add_argument("--quiz-rate", type=float, default=10.0, help="quiz answers per second")
    parser.add_argument("--runs", type=int, default=4, help="CPU-hogging /runs at once (0: none)")
    parser.add_argument("--instrument-group", action="store_true",
                        help="the fakes and the load in a cpu cgroup of their own, weighted 10x, "
                             "instead of the batch class (the bot in this process's old group)")
    parser.add_argument("--instrument-batch", action="store_true",
                        help="with --instrument-group, this process in the batch class too")
    return parser.parse_args(argv)


if __name__ == "__main__":
    results = asyncio.run(main(parse(sys.argv[1:])))
    print(table(results))
    merge(results)
