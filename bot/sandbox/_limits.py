"""What a run may use. Demos carry their own wall time; everything else is the host's setting."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    wall_s: float = 5.0  # from code handed over to the end of the run
    cpu_s: int = 10  # RLIMIT_CPU, per process (SIGXCPU past it)
    memory_mb: int = 512  # RLIMIT_AS, per process
    tree_memory_mb: int = 384  # sum of RSS over the whole process tree (the watchdog)
    processes: int = 32  # RLIMIT_NPROC inside the sandbox's user namespace
    file_mb: int = 8  # RLIMIT_FSIZE
    open_files: int = 64  # RLIMIT_NOFILE
    tmp_mb: int = 16  # size of the private /tmp tmpfs
    shm_mb: int = 16  # size of the private /dev/shm tmpfs (a process pool needs it)
    output_bytes: int = 64 * 1024  # read at most this much output, then stop the run

    def with_wall(self, wall_s: float | None) -> Limits:
        return self if wall_s is None else replace(self, wall_s=wall_s)


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
    limits: Limits = Limits()

    @property
    def slots(self) -> int:
        return self.concurrency if self.concurrency > 0 else (os.cpu_count() or 1)
