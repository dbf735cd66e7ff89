"""The sandboxes' cpu cgroup, when this process may make one: idle class next to the bot, an
ordinary share next to everything else on the host.

`async-guru-<pid>/` below this process's own cpu cgroup holds two groups: `bot/`, where this
process moves itself, and `sandboxes/` (`cpu.idle = 1`), which every sandbox joins as the first
step of its command line (`_argv.build`), so bwrap's setup and the interpreter are born there.
The kernel compares siblings only:
- Beside the bot, the sandboxes are idle class: a woken bot preempts a CPU-hogging snippet at
  once. A weighted group, even of a low weight, is not preempted at once, so a woken bot may
  wait out the hog's time slice (measured with nice-19 autogroups, which are such groups: a
  70%-busy loop beside 4 hogs had a p99 iteration of 6.7 ms, 3.4 ms with an idle group, 3.4 ms
  alone).
- Beside the rest of the host, `async-guru-<pid>` is one ordinary group, the weight of one
  nice-0 process (as the bot's own autogroup had before), and whatever of that share the bot
  does not use goes to its sandboxes: a floor. An idle group directly beside other work (the
  earlier design) got nothing while two foreign CPU hogs ran on 2 cores: no sandbox finished
  its setup within 10 s. Measured with this layout: a 0.2 s CPU job took 0.5 s in `sandboxes/`
  beside two foreign hogs.

Where cgroups are not writable (not root, a container), `create()` returns None; what protects
the loop then is the snippet's own nice 19 and SCHED_IDLE (`_inside.py`), the demotion of its
autogroup from outside (`_proc.demote_autogroup`, where autogroups apply) and its limits
(processes, CPU seconds, wall time, slots); the CPU they can take at all is then whatever
cgroup the process was put in (a container's `cpus:` cap; docs/sandbox.md has the figures).
Tested on cgroup v1; on v2 (untested) the cpu controller is enabled for the two groups when the
hierarchy allows it, else `create()` gives None. Blocking file I/O: call from a thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "async-guru-"
_OURS = re.compile(re.escape(PREFIX) + r"(?:sandbox-)?(\d+)$")  # "sandbox-": the idle-only layout
_lock = threading.Lock()
_open: dict[Path, IdleCgroup] = {}  # base -> this process's group (nested opens share it)


def cpu_cgroup_dir(mountinfo: str | None = None, own: str | None = None) -> Path | None:
    """This process's own cgroup directory of the cpu controller: cgroup v1's `cpu` hierarchy,
    or cgroup v2 when its root offers the controller. None when there is none."""
    mountinfo = Path("/proc/self/mountinfo").read_text() if mountinfo is None else mountinfo
    own = Path("/proc/self/cgroup").read_text() if own is None else own
    paths: dict[str, str] = {}  # "cpu" (v1) or "" (v2) -> our path in that hierarchy
    for line in own.splitlines():
        hid, controllers, path = line.split(":", 2)
        if hid == "0" and controllers == "":
            paths[""] = path
        elif "cpu" in controllers.split(","):
            paths["cpu"] = path
    for line in mountinfo.splitlines():
        before, _, after = line.partition(" - ")
        fields, extra = before.split(), after.split()
        if len(fields) < 5 or len(extra) < 3:
            continue
        root, mount, fstype, options = fields[3], fields[4], extra[0], extra[2].split(",")
        if fstype == "cgroup" and "cpu" in options and "cpu" in paths:
            key = "cpu"
        elif fstype == "cgroup2" and "" in paths:
            controllers = Path(mount, "cgroup.controllers")
            with contextlib.suppress(OSError):
                if "cpu" not in controllers.read_text().split():
                    continue
            key = ""
        else:
            continue
        rel = os.path.relpath(paths[key], root) if root != "/" else paths[key].lstrip("/")
        if rel.startswith(".."):
            continue  # our cgroup is outside what this mount shows
        return Path(mount, rel) if rel not in ("", ".") else Path(mount)
    return None


class IdleCgroup:
    """`async-guru-<pid>/{bot,sandboxes}` below `base`; `path` is the sandboxes' group."""

    def __init__(self, base: Path, top: Path) -> None:
        self.base = base  # where this process was, and goes back to at close()
        self.top = top
        self.bot = top / "bot"
        self.path = top / "sandboxes"
        self._users = 1

    @classmethod
    def create(cls, base: Path | None = None) -> IdleCgroup | None:
        with _lock:
            # A second service in this process shares the group (this process is already in its
            # `bot/`: its own cgroup would now be that one).
            shared = _open.get(base) if base is not None else next(iter(_open.values()), None)
            if shared is not None:
                shared._users += 1
                return shared
            try:
                base = cpu_cgroup_dir() if base is None else base
            except OSError:
                base = None
            if base is None:
                log.info("sandbox: no cpu cgroup to make the sandboxes' group in")
                return None
            group = cls(base, base / f"{PREFIX}{os.getpid()}")
            try:
                _remove_stale(base)
                for path in (group.top, group.bot, group.path):
                    path.mkdir(exist_ok=True)
                _write(group.bot / "cgroup.procs", str(os.getpid()))
                for parent in (base, group.top):  # v2 only: children get the controller
                    if (parent / "cgroup.subtree_control").exists():
                        with contextlib.suppress(OSError):
                            _write(parent / "cgroup.subtree_control", "+cpu")
                _write(group.path / "cpu.idle", "1")  # a kernel before 5.15 fails here
            except OSError as exc:
                log.info("sandbox: no cpu cgroup for the sandboxes (%s); nice, SCHED_IDLE and "
                         "the autogroup demotion only", exc.strerror or exc)
                group._undo()
                return None
            _open[base] = group
            return group

    def close(self, wait_s: float = 2.0) -> None:
        """Move this process (and any child it started meanwhile) back, then remove the groups,
        possible only once every sandbox process has ended: a sandbox's inner processes die a
        moment after its outer one, so wait for them a little. (What is left is removed at the
        next start.)"""
        with _lock:
            self._users -= 1
            if self._users > 0:
                return
            _open.pop(self.base, None)
            self._undo(wait_s)

    def _undo(self, wait_s: float = 0.0) -> None:
        try:
            for pid in _procs(self.bot):
                with contextlib.suppress(ProcessLookupError):  # gone meanwhile
                    _write(self.base / "cgroup.procs", str(pid))
        except OSError as exc:
            log.info("sandbox: could not move back to %s (%s); its group stays", self.base,
                     exc.strerror)
            return
        deadline = time.monotonic() + wait_s
        for path in (self.bot, self.path, self.top):
            while True:
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        log.info("sandbox: cpu cgroup %s still busy; left for the next start", path)
                        return
                    time.sleep(0.02)


def _write(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _procs(group: Path) -> list[int]:
    try:
        return [int(p) for p in (group / "cgroup.procs").read_text().split()]
    except FileNotFoundError:
        return []


def _remove_stale(base: Path) -> None:
    """Groups left by a bot that was killed: empty once its sandboxes died with it. Deepest
    first: a bot started by another one (a test) made its groups inside the other's `bot/`."""
    for entry in base.iterdir():
        found = _OURS.match(entry.name)
        if found and entry.is_dir() and not Path(f"/proc/{found[1]}").exists():
            inner = sorted((p for p in entry.rglob("*") if p.is_dir()), key=lambda p: len(p.parts))
            for path in [*reversed(inner), entry]:
                with contextlib.suppress(OSError):
                    path.rmdir()
