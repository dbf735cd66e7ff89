"""What the local pool and the remote client check alike before a request may queue: running
code is on, and the user's cooldown is over. The cooldown is kept in this process
(`Cooldowns`), or in the store every process of the bot shares (`StoredCooldowns`), so that
a user who reaches two bot processes still waits between runs."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from bot.core.ports.sandbox import CoolingDown, RunRequest, Unavailable
from bot.core.ports.storage import LimitStore

log = logging.getLogger(__name__)

KEEP_USERS = 1000  # past this many users noted, those whose cooldown is over are forgotten
RUN_SCOPE = "run"  # the store's name for the cooldown between two runs of code


@dataclass(frozen=True, slots=True)
class Taken:
    """A use of the cooldown, to give back if the run never ran."""

    user_key: str
    at: float
    previous: float | None = None  # the user's use before it (kept in this process only)


def _wait(cooldown_s: float, left: float) -> CoolingDown:
    return CoolingDown(max(1, math.ceil(min(cooldown_s, left))))


class Cooldowns:
    """When each user last ran code, in this process, so the next run within `cooldown_s`
    is refused. Enough where this process is the bot's only one (SQLite, the tests)."""

    def __init__(self, cooldown_s: float) -> None:
        self.cooldown_s = cooldown_s
        self._last: dict[str, float] = {}

    async def take(self, user_key: str | None) -> Taken | None:
        """Note a run of the user now, or raise CoolingDown; None when nothing was noted (no
        user: the console, or no cooldown)."""
        if user_key is None or self.cooldown_s <= 0:
            return None
        now = time.monotonic()
        last = self._last.get(user_key)
        if last is not None and now - last < self.cooldown_s:
            raise _wait(self.cooldown_s, self.cooldown_s - (now - last))
        if len(self._last) > KEEP_USERS:
            limit = now - self.cooldown_s
            self._last = {k: v for k, v in self._last.items() if v > limit}
        self._last[user_key] = now
        return Taken(user_key, now, last)

    async def give_back(self, taken: Taken | None) -> None:
        """Undo a `take` for a run that never ran: the user's earlier time counts again."""
        if taken is None or self._last.get(taken.user_key) != taken.at:
            return
        if taken.previous is None:
            del self._last[taken.user_key]
        else:
            self._last[taken.user_key] = taken.previous


class StoredCooldowns(Cooldowns):
    """The cooldown kept in the store (`LimitStore`), which every bot process shares.

    Fails open: when the store cannot answer, the run is admitted (and logged). The cooldown
    spreads one user's runs; the sandbox's slots and queue, which bound the load, stay."""

    def __init__(self, store: LimitStore, cooldown_s: float, scope: str = RUN_SCOPE) -> None:
        super().__init__(cooldown_s)
        self.store = store
        self.scope = scope

    async def take(self, user_key: str | None) -> Taken | None:
        if user_key is None or self.cooldown_s <= 0:
            return None
        try:
            took = await self.store.cooldown_take(self.scope, user_key, self.cooldown_s)
        except Exception:
            log.exception("sandbox: could not read %s's cooldown; running without it", user_key)
            return None
        if not took.taken:
            raise _wait(self.cooldown_s, took.wait_s)
        return Taken(user_key, took.at)

    async def give_back(self, taken: Taken | None) -> None:
        if taken is None:
            return
        try:
            await self.store.cooldown_give_back(self.scope, taken.user_key, taken.at)
        except Exception:
            log.exception("sandbox: could not give back %s's cooldown", taken.user_key)


def admit(request: RunRequest | str, wall_s: float | None, *, reason: str | None) -> RunRequest:
    """The request (bare code becomes one, with `wall_s` as its budget), or Unavailable with
    the reason running code is off (`reason`)."""
    if isinstance(request, str):
        request = RunRequest.of(request, wall_s=wall_s)
    elif wall_s is not None:
        raise TypeError("a RunRequest carries its own budget: no wall_s beside it")
    if reason is not None:
        raise Unavailable(reason)
    return request
