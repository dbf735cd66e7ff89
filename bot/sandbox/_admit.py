"""What the local pool and the remote client check alike before a request may queue."""

from __future__ import annotations

import math

from bot.core.ports.sandbox import CoolingDown, RunRequest, Unavailable


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
