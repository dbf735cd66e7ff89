"""Telegram as several processes: webhook processes behind a load balancer, each checking the
secret header, setting the webhook and the menu once between them; one poller per bot token
(the second is refused). Real PTB against the fake Bot API; real PostgreSQL shared by the
processes (each its own store, as separate processes have)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.base import AdapterFatal
from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.content import Library
from bot.storage import Storage
from bot.storage.postgresql import PostgresStorage
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.conftest import make_core
from tests.storage import pg_server

SECRET = "s3cret-Fleet_1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def processes(library: Library, url: str, count: int) -> AsyncIterator[list[Core]]:
    """`count` cores, each with its own pool on the one PostgreSQL database (as processes)."""
    stores = [await PostgresStorage.open(url) for _ in range(count)]
    try:
        yield [make_core(library, store) for store in stores]
    finally:
        await asyncio.gather(*(store.close() for store in stores))


def webhook(fake: FakeTelegram, port: int, *, public: str | None = None,
            secret: str | None = SECRET):
    """Webhook settings: listening on `port`, with the load balancer's public URL."""
    return settings_for(fake, mode="webhook", webhook_listen="127.0.0.1", webhook_port=port,
                        webhook_url=public or f"http://127.0.0.1:{port}/tg", webhook_secret=secret)


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
