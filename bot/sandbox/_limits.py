"""How this host builds sandboxes. What a run may use (`Limits`) is part of the core's sandbox
port; a request's budget may lower it, and raise the wall time up to `max_wall_s`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.ports.sandbox import MB, Limits

__all__ = ["MB", "Config", "Limits"]


@dataclass(frozen=True, slots=True)
class Config:
    """How to build a sandbox on this host (from the SANDBOX__* settings)."""

    python: Path = Path("/usr/bin/python3")
    bwrap: str = "bwrap"
    setpriv: str = "setpriv"
    prlimit: str = "/usr/bin/prlimit"
    uid: int = 65534  # taken before bwrap when the bot runs as root
    concurrency: int = 0  # 0 = CPU count
    queue: int = 8  # runs waiting for a slot; beyond that, "busy, try in N s"
    pool: int = 2  # pre-started single-use sandboxes
    cooldown_s: float = 3.0  # per user, between two runs (not for the console)
    limits: Limits = field(default_factory=Limits)
    max_wall_s: float = 60.0  # the longest wall time a request's budget may ask for (demos)
    # How long after a run the warm pool starts its replacement. The sandbox service waits a
    # little (see _server.serve): a sandbox starting at once takes the CPU the bot needs that
    # moment to wake and read the answer, where in-process the caller has its result first.
    refill_after_s: float = 0.0

    @property
    def slots(self) -> int:
        return self.concurrency if self.concurrency > 0 else (os.cpu_count() or 1)
