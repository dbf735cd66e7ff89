"""Issue 15's test of the fan-out across processes: two real bot processes in Telegram webhook
mode (the real PTB, against the fake Telegram server) share one real PostgreSQL and post a daily
fan-out together; one is killed with SIGKILL mid-fan-out and started again. No chat gets a
message of its post twice, only messages in flight can be unknown, posts cut by the kill are
completed, each process sent its share, the fleet kept to its rate ceiling, and nothing was
written to SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from bot.core.clock import iso
from bot.storage.postgresql import PostgresStorage
from tests.adapters.telegram.fake_telegram import Call, FakeTelegram
from tests.bot_process import BotProcess, bot_env, bot_process
from tests.storage.pg_server import PgServer

TARGETS = 150
RATE = 50.0  # the fleet's ceiling, messages per second: ~6 s for 300 messages
CONCURRENCY = 8
LEASE = 2.0
FIRST_CHAT = -1_000_000_000_000  # supergroups: ids below zero


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kind_of(call: Call) -> str | None:
    """'recap', 'question' (the poll, or the message with answer buttons), 'intro' (a question's
    code before its poll), or None for a call that is no daily message to our chats."""
    if call.method not in ("sendMessage", "sendPoll") or int(call.params["chat_id"]) > FIRST_CHAT:
        return None
    if call.method == "sendPoll":
        return "question"
    data = [b.get("callback_data", "") for row in (call.params.get("reply_markup") or {})
            .get("inline_keyboard", []) for b in row]
    if any(d.startswith("term ") for d in data):
        return "recap"
    return "question" if any(d.startswith("answer ") for d in data) else "intro"


def peak_per_second(times: list[float]) -> int:
    """The most sends within any one second."""
    times = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def sqlite_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith("bot.sqlite3")]


def instance_of(bot: BotProcess, counts: Counter[str]) -> str:
    """The process's instance id (host:pid:random) among those that sent messages."""
    found = [i for i in counts if f":{bot.pid}:" in i]
    assert len(found) == 1, (bot.pid, counts)
    return found[0]


async def ready(bot: BotProcess) -> None:
    await bot.wait_line(r"telegram: @\w+ is on its webhook", within=60)


async def sent_by(conn: asyncpg.Connection) -> Counter[str]:
    return Counter({r[0]: r[1] for r in await conn.fetch(
        "SELECT sent_by, COUNT(*) FROM daily_messages WHERE status = 'sent' GROUP BY sent_by")})


async def wait_until(check, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.05)


async def test_two_webhook_processes_fan_out_together_and_survive_a_sigkill(pg: PgServer,
                                                                           tmp_path: Path):
    """Issue 15's "done when" for the daily fan-out: see the module's docstring."""
    url = await pg.fresh_url()
    fake = FakeTelegram()
    await fake.start()
    store = await PostgresStorage.open(url)  # migrated before the bots start
    conn = await asyncpg.connect(url)

    def env() -> dict[str, str]:
        port = free_port()
        return bot_env(None, fake, tmp_path, STORAGE__URL=url, TELEGRAM__MODE="webhook",
                       TELEGRAM__WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                       TELEGRAM__WEBHOOK_LISTEN="127.0.0.1", TELEGRAM__WEBHOOK_PORT=str(port),
                       TELEGRAM__WEBHOOK_SECRET="fleet-test-secret",
                       TELEGRAM__RATE_OVERALL="1000",  # PTB's own limiter: not the one tested
                       PRACTICE__DAILY_RATE_PER_SECOND=str(RATE),
                       PRACTICE__DAILY_CONCURRENCY=str(CONCURRENCY),
                       PRACTICE__DAILY_LEASE_SECONDS=str(LEASE), SANDBOX__POOL="0")

    async def live() -> int:
        return await conn.fetchval("SELECT COUNT(*) FROM daily_instances WHERE alive_until > $1",
                                   iso(datetime.now(UTC)))

    def messages() -> list[Call]:
        return [c for c in fake.calls if kind_of(c) in ("recap", "question")]

    try:
        async with contextlib.AsyncExitStack() as stack:
            one = await stack.enter_async_context(bot_process(env(), tmp_path))
            two = await stack.enter_async_context(bot_process(env(), tmp_path))
            await asyncio.gather(ready(one), ready(two))
            await wait_until(lambda: _is(live(), 2), 30, "both processes registered")
            now = datetime.now(UTC)
            due = now + timedelta(seconds=1)
            for i in range(TARGETS):
                chat = FIRST_CHAT - i
                await store.daily_set(chat_key=f"telegram:{chat}", platform="telegram",
                                      chat_id=str(chat), chat_kind="group",
                                      at_time=f"{due:%H:%M}", tz="UTC",
                                      next_day=due.date().isoformat(), next_due=iso(due),
                                      now=iso(now))

            # Kill the second process a third of the way through, while posts of its own are
            # cut between their recap and their question (at its pace there are several).
            await wait_until(lambda: _now(len(messages()) >= 2 * TARGETS // 3), 60, "a third sent")

            async def cut() -> bool:
                return await conn.fetchval(
                    "SELECT COUNT(*) FROM daily_messages r JOIN daily_messages q"
                    " ON q.chat_key = r.chat_key AND q.local_day = r.local_day AND q.part = 2"
                    " WHERE r.part = 1 AND r.status = 'sent' AND r.sent_by LIKE $1"
                    " AND q.status = 'pending'", f"%:{two.pid}:%") >= 2
            await wait_until(cut, 30, "posts of the second process cut after their recap")
            two.proc.send_signal(signal.SIGKILL)
            await two.proc.wait()
            at_kill = await sent_by(conn)
            killed = instance_of(two, at_kill)
            three = await stack.enter_async_context(bot_process(env(), tmp_path))
            await ready(three)

            async def finished() -> bool:
                return await conn.fetchval(
                    "SELECT COUNT(*) FROM daily_ledger WHERE status <> 'claimed'") == TARGETS
            await wait_until(finished, 90, "every post finished")
            await asyncio.sleep(LEASE)  # anything sent twice would arrive by now
            logs = one.log() + two.log() + three.log()
            final = await sent_by(conn)
            rows = await conn.fetch("SELECT m.chat_key, m.kind, m.status, m.sent_by"
                                    " FROM daily_messages m ORDER BY m.chat_key, m.part")
            ledger = Counter(r[0] for r in await conn.fetch("SELECT status FROM daily_ledger"))
    finally:
        await conn.close()
        await store.close()
        await fake.close()

    # No chat got a message of its post twice; each message recorded 'sent' arrived once.
    seen = Counter((int(c.params["chat_id"]), kind_of(c)) for c in messages())
    assert max(seen.values()) == 1, [k for k, n in seen.items() if n > 1]
    by_chat: dict[str, dict[str, tuple[str, str | None]]] = {}
    for key, kind, status, sender in rows:
        by_chat.setdefault(key, {})[kind] = (status, sender)
        if status == "sent":
            assert seen[(int(key.split(":")[1]), kind)] == 1
    assert len(by_chat) == TARGETS and all(set(m) == {"recap", "question"} for m in by_chat.values())
    # Only messages in flight when the process died are unknown: at most its concurrency.
    statuses = Counter(status for m in by_chat.values() for status, _ in m.values())
    assert set(statuses) <= {"sent", "unknown"} and statuses["unknown"] <= CONCURRENCY
    assert set(ledger) <= {"sent", "unknown"} and ledger["unknown"] <= CONCURRENCY
    unknown_senders = {s for m in by_chat.values() for status, s in m.values() if status == "unknown"}
    assert unknown_senders <= {killed}
    # Posts the kill cut after their recap were completed by another process.
    completed = [k for k, m in by_chat.items()
                 if m["recap"][1] == killed and m["question"][0] == "sent"
                 and m["question"][1] != killed]
    assert completed
    # Each process sent its share: even until the kill, and both carried on after it.
    first = instance_of(one, at_kill)
    assert min(at_kill[first], at_kill[killed]) >= 0.3 * sum(at_kill.values()), at_kill
    restarted = instance_of(three, final)
    assert final[first] > at_kill[first] and final[restarted] > 0, final
    # Together they kept to the bot's ceiling (a little slack for HTTP jitter at the fake).
    peak = peak_per_second([c.at for c in messages()])
    assert peak <= RATE * 1.2 + 3, peak
    # PostgreSQL only: no SQLite file was created.
    assert await asyncio.to_thread(sqlite_files, tmp_path) == []
    assert "Traceback" not in logs
    print(f"sent by process: {dict(final)}; at the kill {dict(at_kill)}; unknown "
          f"{statuses['unknown']}; completed after the kill {len(completed)}; peak {peak}/s")


async def _is(value, expected) -> bool:
    return await value == expected


async def _now(value: bool) -> bool:
    return value
