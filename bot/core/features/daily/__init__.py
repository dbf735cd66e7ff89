"""Daily posts: a term of the day and its quiz, per chat, at the chat's local time.

`_scheduler` owns the long-lived task (the host runs `core.daily.run()` in its TaskGroup);
`_commands` is `/daily set|off|status|now`; `_post` builds the post and rotates the terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.features.daily._commands import register_commands
from bot.core.features.daily._scheduler import DailyScheduler

if TYPE_CHECKING:
    from bot.core.app import Core

__all__ = ["DailyScheduler", "register"]


def register(core: Core) -> None:
    core.daily = DailyScheduler(core)  # type: ignore[attr-defined]
    register_commands(core)
