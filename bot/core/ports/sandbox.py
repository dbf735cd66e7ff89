"""The sandbox port: run a program somewhere safe and say how it ended.

A request carries the program, optional extra files (written beside it, importable from it)
and a budget; the host's limits cap the budget, so a local pool and a remote service serve the
same requests the same way. `submit` yields `Queued` while the request waits, then the
`RunResult`; it raises `Unavailable`, `CoolingDown` or `Busy` instead of queueing forever.
"""

from __future__ import annotations

import enum
import re
import signal
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from bot.core.monitor import SandboxLoad
from bot.core.timeline import Timeline

MB = 1024 * 1024
PROGRAM_NAME = "main.py"  # what tracebacks call the program
# An extra file is a plain name in the program's folder: no path, no hidden file.
FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
FILES_MAX = 16
FILES_CHARS = 256 * 1024  # all extra files together


@dataclass(frozen=True, slots=True)
class Limits:
    """What one run may use. The host's configured limits are the default and the ceiling."""

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

    def for_budget(self, budget: Budget, max_wall_s: float) -> Limits:
        """These limits with a request's budget applied: its CPU time never above this one's,
        its wall time never above `max_wall_s` (a demo may ask for more than a snippet gets)."""
        limits = self
        if budget.wall_s is not None:
            limits = replace(limits, wall_s=min(budget.wall_s, max(max_wall_s, self.wall_s)))
        if budget.cpu_s is not None:
            limits = replace(limits, cpu_s=min(budget.cpu_s, self.cpu_s))
        return limits


@dataclass(frozen=True, slots=True)
class Budget:
    """What one request asks for; None = the host's default. Capped by the host."""

    wall_s: float | None = None
    cpu_s: int | None = None

    def __post_init__(self) -> None:
        if self.wall_s is not None and not self.wall_s > 0:
            raise ValueError(f"a wall-time budget must be positive, got {self.wall_s}")
        if self.cpu_s is not None and self.cpu_s < 1:
            raise ValueError(f"a CPU budget is whole seconds, at least 1, got {self.cpu_s}")


@dataclass(frozen=True, slots=True)
class RunRequest:
    """A program, extra files beside it (name -> text; the program can import `name.py` as
    a module, or open any of them by name), and its budget."""

    program: str
    files: tuple[tuple[str, str], ...] = ()
    budget: Budget = field(default_factory=Budget)

    @classmethod
    def of(cls, program: str, *, files: Mapping[str, str] | None = None,
           wall_s: float | None = None, cpu_s: int | None = None) -> RunRequest:
        return cls(program, tuple(sorted((files or {}).items())), Budget(wall_s, cpu_s))

    def __post_init__(self) -> None:
        names = [name for name, _ in self.files]
        for name in names:
            if not FILE_NAME.match(name) or name == PROGRAM_NAME:
                raise ValueError(f"bad extra file name {name!r}: a plain file name, not {PROGRAM_NAME}")
        if len(set(names)) != len(names):
            raise ValueError(f"two extra files share a name: {names}")
        if len(names) > FILES_MAX or sum(len(text) for _, text in self.files) > FILES_CHARS:
            raise ValueError(f"at most {FILES_MAX} extra files of {FILES_CHARS} characters in all")


class Ending(enum.StrEnum):
    EXIT = "exit"  # the program finished on its own (exit_code says how)
    TIME = "time"  # wall-time limit
    CPU = "cpu"  # CPU-time limit (SIGXCPU)
    MEMORY = "memory"  # memory limit: per process (MemoryError) or the whole tree (watchdog)
    OUTPUT = "output"  # printed more than the output limit
    FILE_SIZE = "file_size"  # wrote a file past the size limit (SIGXFSZ)
    SIGNAL = "signal"  # killed by another signal


@dataclass(frozen=True, slots=True)
class Fault:
    """An exception the program did not catch, or one linked to it."""

    via: str  # "raised" (the one that ended the program), "member" (of an ExceptionGroup),
    #           "cause" (raise ... from it) or "context" (raised while handling it)
    type: str  # builtins by name ("TypeError"), others qualified ("asyncio.exceptions.CancelledError")
    message: str
    line: int = 0  # the line of the program it was raised at, 0 if none


@dataclass(frozen=True, slots=True)
class Warned:
    """A warning the run emitted (also while shutting down)."""

    category: str  # "RuntimeWarning"
    message: str
    line: int  # the line of the program it names, 0 if elsewhere


@dataclass(frozen=True, slots=True)
class LoopReport:
    """What asyncio reported or did on its own: a call of the loop's exception handler ("loop":
    "Task exception was never retrieved", "Task was destroyed but it is pending!"), a warning it
    logged ("log": a slow callback in debug mode, as its message template), a task still pending
    when asyncio.run() ended and cancelled it ("exit")."""

    source: str  # "loop", "log" or "exit" (a task asyncio.run() cancelled as it ended: its name
    #               in exception_message)
    message: str
    exception: str = ""  # the type of the exception in the handler's context, if any
    exception_message: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Facts a run reported about itself, beside its output: what the error explainer reads.
    `complete` says the run reported to its very end, so what is missing did not happen; when it
    is not (a run stopped by a limit, a sandbox that reports nothing) the output text fills in."""

    faults: tuple[Fault, ...] = ()  # the uncaught exception first, then members, cause, context
    warnings: tuple[Warned, ...] = ()
    loop: tuple[LoopReport, ...] = ()
    complete: bool = False

    def __bool__(self) -> bool:
        return bool(self.faults or self.warnings or self.loop)

    @property
    def raised(self) -> Fault | None:
        return self.faults[0] if self.faults and self.faults[0].via == "raised" else None


@dataclass(frozen=True, slots=True)
class RunResult:
    output: str  # stdout and stderr interleaved, decoded safely (not yet neutralised for chat)
    ending: Ending
    exit_code: int | None
    signal: int | None
    wall_s: float
    timeline: Timeline
    output_cut: bool = False  # the run printed more than was read
    limits: Limits = Limits()  # what the run was allowed (the limit an ending names)
    evidence: Evidence = Evidence()  # its uncaught exception, warnings, asyncio's own reports

    @property
    def ok(self) -> bool:
        return self.ending is Ending.EXIT and self.exit_code == 0

    @property
    def signal_name(self) -> str:
        if self.signal is None:
            return ""
        try:
            return signal.Signals(self.signal).name
        except ValueError:
            return f"signal {self.signal}"


@dataclass(frozen=True, slots=True)
class Queued:
    position: int  # 1 = next to run


class Unavailable(Exception):
    """Running code is off on this host; str() says why."""


class Busy(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy, retry in {retry_after} s")
        self.retry_after = retry_after


class CoolingDown(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"cooling down, retry in {retry_after} s")
        self.retry_after = retry_after


class SandboxPort(Protocol):
    """Where /run, /demo and graded programs run."""

    reason: str | None  # why running code is off (None while available)

    @property
    def available(self) -> bool: ...

    def submit(self, request: RunRequest, *, user_key: str | None = None
               ) -> AsyncIterator[Queued | RunResult]:
        """Yields `Queued(position)` if the request has to wait, then its `RunResult`. Raises
        Unavailable, CoolingDown (per user; None = no cooldown) or Busy (the queue is full)."""

    async def run(self, request: RunRequest) -> RunResult:
        """Run without a cooldown, waiting in the queue as long as needed."""

    def load(self) -> SandboxLoad:
        """Queued, running and capacity, for /inside and /metrics."""
