"""What the local pool and the remote client check alike before a request may queue."""

from __future__ import annotations

import math

from bot.core.ports.sandbox import CoolingDown, RunRequest, Unavailable

KEEP_USERS = 1000  # past this many users noted, those whose cooldown is over are forgotten


class Cooldowns:
    """When each user last ran code, so the next run within `cooldown_s` is refused."""

    def __init__(self, cooldown_s: float) -> None:
        self.cooldown_s = cooldown_s
        self._last: dict[str, float] = {}

    def last(self, user_key: str | None) -> float | None:
        return self._last.get(user_key) if user_key is not None else None

    def note(self, user_key: str | None, now: float) -> None:
        if user_key is None:
            return
        if len(self._last) > KEEP_USERS:
            limit = now - self.cooldown_s
            self._last = {k: v for k, v in self._last.items() if v > limit}
        self._last[user_key] = now

    def restore(self, user_key: str | None, previous: float | None) -> None:
        """Undo a `note` for a run that never ran: the user's earlier time, or none."""
        if user_key is None:
            return
        if previous is None:
            self._last.pop(user_key, None)
        else:
            self._last[user_key] = previous


def admit(request: RunRequest | str, wall_s: float | None, *, reason: str | None,
          last: float | None, cooldown_s: float, now: float) -> RunRequest:
    """The request (bare code becomes one, with `wall_s` as its budget), or the reason it may
    not run: running code is off (`reason`), or the user ran code `now - last` seconds ago."""
    if isinstance(request, str):
        request = RunRequest.of(request, wall_s=wall_s)
    elif wall_s is not None:
        raise TypeError("a RunRequest carries its own budget: no wall_s beside it")
    if reason is not None:
        raise Unavailable(reason)
    if last is not None and now - last < cooldown_s:
        raise CoolingDown(max(1, math.ceil(cooldown_s - (now - last))))
    return request
