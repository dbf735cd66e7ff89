"""Runs untrusted Python snippets in bubblewrap sandboxes: isolation, limits, output caps,
task timelines. docs/sandbox.md says what is isolated and why.

`Sandbox` implements the core's sandbox port (bot/core/ports/sandbox.py); `RemoteSandbox`
implements it too, with the runs served by sandbox services (`python -m bot.sandbox --listen`).
The request, result and error types are the port's, re-exported here."""

from bot.core.ports.sandbox import (
    Budget,
    Busy,
    CoolingDown,
    Ending,
    Limits,
    Queued,
    RunRequest,
    RunResult,
    Unavailable,
)
from bot.core.timeline import Timeline
from bot.core.timeline import render as render_timeline
from bot.sandbox._admit import Cooldowns, StoredCooldowns
from bot.sandbox._limits import Config
from bot.sandbox._remote import RemoteConfig, RemoteSandbox
from bot.sandbox._service import Sandbox

__all__ = [
    "Budget", "Busy", "Config", "Cooldowns", "CoolingDown", "Ending", "Limits", "Queued",
    "RemoteConfig", "RemoteSandbox", "RunRequest", "RunResult", "Sandbox", "StoredCooldowns",
    "Timeline", "Unavailable", "render_timeline",
]
