"""HTTP(S)_PROXY and NO_PROXY: read as aiohttp reads them, and honoured by both adapters
end to end (each against its fake server, through a small proxy on loopback)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters._proxy import proxy_for
from bot.adapters.discord import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.core.app import Core
from bot.core.content import Library
from bot.settings import PROJECT_ROOT
from bot.storage import Storage
from tests.adapters.discord.conftest import running as discord_running
from tests.adapters.discord.conftest import settings_for as discord_settings
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.fake_proxy import FakeProxy, clear_proxy_env
from tests.adapters.telegram.conftest import running as telegram_running
from tests.adapters.telegram.conftest import settings_for as telegram_settings
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.conftest import make_core


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    clear_proxy_env(monkeypatch)
    return monkeypatch


@pytest.fixture
async def proxy(env: pytest.MonkeyPatch) -> AsyncIterator[FakeProxy]:
    fake = await FakeProxy().start()
    yield fake
    await fake.close()


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.from_dir(PROJECT_ROOT / "content")


@pytest.fixture
async def core(library: Library, tmp_path: Path) -> AsyncIterator[Core]:
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    yield make_core(library, storage)
    await storage.close()


def test_the_proxy_follows_the_targets_scheme(env: pytest.MonkeyPatch) -> None:
    """HTTPS_PROXY for https URLs, HTTP_PROXY for http ones; none set, no proxy."""
    assert proxy_for("https://discord.com/api/v10") is None
    env.setenv("HTTPS_PROXY", "http://user:pw@proxy.internal:3128")
    env.setenv("HTTP_PROXY", "http://plain.internal:8080")
    assert proxy_for("https://discord.com/api/v10") == "http://user:pw@proxy.internal:3128"
    assert proxy_for("http://127.0.0.1:9/api") == "http://plain.internal:8080"
    env.setenv("https_proxy", "http://lower.internal:3128")  # lower case wins, as in aiohttp
    assert proxy_for("https://discord.com") == "http://lower.internal:3128"


@pytest.mark.parametrize("no_proxy", ["discord.com", ".discord.com,example.org", "*",
                                      "example.org, discord.com"])
def test_no_proxy_hosts_are_reached_directly(env: pytest.MonkeyPatch, no_proxy: str) -> None:
    """A host (or a parent domain) listed in NO_PROXY, or `*`, gets no proxy."""
    env.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    env.setenv("NO_PROXY", no_proxy)
    assert proxy_for("https://discord.com/api/v10") is None
    assert proxy_for("https://gateway.discord.com") is None
    if no_proxy != "*":
        assert proxy_for("https://telegram.org") == "http://proxy.internal:3128"


@pytest.mark.parametrize("bypass", [False, True], ids=["HTTP_PROXY", "NO_PROXY"])
async def test_discord_goes_through_the_proxy_unless_no_proxy(
        core: Core, proxy: FakeProxy, env: pytest.MonkeyPatch, bypass: bool) -> None:
    """discord.py's REST calls and its gateway go through HTTP_PROXY; NO_PROXY skips it."""
    fake = await FakeDiscord().start()
    try:
        env.setenv("HTTP_PROXY", proxy.url)
        if bypass:
            env.setenv("NO_PROXY", "localhost,127.0.0.1")
        adapter = DiscordAdapter(discord_settings(fake), core)
        async with discord_running(adapter, fake):
            await fake.wait_identified()
            for _ in range(100):  # READY follows the identify
                if adapter.is_connected():
                    break
                await asyncio.sleep(0.05)
            assert adapter.is_connected()
    finally:
        await fake.close()
    origin = f"http://{fake.host}:{fake.port}"
    if bypass:
        assert proxy.seen == []
    else:
        assert proxy.saw(f"GET {origin}/api/v10/users/@me HTTP/1.1")
        assert proxy.saw(f"GET ws://{fake.host}:{fake.port}/gateway?"), proxy.seen


@pytest.mark.parametrize("bypass", [False, True], ids=["HTTP_PROXY", "NO_PROXY"])
async def test_telegram_goes_through_the_proxy_unless_no_proxy(
        core: Core, proxy: FakeProxy, env: pytest.MonkeyPatch, bypass: bool) -> None:
    """PTB's requests (getUpdates and the answers) go through HTTP_PROXY; NO_PROXY skips it."""
    fake = FakeTelegram()
    await fake.start()
    try:
        env.setenv("HTTP_PROXY", proxy.url)
        if bypass:
            env.setenv("NO_PROXY", "localhost,127.0.0.1")
        async with telegram_running(TelegramAdapter(telegram_settings(fake), core)):
            await fake.send_text("/term await")
            call = await fake.wait_for("sendMessage", within=10)
            assert call.params["text"].startswith("<b>await")
    finally:
        await fake.close()
    if bypass:
        assert proxy.seen == []
    else:
        assert proxy.saw(f"POST {fake.base_url}")  # the token is in the path: any method
        assert len(proxy.seen) >= 2  # PTB's two sessions: getUpdates and the rest
