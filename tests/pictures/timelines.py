"""Timelines as the sandbox writes them, built by hand: records with kind, name and times."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rec:
    kind: str
    name: str
    start_us: int
    end_us: int


@dataclass
class Tl:
    records: list[Rec] = field(default_factory=list)


def concurrent() -> Tl:
    """Two workers taking turns at their awaits (the event-loop demo's shape)."""
    recs = [Rec("s", "Task-1", 0, 300)]
    for k in range(3):
        recs.append(Rec("s", "worker-A", 400 + k * 100_000, 600 + k * 100_000))
        recs.append(Rec("s", "worker-B", 700 + k * 150_000, 900 + k * 150_000))
    recs.append(Rec("s", "Task-1", 301_000, 301_400))
    return Tl(recs)


def blocking() -> Tl:
    """Three tasks calling time.sleep(0.5) one after another (the blocking demo's first half)."""
    recs = [Rec("s", "Task-1", 0, 200)]
    t = 300
    for i in range(3):
        recs.append(Rec("s", f"Task-{i + 2}", t, t + 500_300))
        recs.append(Rec("b", f"time.sleep:Task-{i + 2}", t + 100, t + 500_200))
        t += 500_400
    recs.append(Rec("s", "Task-1", t, t + 200))
    return Tl(recs)


def many(n: int, name: str = "task") -> Tl:
    return Tl([Rec("s", f"{name}-{i}", i * 1000, i * 1000 + 300) for i in range(n)])


def busy(tasks: int = 8, steps: int = 300) -> Tl:
    """Many short steps: the most records a run may write, and the slowest picture to draw."""
    return Tl([Rec("s", f"worker-{t}", k * 1000 + t * 100, k * 1000 + t * 100 + 60)
               for k in range(steps) for t in range(tasks)])
