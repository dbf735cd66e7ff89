"""Task timelines as a run reports them: the records it writes on its own fd, validated.

A record is one line `nonce \\t kind \\t name \\t start_us \\t end_us`: kind `s` (a task or the loop
ran a step), `b` (the loop was blocked by `time.sleep`), `x` (the snippet finished; name
`exit:N`). The run's evidence shares the fd (_evidence.py reads its kinds, skipped here).
Lines without the run's nonce, malformed lines and anything past the caps are
dropped: a hostile snippet can at most falsify its own timeline.
"""

from __future__ import annotations

from bot.core.timeline import Record, Timeline, render
from bot.sandbox._evidence import KINDS as EVIDENCE_KINDS

__all__ = ["MAX_BYTES", "MAX_RECORDS", "MAX_US", "Record", "Timeline", "parse", "render"]

MAX_BYTES = 256 * 1024
MAX_RECORDS = 3000
MAX_US = 10 * 60 * 1_000_000


def parse(raw: bytes, nonce: str) -> Timeline:
    timeline = Timeline()
    prefix = nonce.encode() + b"\t"
    for line in raw[:MAX_BYTES].split(b"\n"):
        if not line.startswith(prefix):
            timeline.dropped += bool(line)
            continue
        parts = line[len(prefix):].split(b"\t")
        if parts[0].decode("ascii", "replace") in EVIDENCE_KINDS:
            continue
        try:
            kind, name = parts[0].decode("ascii"), parts[1].decode("utf-8")
            start, end = int(parts[2]), int(parts[3])
        except (IndexError, UnicodeDecodeError, ValueError):
            timeline.dropped += 1
            continue
        if (len(parts) != 4 or kind not in ("s", "b", "x") or not 0 <= start <= end <= MAX_US
                or not name.isprintable() or len(name) > 60):
            timeline.dropped += 1
            continue
        if kind == "x":
            code = name.removeprefix("exit:")
            if code.isdigit() and int(code) < 256:
                timeline.exit_status = int(code)
            continue
        if len(timeline.records) >= MAX_RECORDS:
            timeline.dropped += 1
            continue
        timeline.records.append(Record(kind, name, start, end))
    return timeline
