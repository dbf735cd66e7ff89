"""Task timelines: the records a run writes on its own fd, validated, and drawn as text.

A record is one line `nonce \\t kind \\t name \\t start_us \\t end_us`: kind `s` (a task or the loop
ran a step), `b` (the loop was blocked by `time.sleep`), `x` (the snippet finished; name
`exit:N`). Lines without the run's nonce, malformed lines and anything past the caps are
dropped: a hostile snippet can at most falsify its own timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BYTES = 256 * 1024
MAX_RECORDS = 3000
MAX_US = 10 * 60 * 1_000_000
WIDTH = 30  # bar columns: fits a phone screen in a monospace block
MAX_TASKS = 8
MAX_LOOP_LINES = 4
BLOCKED_MS = 50  # a step this long is a blocked loop worth a line


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    name: str
    start_us: int
    end_us: int


@dataclass(slots=True)
class Timeline:
    records: list[Record] = field(default_factory=list)
    exit_status: int | None = None
    dropped: int = 0

    @property
    def steps(self) -> list[Record]:
        return [r for r in self.records if r.kind == "s"]

    def has_tasks(self) -> bool:
        return any(r.name != "loop" for r in self.steps)


def parse(raw: bytes, nonce: str) -> Timeline:
    timeline = Timeline()
    prefix = nonce.encode() + b"\t"
    for line in raw[:MAX_BYTES].split(b"\n"):
        if not line.startswith(prefix):
            timeline.dropped += bool(line)
            continue
        parts = line[len(prefix):].split(b"\t")
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


def _label(ms: float) -> str:
    return f"{ms:.0f}"


def render(timeline: Timeline) -> str:
    """A compact text timeline (monospace): one row per task, then when the loop was blocked."""
    steps = timeline.steps
    if not steps:
        return ""
    end_us = max(r.end_us for r in timeline.records) or 1
    col_us = end_us / WIDTH
    tasks: dict[str, list[Record]] = {}
    for r in steps:
        if r.name != "loop":
            tasks.setdefault(r.name, []).append(r)
    names = list(tasks)[:MAX_TASKS]
    pad = max([len(n) for n in names] + [6])
    pad = min(pad, 12)
    mid = end_us / 2000
    head = "t(ms)".ljust(pad + 2)
    axis = ["0".ljust(WIDTH // 2), _label(mid).ljust(WIDTH - WIDTH // 2), _label(end_us / 1000)]
    lines = [head + "".join(axis).rstrip()]
    for name in names:
        runs = tasks[name]
        first, last = runs[0].start_us, max(r.end_us for r in runs)
        row = []
        for c in range(WIDTH):
            lo, hi = c * col_us, (c + 1) * col_us
            if any(r.start_us < hi and r.end_us >= lo for r in runs):
                row.append("█")
            elif first < hi and last >= lo:
                row.append("░")
            else:
                row.append(" ")
        lines.append(name[:pad].ljust(pad + 2) + "".join(row).rstrip())
    if len(tasks) > MAX_TASKS:
        lines.append(f"… {len(tasks) - MAX_TASKS} more tasks")
    lines += _blocked_lines(timeline, pad)
    return "\n".join(lines)


def _blocked_lines(timeline: Timeline, pad: int) -> list[str]:
    sleeps = [r for r in timeline.records if r.kind == "b" and r.end_us - r.start_us >= 20_000]
    out: list[str] = []
    for r in sleeps:
        who = r.name.partition(":")[2]
        out.append(f"blocked {r.start_us // 1000}-{r.end_us // 1000} ms by time.sleep ({who})")
    for r in timeline.steps:
        if r.end_us - r.start_us < BLOCKED_MS * 1000:
            continue
        if any(s.start_us >= r.start_us and s.end_us <= r.end_us for s in sleeps):
            continue  # already explained by its time.sleep
        out.append(f"blocked {r.start_us // 1000}-{r.end_us // 1000} ms by {r.name} (no await)")
    more = len(out) - MAX_LOOP_LINES
    out = out[:MAX_LOOP_LINES] + ([f"… {more} more"] if more > 0 else [])
    return ["loop".ljust(pad + 2) + line if i == 0 else " " * (pad + 2) + line
            for i, line in enumerate(out)]
