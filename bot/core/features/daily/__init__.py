"""Daily posts: a term of the day and its quiz, per chat, at the chat's local time.

`_scheduler` owns the long-lived task (declared with `core.run_in_background`: the host runs
it in its TaskGroup); `_commands` is `/daily set|off|status|now`, and wakes the scheduler when a
schedule changes; `_post` builds the post and rotates the terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.features.daily._commands import register_commands
from bot.core.features.daily._scheduler import DailyScheduler

if TYPE_CHECKING:
    from bot.core.app import Core

__all__ = ["DailyScheduler", "register"]


def register(core: Core) -> None:
    scheduler = DailyScheduler(core)
    core.run_in_background(scheduler)
    register_commands(core, scheduler.wake)
