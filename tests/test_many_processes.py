"""Issue 15's many processes, as deployed: real `python -m bot` processes sharing one real
PostgreSQL, against the fake Telegram and Discord servers this test starts. Two webhook
processes set the webhook once, each answers what reaches it, Discord's shards split between
them, one user's /run cooldown holds across them, and nothing goes to SQLite; a second poller
of one bot refuses to start with a clear line; a poller whose lock the database drops stops
polling, says so, and polls again once it holds the lock."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.storage.postgresql import HOLD_CLASS
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.telegram.fake_telegram import BOT_ID, FakeTelegram
from tests.bot_process import BotProcess, bot_env, bot_process
from tests.storage import pg_server

pytestmark = pytest.mark.timeout(120)
SECRET = "fleet-Secret_1"



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def fleet(envs: list[dict[str, str]], cwd: Path) -> AsyncIterator[list[BotProcess]]:
    async with contextlib.AsyncExitStack() as stack:
        yield [await stack.enter_async_context(bot_process(env, cwd)) for env in envs]


async def test_two_webhook_processes_share_postgresql(
        discord: FakeDiscord, telegram: FakeTelegram, pg: pg_server.PgServer, tmp_path: Path):
    """Two processes behind one public URL: the webhook is set once; an update reaching either
    is answered by it; each runs one of two Discord shards and only shard 0's syncs; a user who
    ran code through one must wait in the other; SQLite is never opened."""
    url = await pg.fresh_url()
    ports = [free_port(), free_port()]
    envs = [bot_env(discord, telegram, tmp_path, STORAGE__URL=url, TELEGRAM__MODE="webhook",
                    TELEGRAM__WEBHOOK_URL="https://bot.example.org/tg",
                    TELEGRAM__WEBHOOK_LISTEN="127.0.0.1", TELEGRAM__WEBHOOK_PORT=str(port),
                    TELEGRAM__WEBHOOK_SECRET=SECRET, DISCORD__SHARD_COUNT="2",
                    DISCORD__SHARD_IDS=str(n), SANDBOX__POOL="0", SANDBOX__CONCURRENCY="1",
                    SANDBOX__COOLDOWN_S="60")
            for n, port in enumerate(ports)]
    async with fleet(envs, tmp_path) as bots:
        for bot in bots:
            await bot.wait_line(r"telegram: @\w+ is on its webhook")
            await bot.wait_line(r"discord: connected as .*shards \d of 2")
        assert len(telegram.called("setWebhook")) == 1
        assert telegram.webhook["secret_token"] == SECRET
        assert sorted(i["shard"] for i in discord.identifies) == [[0, 2], [1, 2]]
        assert len(discord.find("PUT", "/commands")) == 1
        if "sandbox: ready" not in bots[0].log():
            pytest.skip(f"the sandbox cannot start on this host:\n{bots[0].log()}")

        async def run_through(n: int, code: str) -> str:
            start = len(telegram.calls)
            status = await telegram.deliver(telegram.text_update(f"/run {code}", chat_id=42),
                                            f"http://127.0.0.1:{ports[n]}/tg")
            assert status == 200
            call = await telegram.wait_for(
                "sendMessage", lambda c: "…" not in c.params["text"] and "⏳" not in c.params["text"],
                within=30, after=start)
            return str(call.params["text"])

        assert "42" in await run_through(0, "print(6 * 7)")
        refused = await run_through(1, "print(1)")
        assert "Easy there" in refused or "Thoda ruko" in refused
    assert [bot.proc.returncode for bot in bots] == [0, 0]
    assert not (tmp_path / "bot.sqlite3").exists()


async def test_a_second_poller_of_one_bot_refuses_to_start(
        telegram: FakeTelegram, pg: pg_server.PgServer, tmp_path: Path):
    """Polling is one process per bot: the second process on the same PostgreSQL says why and
    what to do instead, and exits 1 (its only adapter is off); the first keeps polling."""
    url = await pg.fresh_url()
    env = bot_env(None, telegram, tmp_path, STORAGE__URL=url)
    async with bot_process(env, tmp_path) as first:
        await first.wait_line(r"telegram: @\w+ is polling")
        async with bot_process(env, tmp_path) as second:
            await second.wait_line("another bot process is already polling @async_guru_bot with"
                                   " this token; run one poller, or TELEGRAM__MODE=webhook for"
                                   " many processes")
            assert await asyncio.wait_for(second.proc.wait(), 15) == 1
        await telegram.send_text("/term await")
        await telegram.wait_for("sendMessage", within=15)


async def test_a_poller_whose_lock_the_database_drops_stops_polling_and_takes_it_back(
        telegram: FakeTelegram, pg: pg_server.PgServer, tmp_path: Path):
    """The database ends the connection holding the polling lock (pg_terminate_backend): the
    process says so in one line and stops polling, not the process (its other work goes on);
    with no other poller, it takes the lock back and polls again."""
    url = await pg.fresh_url()
    env = bot_env(None, telegram, tmp_path, STORAGE__URL=url,
                  TELEGRAM__BASE_URL=telegram.base_url_for("one"), TELEGRAM__POLL_TIMEOUT="1")
    admin = await asyncpg.connect(url)
    try:
        async with bot_process(env, tmp_path) as bot:
            await bot.wait_line(r"telegram: @\w+ is polling")
            assert await admin.fetchval(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND classid = $1::bigint::oid AND objid = hashtext($2)::oid",
                HOLD_CLASS, f"telegram-polling:{BOT_ID}")
            stopped = await bot.wait_line(r"telegram: stopped polling @\w+: its lock over the"
                                          r" bot's processes was lost")
            await asyncio.sleep(2)  # past the long poll under way (1 s)
            polls = len(telegram.polls_by("one"))
            await asyncio.sleep(2)  # within the 5 s before it asks for the lock again
            assert len(telegram.polls_by("one")) == polls
            assert bot.proc.returncode is None
            await bot.wait_line(r"telegram: @\w+ is polling",
                                after=bot.lines.index(stopped.string))
            await telegram.send_text("/term await")
            await telegram.wait_for("sendMessage", within=15)
    finally:
        await admin.close()
