"""A real `python -m bot` process wired to fake Discord and Telegram servers in this process.

Shared by tests/test_one_process.py and the benchmarks (bench/one_process.py): the fakes run on
this event loop, the bot in its own process (its own loop, RSS and lag), configured only by
environment variables, exactly as a deployment would configure it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.telegram.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30.0  # seconds to wait for a log line or a reply before failing


def bot_env(discord: FakeDiscord | None, telegram: FakeTelegram | None, data: Path, *,
            discord_token: str | None = None, telegram_token: str | None = None,
            **extra: str) -> dict[str, str]:
    """The environment of a bot pointed at the fakes (tokens default to the fakes' own)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD__", "TELEGRAM__", "HEALTH__", "STORAGE__", "SANDBOX__",
                                "PRACTICE__", "LOG__"))}
    env.update(STORAGE__PATH=str(data / "bot.sqlite3"), LOG__LEVEL="INFO",
               PYTHONPATH=str(ROOT))
    if discord is not None:
        env.update(DISCORD__TOKEN=discord_token or discord.token, DISCORD__API_BASE=discord.api_base,
                   DISCORD__GATEWAY_URL=discord.gateway_url)
    if telegram is not None:
        env.update(TELEGRAM__TOKEN=telegram_token or telegram.token,
                   TELEGRAM__BASE_URL=telegram.base_url,
                   TELEGRAM__BASE_FILE_URL=telegram.base_url.replace("/bot", "/file/bot"),
                   TELEGRAM__POLL_TIMEOUT="10")
    env.update(extra)
    return env


class BotProcess:
    """The bot's process; its stderr (one log line per event) is collected as it comes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self._readers = [asyncio.create_task(self._read(proc.stderr, self.lines)),
                         asyncio.create_task(self._read(proc.stdout, []))]

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def _read(self, stream: asyncio.StreamReader | None, into: list[str]) -> None:
        assert stream is not None
        while line := await stream.readline():
            async with self._changed:
                into.append(line.decode(errors="replace").rstrip("\n"))
                self._changed.notify_all()
        async with self._changed:
            self._changed.notify_all()

    def log(self) -> str:
        return "\n".join(self.lines)

    async def wait_line(self, pattern: str, *, within: float = WAIT, after: int = 0) -> re.Match:
        """The first log line (from index `after`) matching the regex `pattern`."""
        regex = re.compile(pattern)

        async def find() -> re.Match:
            async with self._changed:
                while True:
                    for line in self.lines[after:]:
                        if match := regex.search(line):
                            return match
                    if self.proc.returncode is not None and all(r.done() for r in self._readers):
                        raise AssertionError(f"bot exited ({self.proc.returncode}) before "
                                             f"{pattern!r}:\n{self.log()}")
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(find(), within)
        except TimeoutError:
            raise AssertionError(f"{pattern!r} not logged within {within} s:\n{self.log()}") from None

    async def stop(self, within: float = 10.0) -> int:
        """SIGTERM, as a container engine stops it; the exit status."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.proc.wait(), within)
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
            await asyncio.gather(*self._readers, return_exceptions=True)
        return code


@contextlib.asynccontextmanager
async def bot_process(env: dict[str, str], cwd: Path,
                      cgroup: Path | None = None) -> AsyncIterator[BotProcess]:
    """`python -m bot` with `env`, run from `cwd` (so a developer's own .env is not read); with
    `cgroup`, in that cgroup directory from its first instruction (not in this process's)."""
    argv = [sys.executable, "-m", "bot"]
    if cgroup is not None:  # the shell joins the group, then execs the bot in its place
        argv = ["/bin/sh", "-c", 'echo $$ >"$0" && exec "$@"', str(cgroup / "cgroup.procs"), *argv]
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    bot = BotProcess(proc)
    try:
        yield bot
    finally:
        await bot.stop()


# -- conversations with the bot through the fakes ----------------------------------------------

async def telegram_ask(fake: FakeTelegram, text: str, *, chat_id: int = 42, user_id: int = 42,
                       within: float = WAIT) -> str:
    """Send `text` as a Telegram user; the text of the bot's next message to that chat."""
    start = len(fake.calls)
    await fake.send_text(text, chat_id=chat_id, user_id=user_id)
    call = await fake.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == chat_id,
                               within=within, after=start)
    return str(call.params["text"])


def slash(name: str, **options: str) -> dict[str, Any]:
    """The data of a slash command interaction."""
    return {"id": "1", "name": name, "type": 1,
            "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()]}


async def discord_ask(fake: FakeDiscord, name: str, **options: str) -> str:
    """Run a slash command as a Discord user; the text of the bot's answer (content + embeds)."""
    payload = await fake.send_interaction(fake.interaction(2, slash(name, **options)))
    [call] = await fake.wait_for("POST", f"/interactions/{payload['id']}/")
    return discord_text(call.json)


def discord_text(body: Any) -> str:
    data = (body or {}).get("data") or {}
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name')} {f.get('value')}" for f in embed.get("fields") or []]
    return "\n".join(p for p in parts if p)


def deadline(seconds: float) -> float:
    return time.monotonic() + seconds
