"""Shared by the benchmarks: percentiles, the printed table, bench/results.json (a list of
{"name", "value", "unit", "goal"} entries, merged by name; not kept in git), and how the
benchmark's own process keeps out of the bot's way while it measures (its garbage collector
paused; its thread in the batch class), or, where the bot shares the host with other work, gets
its CPU first (a cpu cgroup of its own with a high weight)."""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path

from bot.sandbox._cgroup import cpu_cgroup_dir

RESULTS = Path(__file__).resolve().parent / "results.json"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The benchmark's fakes keep every request they saw (tens of thousands): this process's
    full garbage collections would stall their answers for 100-200 ms, and with them the bot's
    sends and the timestamps. Everything alive is frozen and collection paused meanwhile."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


AS_REMOTE_SERVERS = ("the fakes and the load run as SCHED_BATCH: they stand for Telegram's and "
                     "Discord's servers and the users, which never share the bot's CPU")


@contextlib.contextmanager
def as_remote_servers() -> Iterator[None]:
    """The fakes stand for servers on other machines, yet here they share 2 cores with the bot.
    A socket write wakes its reader on the writer's own CPU, so every answer the bot sent woke
    this process right onto the bot's core, where it took over: measured with perf's sched_switch,
    ~120 preemptions a second of ~0.5 ms each, 5% of the bot's time, none of which a real
    deployment has. In the batch class this thread still gets any free CPU at once (the
    sandbox's hogs are idle class) but no longer preempts on waking. Linux only; the calling
    thread only, so start the bot first (a child inherits the class)."""
    batch = hasattr(os, "SCHED_BATCH")
    if batch:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    try:
        yield
    finally:
        if batch:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


def cgroup_mounts() -> list[str]:
    return [line.split(" - ")[0].split()[4] for line in Path("/proc/self/mountinfo").read_text()
            .splitlines() if line.partition(" - ")[2].startswith(("cgroup ", "cgroup2 "))]


def group_beside_own(name: str) -> tuple[Path | None, Path | None, str]:
    """A new cpu cgroup `name` beside this process's own (in its parent; at the root of the
    hierarchy when this process is there), at the default weight, and this process's own group.
    The caller removes it (`remove_group`). None and why when it cannot be made (no cpu cgroup,
    or not writable)."""
    own = cpu_cgroup_dir()
    if own is None:
        return None, None, "no cpu cgroup here"
    mount = max((Path(m) for m in cgroup_mounts() if own.is_relative_to(m)),
                key=lambda m: len(m.parts), default=own)
    parent = own if own == mount else own.parent
    group = parent / f"async-guru-bench-{name}-{os.getpid()}"
    try:
        group.mkdir()
    except OSError as exc:
        return None, own, f"cgroups not writable here ({exc.strerror})"
    return group, own, str(group)


def remove_group(group: Path) -> None:
    for _ in range(100):  # the processes in it end a moment after its main one
        try:
            os.rmdir(group)
            return
        except OSError:
            time.sleep(0.05)


# The measuring instrument's cpu weight: 10x an ordinary group's (cgroup v1 cpu.shares 1024,
# v2 cpu.weight 100), so it gets the CPU it asks for (well under a core) before the groups it
# measures; what it does not use goes to them.
INSTRUMENT_WEIGHT = 10


@contextlib.contextmanager
def instrument_group() -> Iterator[tuple[Path | None, str]]:
    """This process (the fakes and the load: the measuring instrument) in a cpu cgroup of its
    own beside its old one, weighted INSTRUMENT_WEIGHT times the default, so that on a busy
    host it is not what queues the lookups. Real Telegram and Discord servers and users are on
    other machines and never wait for this host's CPU; giving the instrument its CPU first
    stands for that. Yields the old group, where the bot must start (`bot_process(cgroup=...)`),
    so it is placed as before and not in the instrument's group; and what was done, to print.
    Where no group can be made, yields (None, why) and changes nothing."""
    group, own, where = group_beside_own("instrument")
    if group is None:
        yield None, f"{where}: the instrument shares its cpu group with the bot"
        return
    assert own is not None
    v1 = (group / "cpu.shares").exists()
    weight = 1024 * INSTRUMENT_WEIGHT if v1 else 100 * INSTRUMENT_WEIGHT
    try:
        (group / ("cpu.shares" if v1 else "cpu.weight")).write_text(str(weight))
        (group / "cgroup.procs").write_text(str(os.getpid()))
        try:
            yield own, (f"the fakes and the load in a cpu cgroup of their own, "
                        f"{'cpu.shares' if v1 else 'cpu.weight'} {weight} ({INSTRUMENT_WEIGHT}x "
                        f"the default), ordinary scheduling class: {group}; the bot starts in "
                        f"{own}")
        finally:
            (own / "cgroup.procs").write_text(str(os.getpid()))
    finally:
        remove_group(group)


def python_speed(repeat: int = 5) -> float:
    """Milliseconds this machine takes for a fixed piece of pure-Python work (dict updates,
    string formatting, calls: the kind of work the bot's libraries do per update), best of
    `repeat`. The same VM has run the same code up to ~4x slower on some days (its host is shared):
    measured in the same run as the other figures, it tells a slow machine from a slow bot."""

    def work() -> int:
        counts: dict[str, int] = {}
        for i in range(100_000):
            key = f"k{i % 97}"
            counts[key] = counts.get(key, 0) + len(key)
        return len(counts)

    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def steal_seconds() -> float:
    """CPU time the hypervisor gave to others while this VM's CPUs wanted to run (the `steal`
    column of /proc/stat, all CPUs; 0 where the kernel does not count it). Read before and after
    a load, beside python_speed: a shared host's slow phase shows here, not in the bot."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: always a value that was measured (as the bot's lag monitor does)."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


def figure(name: str, value: float, unit: str, goal: str) -> dict:
    return {"name": name, "value": value, "unit": unit, "goal": goal}


def table(figures: list[dict]) -> str:
    width = max(len(f["name"]) for f in figures)
    rows = [f"{'figure':{width}}  {'value':>10}  {'unit':8}  goal"]
    rows += [f"{f['name']:{width}}  {f['value']:>10}  {f['unit']:8}  {f['goal']}" for f in figures]
    return "\n".join(rows)


def merge(figures: list[dict], path: Path = RESULTS) -> None:
    existing = json.loads(path.read_text()) if path.exists() else []
    names = {f["name"] for f in figures}
    path.write_text(json.dumps([e for e in existing if e.get("name") not in names] + figures,
                               indent=2) + "\n")
