"""The Telegram adapter as the host starts it: from settings, and as `python -m bot`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.adapters import registry
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram._request import AiohttpRequest
from bot.core.app import Core
from bot.settings import PROJECT_ROOT, Settings
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import FakeTelegram


async def test_the_registry_builds_telegram_when_its_token_is_set(core: Core) -> None:
    """A TELEGRAM__TOKEN makes the host run the Telegram adapter, the core's telegram deliverer."""
    assert registry.build(Settings(_env_file=None), core) == []
    settings = Settings(_env_file=None, telegram={"token": "1:x"})
    [plugged] = registry.build(settings, core)
    adapter = plugged.adapter
    assert isinstance(adapter, TelegramAdapter) and adapter.name == "telegram"
    assert core.services.deliver.deliverer("telegram") is adapter


async def test_the_probe_says_connected_only_while_updates_arrive(fake: FakeTelegram,
                                                                  core: Core) -> None:
    """/healthz reads "starting" until polling has begun, and not connected once stopped."""
    [plugged] = registry.build(Settings(_env_file=None, telegram=settings_for(fake)), core)
    assert plugged.probe is not None and plugged.probe() is False
    async with running(plugged.adapter):
        assert plugged.probe() is True
    assert plugged.probe() is False


async def test_python_m_bot_answers_term_await_over_the_fake_server(fake: FakeTelegram,
                                                                    tmp_path: Path) -> None:
    """`python -m bot` with the token and base URL set polls, answers, and stops on Ctrl-C."""
    env = {**os.environ, "TELEGRAM__TOKEN": fake.token, "TELEGRAM__BASE_URL": fake.base_url,
           "TELEGRAM__POLL_TIMEOUT": "1", "DISCORD__TOKEN": "",
           "STORAGE__PATH": str(tmp_path / "bot.sqlite3"), "LOG__LEVEL": "INFO"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for("deleteWebhook", within=20)
        await fake.send_text("/term await")
        call = await fake.wait_for("sendMessage", within=10)
        assert call.params["text"].startswith("<b>await · 11/24</b>")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 0
    text = err.decode()
    assert "@async_guru_bot is polling" in text
    assert fake.token not in text


async def test_a_long_poll_reads_for_poll_timeout_plus_10_seconds(
        fake: FakeTelegram, core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB adds the long-poll timeout to the getUpdates request's read timeout: with a 30 s poll
    the transport is asked to read for 40 s (not 70, as when the slack already held the poll)."""
    asked: list[tuple[object, object]] = []
    do_request = AiohttpRequest.do_request

    async def recording(self, url, method, request_data=None, **timeouts):
        if url.endswith("/getUpdates") and request_data is not None:
            asked.append((request_data.parameters.get("timeout"), timeouts.get("read_timeout")))
        return await do_request(self, url, method, request_data, **timeouts)

    monkeypatch.setattr(AiohttpRequest, "do_request", recording)
    adapter = TelegramAdapter(settings_for(fake).model_copy(update={"poll_timeout": 30}), core)
    async with running(adapter):
        for _ in range(100):
            if any(poll == 30 for poll, _ in asked):
                break
            await asyncio.sleep(0.05)
    assert (30, 40) in asked
