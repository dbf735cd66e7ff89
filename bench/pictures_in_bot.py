"""Benchmark: a real `python -m bot` process answering /stats with its picture, many a second,
through python-telegram-bot against the fake Bot API (which runs in this process).

    python -m bench.pictures_in_bot [--seconds 62] [--rate 8]

Two phases in the same bot process, each `--seconds` long (the bot's lag monitor covers its
last 60 s, so a phase lasts a little longer and /metrics is read at its end):
1. text: /stats from users with no answers yet (a short text, no picture): the baseline.
2. pictures: /stats from users with answers: each renders a new picture (not cached: it changes
   with every answer) in the bot's picture worker, uploaded with sendPhoto.
The event loop's lag is what the bot itself reports; the answer time is from the update being
available at the fake to the answer arriving there.

Prints a table; merges figures named pictures_in_bot_* into bench/results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import (  # noqa: E402
    as_remote_servers,
    figure,
    gc_paused,
    merge,
    percentile,
    table,
)
from bench.one_process import metrics, paced  # noqa: E402
from bot.core.clock import iso  # noqa: E402
from bot.core.content import Library  # noqa: E402
from bot.core.services import bank_beside  # noqa: E402
from bot.storage import Storage  # noqa: E402
from tests.adapters.telegram.fake_telegram import FakeTelegram  # noqa: E402
from tests.bot_process import bot_env, bot_process  # noqa: E402

USERS = 40  # each with some answers, so that /stats has a picture to draw
SETTINGS = {
    "TELEGRAM__RATE_OVERALL": "1000",  # PTB's limiter would hold the photos back at 30/s
    "HEALTH__ENABLED": "true",
    "HEALTH__PORT": "0",
}


async def seed(path: Path) -> None:
    """Answers on a few days for every user: the grid and the streak strip have something."""
    library = Library.from_dir(ROOT / "content")
    bank = bank_beside(library)
    storage = await Storage.open(path)
    try:
        today = datetime.now(UTC)
        for user in range(1, USERS + 1):
            for k, entry in enumerate(bank.ordered[: 3 + user % 7]):
                when = today - timedelta(days=k % 4)
                day = when.date()
                post = await storage.create_quiz_post(f"telegram:{user}", entry.id, "quiz", None,
                                                      iso(when))
                await storage.record_answer(
                    post_id=post, user_key=f"telegram:{user}", user_name=f"user {user}",
                    chat_key=f"telegram:{user}", question_id=entry.id,
                    choice=entry.question.answer if k % 3 else 1, correct=bool(k % 3),
                    now=iso(when), day=day.isoformat(),
                    yesterday=(day - timedelta(days=1)).isoformat())
    finally:
        await storage.close()


async def phase(tg: FakeTelegram, session: aiohttp.ClientSession, port: int, args: argparse.Namespace,
                first_user: int, method: str) -> tuple[dict[str, float], list[float], int]:
    """/stats at `args.rate` from users first_user.. for `args.seconds`: the bot's lag over
    its last 60 s, the answers' latencies (`method`: sendPhoto or sendMessage) and how many."""
    sent: dict[int, list[float]] = {}
    before = len(tg.calls)

    async def ask(n: int) -> None:
        user = first_user + n % USERS
        sent.setdefault(user, []).append(time.monotonic())
        await tg.send_text("/stats", chat_id=user, user_id=user)

    loop_until = asyncio.get_running_loop().time() + args.seconds
    with gc_paused(), as_remote_servers():
        await paced(args.rate, loop_until, ask)
        lag = await metrics(session, port)  # the monitor's last 60 s: all in this phase
    await asyncio.sleep(2.0)  # the last answers arrive
    latencies = []
    for call in tg.calls[before:]:
        if call.method == method and (waiting := sent.get(int(call.params["chat_id"]))):
            latencies.append(call.at - waiting.pop(0))
    return lag, latencies, len(latencies)


async def main(args: argparse.Namespace) -> list[dict]:
    tg = FakeTelegram()
    await tg.start()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        await seed(Path(tmp) / "bot.sqlite3")
        env = bot_env(None, tg, Path(tmp), **SETTINGS)
        async with bot_process(env, Path(tmp)) as bot, aiohttp.ClientSession() as session:
            port = int((await bot.wait_line(r"health: listening on http://127\.0\.0\.1:(\d+)"))[1])
            await bot.wait_line(r"telegram: @\w+ is polling")
            await tg.send_text("/stats", chat_id=1, user_id=1)  # the worker starts: not measured
            await tg.wait_for("sendPhoto", within=30)
            # The same requests from users with no answers yet: a short text, no picture (the
            # baseline, in the same process), then from the seeded users: a picture each.
            results["text"] = await phase(tg, session, port, args, 1000, "sendMessage")
            results["pictures"] = await phase(tg, session, port, args, 1, "sendPhoto")
    await tg.close()
    print(f"load: {args.seconds:.0f} s of /stats at {args.rate:g}/s on Telegram per phase; "
          "text: users with no answers (a short text); pictures: users with answers (a new "
          "picture each, rendered in the bot's worker and uploaded)")
    figures = []
    for name, (lag, latencies, answered) in results.items():
        p = {q: lag.get(f'asyncguru_event_loop_lag_seconds{{quantile="{q}"}}', float("nan")) * 1000
             for q in ("0.5", "0.99", "1")}
        goal = "info" if name == "text" else "<= text + 5"
        figures += [
            figure(f"pictures_in_bot_{name}_answers_per_second", round(answered / args.seconds, 2),
                   "1/s", "info"),
            figure(f"pictures_in_bot_{name}_loop_lag_p50", round(p["0.5"], 2), "ms", "info"),
            figure(f"pictures_in_bot_{name}_loop_lag_p99", round(p["0.99"], 2), "ms", goal),
            figure(f"pictures_in_bot_{name}_loop_lag_max", round(p["1"], 2), "ms", "info"),
            figure(f"pictures_in_bot_{name}_answer_p50", round(percentile(latencies, 0.5) * 1000, 1)
                   if latencies else float("nan"), "ms", "info"),
            figure(f"pictures_in_bot_{name}_answer_p99", round(percentile(latencies, 0.99) * 1000, 1)
                   if latencies else float("nan"), "ms", "info"),
        ]
    print(table(figures))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=62.0)
    parser.add_argument("--rate", type=float, default=8.0)
    merge(asyncio.run(main(parser.parse_args())))
