"""The process tree of a sandbox, read from /proc. Without a memory cgroup, RLIMIT_AS bounds each
process but not their sum, so a watchdog sums the tree's resident memory. Blocking file reads:
call from a thread (`asyncio.to_thread`)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable

PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: str) -> tuple[int, int] | None:
    """(ppid, rss in bytes) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()  # the name may hold spaces and parentheses
    return int(fields[1]), int(fields[21]) * PAGE


def snapshot(uid: int | None = None) -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss) of every process, or only of those owned by `uid` (every sandbox
    process runs as the sandbox uid: one stat() skips the others without parsing them)."""
    out: dict[int, tuple[int, int]] = {}
    with os.scandir("/proc") as entries:
        for entry in entries:
            name = entry.name
            if not name.isdigit():
                continue
            if uid is not None:
                try:
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                except OSError:
                    continue
            st = _stat(name)
            if st is not None:
                out[int(name)] = st
    return out


def tree(root: int, table: dict[int, tuple[int, int]] | None = None) -> list[int]:
    """`root` and all its descendants (a double-forked daemon is re-parented to the sandbox's
    pid 1, which is still below root)."""
    table = snapshot() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table or pid == root:
            out.append(pid)
        todo += children.get(pid, [])
    return out


def demote_autogroup(root: int, nice: int = 19) -> int:
    """Give the sandbox's scheduling autogroups the lowest priority. With the kernel's autogroup
    scheduling on, every new session (bwrap --new-session, start_new_session) is its own group
    and groups share the CPU as equals: a process's own nice 19 then only counts inside its
    group, and four CPU-hogging runs would each weigh as much as the whole bot. The group's
    nice must be set from outside (a sandbox may not change it). Returns the groups demoted."""
    groups: set[str] = set()
    for pid in tree(root):
        path = f"/proc/{pid}/autogroup"
        try:
            with open(path) as f:
                group = f.read().split()[0]  # "/autogroup-123 nice 0"
            if group in groups:
                continue
            with open(path, "w") as f:
                f.write(str(nice))
            groups.add(group)
        except (OSError, IndexError):
            continue  # no autogroup support, or the process is gone
    return len(groups)


def tree_rss(roots: Iterable[int], uid: int | None = None) -> dict[int, tuple[int, int]]:
    """For each root: (sum of RSS in bytes, number of processes) over its tree."""
    table = snapshot(uid)
    result = {}
    for root in roots:
        pids = tree(root, table)
        result[root] = (sum(table[p][1] for p in pids if p in table), len(pids))
    return result


def _pss(pid: int) -> int | None:
    """Proportional set size in bytes: each shared page divided among the processes sharing it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def tree_pss(root: int, uid: int | None = None) -> int:
    """The tree's memory with shared pages counted once (PSS summed), for a tree whose RSS sum
    is over a cap: forked children share their parent's pages copy-on-write, and RSS counts those
    in every child, so 30 forks of a 12 MB interpreter would read as 360 MB. Slower to read than
    RSS (the kernel walks each page table), hence only then. A process whose PSS can't be read
    counts with its RSS."""
    table = snapshot(uid)
    total = 0
    for pid in tree(root, table):
        if pid in table:
            pss = _pss(pid)
            total += table[pid][1] if pss is None else pss
    return total


def kill_tree(root: int, uid: int | None = None) -> int:
    """SIGKILL the sandbox's process group and every process of its tree. Returns how many were
    signalled. The group matters: killed while still setting up, bwrap's inner process may not
    be in the tree yet (nor have its die-with-parent signal armed); it is in the group (the
    sandbox is started in a session of its own), and with it dies the whole pid namespace."""
    count = 0
    try:
        os.killpg(root, signal.SIGKILL)
        count += 1
    except (ProcessLookupError, PermissionError):
        pass
    for pid in reversed(tree(root, snapshot(uid))):
        try:
            os.kill(pid, signal.SIGKILL)
            count += 1
        except (ProcessLookupError, PermissionError):
            pass
    return count
