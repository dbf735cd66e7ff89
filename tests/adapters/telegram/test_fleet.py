"""Telegram as several processes: webhook processes behind a load balancer, each checking the
secret header, setting the webhook and the menu once between them; one poller per bot token
(the second is refused). Real PTB against the fake Bot API; real PostgreSQL shared by the
processes (each its own store, as separate processes have)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from bot.adapters.base import AdapterFatal
from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.clock import iso
from bot.core.content import Library
from bot.core.services import DailyPace
from bot.settings import TelegramSettings
from bot.storage import Storage
from bot.storage.postgresql import HOLD_CLASS, PostgresStorage
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import BOT_ID, FakeTelegram
from tests.conftest import daily_of, make_core
from tests.storage import pg_server

SECRET = "s3cret-Fleet_1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def processes(library: Library, url: str, count: int, **services: object
                    ) -> AsyncIterator[list[Core]]:
    """`count` cores, each with its own pool on the one PostgreSQL database (as processes)."""
    stores = [await PostgresStorage.open(url) for _ in range(count)]
    try:
        yield [make_core(library, store, **services) for store in stores]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def until(check, within: float = 10.0) -> None:
    """Wait until `check()` is true (it is read every 50 ms), or fail after `within` s."""
    for _ in range(int(within / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check(), f"not within {within} s"


def webhook(fake: FakeTelegram, port: int, *, public: str | None = None,
            secret: str | None = SECRET, **extra: object):
    """Webhook settings: listening on `port`, with the load balancer's public URL."""
    return settings_for(fake, mode="webhook", webhook_listen="127.0.0.1", webhook_port=port,
                        webhook_url=public or f"http://127.0.0.1:{port}/tg", webhook_secret=secret,
                        **extra)


async def test_the_webhook_refuses_a_missing_or_wrong_secret(fake: FakeTelegram, core: Core):
    """Only the secret header Telegram was given lets an update in: without it, or with
    another, the answer is 403 and nothing is handled; a body that is no update is a 400."""
    port = free_port()
    async with running(TelegramAdapter(webhook(fake, port), core)):
        assert fake.webhook["secret_token"] == SECRET
        assert await fake.deliver(fake.text_update("/term await"), secret="") == 403
        assert await fake.deliver(fake.text_update("/term await"), secret="s3cret-Fleet_2") == 403
        assert await fake.deliver(fake.text_update("/term await"), secret="s3cret") == 403
        async with aiohttp.ClientSession() as http, http.post(
                fake.webhook["url"], data=b"{not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
            assert response.status == 400
        await asyncio.sleep(0.3)
        assert not fake.called("sendMessage")
        assert await fake.deliver(fake.text_update("/term await")) == 200
        call = await fake.wait_for("sendMessage")
        assert call.params["text"].startswith("<b>await")
        assert len(fake.called("sendMessage")) == 1


async def test_two_webhook_processes_set_the_webhook_once_and_both_serve(
        fake: FakeTelegram, library: Library, pg: pg_server.PgServer):
    """Two processes behind one public URL start together: the webhook and the command menu
    are set once between them; an update reaching either process is answered by it."""
    ports = [free_port(), free_port()]
    public = "https://bot.example.org/tg"
    async with processes(library, await pg.fresh_url(), 2) as cores:
        adapters = [TelegramAdapter(webhook(fake, port, public=public), core)
                    for port, core in zip(ports, cores, strict=True)]
        async with running(adapters[0]), running(adapters[1]):
            assert len(fake.called("setWebhook")) == 1
            assert fake.webhook == {"url": public, "secret_token": SECRET,
                                    "allowed_updates": fake.called("setWebhook")[0].params[
                                        "allowed_updates"]}
            menus = fake.called("setMyCommands")  # each menu (scope, language) once in all
            assert len(menus) == len(fake.menus) == len(
                {(str(c.params.get("scope")), c.params.get("language_code")) for c in menus})
            for n, port in enumerate(ports):
                status = await fake.deliver(fake.text_update("/term await", chat_id=100 + n),
                                            f"http://127.0.0.1:{port}/tg")
                assert status == 200
            await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "101")
            await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "100")


async def test_a_restart_sets_the_webhook_only_when_it_changed(
        fake: FakeTelegram, library: Library, pg: pg_server.PgServer):
    """A process starting on the webhook already set (the URL and types Telegram reports,
    and the stored fingerprint) sets nothing; a new secret, or a webhook deleted meanwhile,
    is set again."""
    port = free_port()
    async with processes(library, await pg.fresh_url(), 1) as [core]:
        for secret, deleted, sets in ((SECRET, False, 1), (SECRET, False, 1), ("rotated", False, 2),
                                      ("rotated", True, 3)):
            if deleted:
                fake.webhook = {}
            async with running(TelegramAdapter(webhook(fake, port, secret=secret), core)):
                assert len(fake.called("setWebhook")) == sets
                assert fake.webhook["secret_token"] == secret
                assert len(fake.called("getWebhookInfo")) >= 1
        menus = fake.called("setMyCommands")  # the menus never changed: each sent once
        assert len(menus) == len(fake.menus) == len(
            {(str(c.params.get("scope")), c.params.get("language_code")) for c in menus})


async def test_a_second_poller_of_the_bot_is_refused_with_a_clear_message(
        fake: FakeTelegram, library: Library, pg: pg_server.PgServer):
    """Polling runs in one process: a second process polling the same bot through the same
    PostgreSQL stops at once with a message saying why and what to do instead; once the
    first stops, a poller starts again."""
    async with processes(library, await pg.fresh_url(), 2) as cores:
        first = TelegramAdapter(settings_for(fake), cores[0])
        async with running(first):
            second = TelegramAdapter(settings_for(fake), cores[1])
            with pytest.raises(AdapterFatal) as refused:
                await asyncio.wait_for(second.run(), 10)
            assert str(refused.value) == (
                "another bot process is already polling @async_guru_bot with this token; run one"
                " poller, or TELEGRAM__MODE=webhook for many processes")
            assert not second.ready.is_set()
            await fake.send_text("/term await")
            await fake.wait_for("sendMessage")  # the first still serves
        async with running(TelegramAdapter(settings_for(fake), cores[1])):
            await fake.send_text("/term await", chat_id=7)
            await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "7")


async def test_a_poller_whose_lock_is_lost_stops_and_resumes_when_it_is_free(
        fake: FakeTelegram, library: Library, pg: pg_server.PgServer):
    """The database ends the poller's lock connection (pg_terminate_backend): it stops polling
    but keeps running, and takes the lock back when it is free. When a second process took
    the lock meanwhile, it polls and the first stays off (the fake sees no getUpdates from
    it); when the second stops, the first polls again."""
    url = await pg.fresh_url()

    def at(client: str) -> TelegramSettings:
        return settings_for(fake).model_copy(update={"base_url": fake.base_url_for(client)})

    async def end_the_lock_connection() -> None:
        assert await admin.fetchval(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid = $1::bigint::oid AND objid = hashtext($2)::oid",
            HOLD_CLASS, f"telegram-polling:{BOT_ID}")
        await until(lambda: not first.ready.is_set())

    admin = await asyncpg.connect(url)
    try:
        async with processes(library, url, 2) as cores:
            first = TelegramAdapter(at("one"), cores[0])
            first.retake_s = 0.3
            async with running(first) as first_task:
                await until(lambda: fake.polls_by("one"))
                await end_the_lock_connection()  # nobody else polls: it takes the lock back
                await asyncio.wait_for(first.ready.wait(), 10)
                await fake.send_text("/term await", chat_id=6)
                await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "6")

                first.retake_s = 3.0  # time for a second process to start meanwhile
                await end_the_lock_connection()
                async with running(TelegramAdapter(at("two"), cores[1])):
                    await until(lambda: fake.polls_by("two"))
                    await asyncio.sleep(2.5)  # past a long poll under way (poll_timeout 1 s)
                    stopped = len(fake.polls_by("one"))
                    await fake.send_text("/term await", chat_id=7)
                    await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "7")
                    await asyncio.sleep(3.5)  # the first asks for the lock meanwhile, refused
                    assert len(fake.polls_by("one")) == stopped and not first.ready.is_set()
                assert not first_task.done()  # it kept running, off polling
                await asyncio.wait_for(first.ready.wait(), 10)
                await fake.send_text("/term await", chat_id=8)
                await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "8")
                assert len(fake.polls_by("one")) > stopped
    finally:
        await admin.close()


CEILING = 20.0  # TELEGRAM__RATE_OVERALL in the ceiling tests, messages per second
REPLIES = 40  # commands each process answers
TARGETS = 10  # daily posts (a recap and a question each), split by the fan-out


async def send_under_load(fake: FakeTelegram, library: Library, url: str, count: int
                          ) -> list[float]:
    """`count` processes in webhook mode, each with its daily scheduler (whose heartbeat counts
    the live processes), answer REPLIES commands each while fanning out TARGETS daily posts
    together; when each message to a chat reached the fake Telegram."""
    ports = [free_port() for _ in range(count)]
    pace = DailyPace(concurrency=4, rate_per_second=CEILING, lease_seconds=1.5)
    async with processes(library, url, count, daily_pace=pace) as cores, \
            contextlib.AsyncExitStack() as stack:
        for port, core in zip(ports, cores, strict=True):
            await stack.enter_async_context(running(TelegramAdapter(webhook(
                fake, port, public="https://bot.example.org/tg", rate_overall=CEILING), core)))
        schedulers = [daily_of(core) for core in cores]
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(s.run()) for s in schedulers]
            await until(lambda: all(core.fleet.live == count for core in cores))
            start = len(fake.calls)
            now = datetime.now(UTC)
            for i in range(TARGETS):
                chat = -1_000_000_000_000 - i
                await cores[0].services.daily.daily_set(
                    chat_key=f"telegram:{chat}", platform="telegram", chat_id=str(chat),
                    chat_kind="group", at_time=f"{now:%H:%M}", tz="UTC",
                    next_day=now.date().isoformat(), next_due=iso(now), now=iso(now))
            for scheduler in schedulers:
                scheduler.wake()
            await asyncio.gather(*(
                fake.deliver(fake.text_update("/term await", chat_id=1000 + n * REPLIES + i),
                             f"http://127.0.0.1:{port}/tg")
                for n, port in enumerate(ports) for i in range(REPLIES)))
            daily = cores[0].services.daily

            async def done() -> bool:
                replies = [c for c in fake.calls[start:] if c.method == "sendMessage"
                           and int(c.params["chat_id"]) >= 1000]
                return (len(replies) == count * REPLIES
                        and (await daily.daily_ledger_counts()).get("sent") == TARGETS)

            for _ in range(600):
                if await done():
                    break
                await asyncio.sleep(0.1)
            assert await done(), "not everything was sent within 60 s"
            for task in tasks:
                task.cancel()
    # Every request to a chat counts against Telegram's limit (and PTB's limiter counts them).
    return sorted(c.at for c in fake.calls[start:] if "chat_id" in c.params)


def steady_rate(times: list[float]) -> float:
    """Messages per second past the burst a full bucket allows (the fleet's, like one process's
    at the full ceiling: CEILING at once): a token bucket never exceeds it over any stretch."""
    return (len(times) - CEILING) / (times[-1] - times[0])


async def test_processes_together_keep_to_the_tokens_ceiling(
        fake: FakeTelegram, library: Library, pg: pg_server.PgServer):
    """Two processes answering commands and fanning out daily posts at once: every message to
    a chat, replies and daily posts together, keeps the whole fleet within the bot token's
    ceiling (each process sends at its share, the ceiling divided by the live processes)."""
    times = await send_under_load(fake, library, await pg.fresh_url(), 2)
    assert len(times) >= 2 * REPLIES + 2 * TARGETS
    assert steady_rate(times) <= CEILING * 1.15, (len(times), times[-1] - times[0])


async def test_one_process_uses_the_whole_ceiling(
        fake: FakeTelegram, library: Library, pg: pg_server.PgServer):
    """Alone, a process sends at the full ceiling, not a share of it."""
    times = await send_under_load(fake, library, await pg.fresh_url(), 1)
    assert len(times) >= REPLIES + 2 * TARGETS
    assert CEILING * 0.6 <= steady_rate(times) <= CEILING * 1.15, (len(times),
                                                                   times[-1] - times[0])


async def test_a_poller_on_sqlite_is_not_held_back(fake: FakeTelegram, library: Library,
                                                   tmp_path: Path):
    """SQLite already keeps the bot to one process per file: its poller always starts."""
    store = await Storage.open(tmp_path / "bot.sqlite3")
    try:
        async with running(TelegramAdapter(settings_for(fake), make_core(library, store))):
            await fake.send_text("/term await")
            await fake.wait_for("sendMessage")
    finally:
        await store.close()
