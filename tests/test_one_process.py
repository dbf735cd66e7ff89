"""Issue 8's "done when": one real `python -m bot` process serves Discord AND Telegram (the real
libraries, against the fake servers this test starts); breaking one adapter never stops the
other, and /inside shows both adapters' states from every platform."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.bot_process import BotProcess, bot_env, bot_process, discord_ask, telegram_ask

ROOT = Path(__file__).resolve().parent.parent
DISCORD_UP = r"discord: connected as"
TELEGRAM_UP = r"telegram: @\w+ is polling"

pytestmark = pytest.mark.timeout(90)



@pytest.fixture
async def both(discord: FakeDiscord, telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot with both adapters connected."""
    async with bot_process(bot_env(discord, telegram, tmp_path), tmp_path) as bot:
        await bot.wait_line(DISCORD_UP)
        await bot.wait_line(TELEGRAM_UP)
        yield bot


def states(text: str) -> dict[str, str]:
    """Adapter -> state, as /inside lists them ("discord: connected (since 3 s)")."""
    plain = re.sub(r"<[^>]+>|\*\*", "", text)  # Telegram HTML, Discord markdown
    return dict(re.findall(r"\b(discord|telegram|console): (connected|starting|reconnecting|"
                           r"disabled|stopped)\b", plain))


async def test_one_process_answers_on_both_platforms(both, discord, telegram):
    """/term await is answered on Discord and on Telegram by the same process."""
    assert "await" in (await telegram_ask(telegram, "/term await")).lower()
    assert "await" in (await discord_ask(discord, "term", term="await")).lower()


async def test_inside_on_each_platform_shows_both_adapters(both, discord, telegram):
    """/inside, asked on Telegram and on Discord, shows lag figures and both adapters connected."""
    on_telegram = await telegram_ask(telegram, "/inside")
    on_discord = await discord_ask(discord, "inside")
    for text in (on_telegram, on_discord):
        assert "p99" in text
        assert states(text) == {"discord": "connected", "telegram": "connected"}, text


async def test_bad_discord_token_disables_discord_and_telegram_answers(discord, telegram, tmp_path):
    """A rejected Discord token is one clear log line; Telegram keeps answering, /inside says so."""
    secret = "not-the-real-discord-token"
    env = bot_env(discord, telegram, tmp_path, discord_token=secret)
    async with bot_process(env, tmp_path) as bot:
        await bot.wait_line(r"adapter discord disabled: Discord rejected DISCORD__TOKEN \(401")
        await bot.wait_line(TELEGRAM_UP)
        assert "await" in (await telegram_ask(telegram, "/term await")).lower()
        inside = await telegram_ask(telegram, "/inside")
    assert states(inside) == {"discord": "disabled", "telegram": "connected"}, inside
    assert sum("adapter discord disabled" in line for line in bot.lines) == 1
    assert secret not in bot.log() and secret not in inside
    assert "Traceback" not in bot.log()


async def test_bad_telegram_token_disables_telegram_and_discord_answers(discord, telegram, tmp_path):
    """A rejected Telegram token is one clear log line; Discord keeps answering, /inside says so."""
    secret = "999:not-the-real-telegram-token"
    env = bot_env(discord, telegram, tmp_path, telegram_token=secret)
    async with bot_process(env, tmp_path) as bot:
        await bot.wait_line(r"adapter telegram disabled: Telegram rejected TELEGRAM__TOKEN")
        await bot.wait_line(DISCORD_UP)
        assert "await" in (await discord_ask(discord, "term", term="await")).lower()
        inside = await discord_ask(discord, "inside")
    assert states(inside) == {"discord": "connected", "telegram": "disabled"}, inside
    assert sum("adapter telegram disabled" in line for line in bot.lines) == 1
    assert secret not in bot.log() and secret not in inside


async def test_dropped_discord_gateway_reconnects_while_telegram_answers(both, discord, telegram):
    """While Discord's gateway is down, Telegram answers every /term; then Discord is back."""
    before = await telegram_ask(telegram, "/inside")
    assert states(before) == {"discord": "connected", "telegram": "connected"}
    await discord.drop_gateway(refuse_for=4.0)
    outage_ends = time.monotonic() + 3.0
    answered = 0
    while time.monotonic() < outage_ends:
        assert "await" in (await telegram_ask(telegram, "/term await", within=2.0)).lower()
        answered += 1
        await asyncio.sleep(0.2)
    assert answered >= 5
    # Meanwhile /inside, asked on Telegram, tells that Discord is reconnecting.
    assert states(await telegram_ask(telegram, "/inside")) == {
        "discord": "reconnecting", "telegram": "connected"}
    # discord.py reconnects (backing off while refused) and resumes the session by itself.
    await discord.wait_resumed(within=30)
    assert "await" in (await discord_ask(discord, "term", term="await")).lower()
    assert both.proc.returncode is None


async def test_sigterm_with_both_adapters_exits_0_within_5_seconds(both, discord, telegram):
    """SIGTERM while both adapters are connected: exit status 0 within 5 s, no traceback."""
    await telegram_ask(telegram, "/term await")
    started = time.monotonic()
    code = await both.stop()
    assert code == 0
    assert time.monotonic() - started < 5.0
    assert "Traceback" not in both.log()


def test_inside_once_on_the_console(tmp_path):
    """`python -m bot --once /inside` answers with live lag figures and the lesson cards."""
    env = bot_env(None, None, tmp_path)
    done = subprocess.run([sys.executable, "-m", "bot", "--once", "/inside"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "p99" in done.stdout
    assert "/term event-loop" in done.stdout
