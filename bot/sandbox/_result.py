"""What a run produced, and why it ended."""

from __future__ import annotations

import enum
import signal
from dataclasses import dataclass

from bot.sandbox._timeline import Timeline


class Ending(enum.StrEnum):
    EXIT = "exit"  # the snippet finished on its own (exit_code says how)
    TIME = "time"  # wall-time limit
    CPU = "cpu"  # CPU-time limit (SIGXCPU)
    MEMORY = "memory"  # memory limit: per process (MemoryError) or the whole tree (watchdog)
    OUTPUT = "output"  # printed more than the output limit
    FILE_SIZE = "file_size"  # wrote a file past the size limit (SIGXFSZ)
    SIGNAL = "signal"  # killed by another signal


@dataclass(frozen=True, slots=True)
class RunResult:
    output: str  # stdout and stderr interleaved, decoded safely (not yet neutralised for chat)
    ending: Ending
    exit_code: int | None
    signal: int | None
    wall_s: float
    timeline: Timeline
    output_cut: bool = False  # the run printed more than was read

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


def decode(raw: bytes) -> str:
    """Bytes a snippet printed, as text: invalid UTF-8 shown as \\xNN escapes, NUL as \\0."""
    return raw.decode("utf-8", "backslashreplace").replace("\x00", "\\0")
