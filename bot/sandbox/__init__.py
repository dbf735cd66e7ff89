"""Runs untrusted Python snippets in bubblewrap sandboxes: isolation, limits, output caps,
task timelines. See docs/sandbox.md for what is isolated and why."""

from bot.sandbox._limits import Config, Limits
from bot.sandbox._result import Ending, RunResult
from bot.sandbox._service import Busy, CoolingDown, Queued, Sandbox, Unavailable
from bot.sandbox._timeline import Timeline
from bot.sandbox._timeline import render as render_timeline

__all__ = [
    "Busy", "Config", "CoolingDown", "Ending", "Limits", "Queued", "RunResult", "Sandbox",
    "Timeline", "Unavailable", "render_timeline",
]
