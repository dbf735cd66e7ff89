"""The sandboxes' cpu cgroup: finding this process's cpu cgroup (v1 and v2), making the
bot's and the idle sandboxes' groups and cleaning them up, every process of a warm sandbox
inside its group."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, _proc
from bot.sandbox._cgroup import PREFIX, IdleCgroup, _procs, cpu_cgroup_dir
from tests.sandbox.fixtures import require, test_config

V1_MOUNTS = """\
30 25 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 30 0:30 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""


def test_cgroup_v1_cpu_hierarchy() -> None:
    own = "3:cpuacct:/\n2:cpu:/bots/guru\n0::/\n"
    assert cpu_cgroup_dir(V1_MOUNTS, own) == Path("/sys/fs/cgroup/cpu/bots/guru")
    assert cpu_cgroup_dir(V1_MOUNTS, "2:cpu:/\n0::/\n") == Path("/sys/fs/cgroup/cpu")


def test_cgroup_v1_combined_controllers_and_a_bind_mounted_root() -> None:
    """A container's view: the mount shows only its own part of the hierarchy."""
    mounts = "40 30 0:31 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup rw,cpu,cpuacct\n"
    assert cpu_cgroup_dir(mounts, "4:cpu,cpuacct:/docker/abc\n") == Path("/sys/fs/cgroup/cpu,cpuacct")
    assert cpu_cgroup_dir(mounts, "4:cpu,cpuacct:/elsewhere\n") is None


def test_cgroup_v2_needs_the_cpu_controller(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpuset io memory pids\n")
    mounts = f"33 30 0:30 / {tmp_path} rw,relatime - cgroup2 cgroup2 rw\n"
    assert cpu_cgroup_dir(mounts, "0::/svc\n") is None
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    assert cpu_cgroup_dir(mounts, "0::/svc\n") == tmp_path / "svc"


def test_no_cpu_controller_at_all() -> None:
    mounts = "31 30 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
    assert cpu_cgroup_dir(mounts, "5:memory:/\n0::/\n") is None


def test_stale_groups_of_dead_bots_are_removed(tmp_path: Path) -> None:
    """Groups of dead bots go (this layout's and the older idle-only one); others stay."""
    dead_old = tmp_path / f"{PREFIX}sandbox-999999999"
    dead = tmp_path / f"{PREFIX}999999998"
    other = tmp_path / "somebody-else"
    nested = dead / "bot" / f"{PREFIX}999999997" / "sandboxes"  # a bot it started (a test)
    for d in (dead_old, dead / "sandboxes", nested, other):
        d.mkdir(parents=True)
    group = IdleCgroup.create(tmp_path)  # a plain folder takes the control files, too
    try:
        assert group is not None
        assert not dead_old.exists() and not dead.exists() and other.exists()
        assert group.top == tmp_path / f"{PREFIX}{os.getpid()}"
    finally:
        if group is not None:
            group.close(wait_s=0)


def test_the_bot_moves_in_beside_its_idle_sandboxes(tmp_path: Path) -> None:
    """This process joins `bot/`, the sandboxes' group is idle class, and nested opens share the
    group: only the last close moves this process back."""
    group = IdleCgroup.create(tmp_path)
    assert group is not None
    assert group.path == group.top / "sandboxes" and group.bot == group.top / "bot"
    assert (group.bot / "cgroup.procs").read_text() == str(os.getpid())
    assert (group.path / "cpu.idle").read_text() == "1"
    again = IdleCgroup.create(tmp_path)
    assert again is group
    again.close(wait_s=0)
    assert not (tmp_path / "cgroup.procs").exists()  # still open once
    group.close(wait_s=0)
    assert (tmp_path / "cgroup.procs").read_text() == str(os.getpid())  # moved back


def test_a_base_it_cannot_write_gives_none(tmp_path: Path) -> None:
    assert IdleCgroup.create(tmp_path / "missing" / "deeper") is None


def _real_group_possible() -> bool:
    base = cpu_cgroup_dir()
    return os.geteuid() == 0 and base is not None and os.access(base, os.W_OK)


def _own_cpu_cgroup() -> str:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        hid, controllers, path = line.split(":", 2)
        if "cpu" in controllers.split(",") or (hid == "0" and not controllers):
            return path
    return ""


@pytest.mark.skipif(not _real_group_possible(), reason="no writable cpu cgroup (not root?)")
async def test_a_sandbox_is_born_inside_the_idle_group() -> None:
    """Its first step joins the sandboxes' group, so bwrap's setup, its pid 1 and the interpreter
    are all born there, beside this process's own group; at close this process moves back."""
    before = _own_cpu_cgroup()
    async with Sandbox.open(test_config(pool=1)) as sandbox:
        require(sandbox)
        group = sandbox.idle_group
        assert group is not None
        assert (group.path / "cpu.idle").read_text().strip() == "1"
        assert os.getpid() in _procs(group.bot)
        for _ in range(100):
            if sandbox._pool:
                break
            await asyncio.sleep(0.1)
        tree = set(_proc.tree(sandbox._pool[0].proc.pid, _proc.snapshot()))
        assert len(tree) >= 3 and tree <= set(_procs(group.path))  # bwrap, its pid 1, python
        result = await sandbox.run("print('still runs')")
        assert result.output == "still runs\n"
        async with Sandbox.open(test_config()) as second:  # a second service shares the group
            assert second.idle_group is group
            assert (await second.run("print(2)")).output == "2\n"
        assert os.getpid() in _procs(group.bot) and group.path.exists()
        top = group.top
    assert not top.exists()  # removed once its sandboxes ended
    assert _own_cpu_cgroup() == before


def test_the_join_step_comes_first_only_with_a_group(tmp_path: Path) -> None:
    from bot.sandbox._argv import JOIN_CGROUP, build

    config = test_config()
    plain = build(config, config.limits, 5)
    joined = build(config, config.limits, 5, idle_cgroup=tmp_path)
    assert joined == ["/bin/sh", "-c", JOIN_CGROUP, str(tmp_path / "cgroup.procs"), *plain]
