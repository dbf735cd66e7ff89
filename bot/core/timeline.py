"""A run's task timeline (what its tasks did and when the loop was blocked), drawn as text.

Part of what the sandbox port returns (`RunResult.timeline`); each sandbox implementation
fills it from its own records (bot/sandbox parses the lines a run writes on its own fd)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
