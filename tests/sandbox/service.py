"""The sandbox service as a real process for tests: `python -m bot.sandbox --listen ...`, started
with the tests' sandbox settings (no warm pool, no cooldown, 3 s wall time), stopped with SIGTERM.

Where its sandbox cannot start, the tests that run code skip locally and fail under CI=true, as
the local sandbox's do (fixtures.require)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox import RemoteConfig, RemoteSandbox
from tests.conftest import ROOT

READY = re.compile(rb"^sandbox service: listening on (\S+) \((.*)\)$")
TEST_SETTINGS = {"SANDBOX__POOL": "0", "SANDBOX__COOLDOWN_S": "0", "SANDBOX__WALL_S": "3"}


@dataclass
class Service:
    proc: asyncio.subprocess.Process
    address: str  # http://127.0.0.1:PORT or unix:/path, as the service printed it
    state: str  # "available" or "UNAVAILABLE: why"

    def require(self) -> None:
        if self.state == "available":
            return
        message = f"the sandbox service cannot run code on this host: {self.state}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def service_env(**settings: str) -> dict[str, str]:
    """This environment without any SANDBOX__* of the developer's, plus the tests' settings."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SANDBOX__")}
    env.update(TEST_SETTINGS, PYTHONPATH=str(ROOT), **settings)
    return env


async def start(listen: str, cwd: Path, **settings: str) -> asyncio.subprocess.Process:
    # cwd: a folder without the developer's .env, which would otherwise be read.
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.sandbox", "--listen", listen, cwd=cwd, env=service_env(**settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


@contextlib.asynccontextmanager
async def sandbox_service(listen: str, cwd: Path, **settings: str) -> AsyncIterator[Service]:
    """A running service; at the end it is stopped with SIGTERM and must exit 0."""
    proc = await start(listen, cwd, **settings)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        match = READY.match(line.rstrip(b"\n"))
        if match is None:
            err = await asyncio.wait_for(proc.stderr.read(), 10)
            raise AssertionError(f"the service did not start: {line!r} {err.decode()[-2000:]}")
        # The service logs to stderr: drain it, or a chatty run could fill the pipe and stall it.
        drain = asyncio.create_task(proc.stderr.read())
        yield Service(proc, match[1].decode(), match[2].decode())
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0, (await drain).decode()[-2000:]
        await drain
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@contextlib.asynccontextmanager
async def remote(*urls: str, **changes) -> AsyncIterator[RemoteSandbox]:
    config = RemoteConfig(urls=urls, **{"cooldown_s": 0.0, **changes})
    async with RemoteSandbox.open(config) as sandbox:
        yield sandbox
