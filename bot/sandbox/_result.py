"""What a run produced (the port's `RunResult`, `Ending`), and its output decoded."""

from __future__ import annotations

from bot.core.ports.sandbox import Ending, RunResult

__all__ = ["Ending", "RunResult", "decode"]


def decode(raw: bytes) -> str:
    """Bytes a snippet printed, as text: invalid UTF-8 shown as \\xNN escapes, NUL as \\0."""
    return raw.decode("utf-8", "backslashreplace").replace("\x00", "\\0")
