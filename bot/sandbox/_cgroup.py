"""An idle-class CPU cgroup for the sandboxes, when this process may make one.

Why: a snippet runs as SCHED_IDLE and nice 19, but each sandbox is a new session, and with the
kernel's autogroup scheduling each session is a group of its own. The kernel compares groups
before tasks, and an autogroup is never "idle": a woken bot then waits out a hog's time slice
(a few ms, again and again under load) instead of preempting it at once. A cgroup with
`cpu.idle = 1` is idle as a whole, and its tasks leave autogroup scheduling (which applies only
in the root cgroup). Measured here, a 70%-busy loop beside 4 hogs: p99 iteration 6.7 ms with
nice-19 autogroups, 3.4 ms with the idle cgroup (3.4 ms alone).

Where cgroups are not writable (not root, a container), `create()` returns None and the
autogroup demotion in `_proc` is all there is (in a container, autogroups do not apply anyway).
Blocking file I/O: call from a thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "async-guru-sandbox-"
_OURS = re.compile(re.escape(PREFIX) + r"(\d+)$")


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
    """`async-guru-sandbox-<pid>` below this process's own cpu cgroup, with cpu.idle = 1."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, base: Path | None = None) -> IdleCgroup | None:
        try:
            base = cpu_cgroup_dir() if base is None else base
            if base is None:
                log.info("sandbox: no cpu cgroup to make an idle group in")
                return None
            _remove_stale(base)
            path = base / f"{PREFIX}{os.getpid()}"
            path.mkdir(exist_ok=True)
        except OSError as exc:
            log.info("sandbox: no idle cpu cgroup (%s); the autogroup demotion only", exc.strerror)
            return None
        try:
            (path / "cpu.idle").write_text("1")
        except OSError as exc:  # a kernel before 5.15, or a v2 parent without the cpu controller
            log.info("sandbox: no idle cpu cgroup (cpu.idle: %s); the autogroup demotion only",
                     exc.strerror)
            with contextlib.suppress(OSError):
                path.rmdir()
            return None
        return cls(path)

    def close(self, wait_s: float = 2.0) -> None:
        """Remove the group, possible only once every process in it has ended: a sandbox's
        inner processes die a moment after its outer one, so wait for them a little. (A group
        still left is removed at the next start.)"""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() >= deadline:
                    log.info("sandbox: idle cgroup %s still busy; left for the next start",
                             self.path)
                    return
                time.sleep(0.02)


def _remove_stale(base: Path) -> None:
    """Groups left by a bot that was killed: empty once its sandboxes died with it."""
    for entry in base.iterdir():
        found = _OURS.match(entry.name)
        if found and entry.is_dir() and not Path(f"/proc/{found[1]}").exists():
            with contextlib.suppress(OSError):
                entry.rmdir()
