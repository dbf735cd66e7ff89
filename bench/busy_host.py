"""Benchmark: a busy host. Two ordinary CPU-bound processes that are not the bot's (`while True:
pass`, nice 0, each a session of its own, started by this benchmark: what another service on
the machine would be, which the bot cannot demote) keep both cores busy. Like another service's
(a systemd unit's group), they run in a cpu cgroup of their own beside this process's, at the
default weight, so they share no group with the fakes and the load this process generates, nor
with the bot; where cgroups are not writable they share this process's group, and it says so.
Meanwhile:

1. trivial `/run`s (`print(6 * 7)`) go to a real bot process on Telegram (the fake), one after
   another, each from a new user and 0.5 s apart (the warm pool refills in between as it can):
   time from the update being available to the answer, first without the foreign hogs, then
   with them. Goal: every one answered, the slowest within 2 s with the hogs.
2. the load of bench/one_process.py (both adapters, /term lookups, quiz answers and CPU-hogging
   /runs inside the sandbox) runs twice: without the foreign hogs (the hogs are only inside the
   sandbox: today's goals, loop lag p99 <= 5 ms and /term p99 <= 10 ms), then with them (every
   lookup answered, /term p99 at most 3x that of the run without). The fakes and the load (this
   process, the measuring instrument) run in a cpu cgroup of their own weighted 10x the default
   (one_process --instrument-group), the bot in this process's old group: the real servers and
   users are on other machines, so the instrument gets the CPU first. Printed beside /term at
   the fakes: /term as the bot times it (its /metrics), both loops' lag, and how long each loop
   waited runnable for a CPU, so a reader sees whether the instrument or the bot was starved.
3. without the foreign hogs, a 5 ms ticker standing for the bot's loop (as
   bench/sandbox_bench.py) while 4 CPU-hogging snippets run for `--lag-seconds`, in each shape
   of the bot and its sandboxes: as root here (the sandboxes' idle cpu group); as uid 10001 (the
   Docker image's bot user) on this host, where it may write no cgroup; as uid 10001 in a cpu
   cgroup of its own with the cgroup file system read-only (a private mount namespace): a
   container that runs its own sandboxes, where no autogroups apply either; the Docker shape of
   docker-compose.yml, the bot (uid 10001) and a sandbox service (`python -m bot.sandbox`, uid
   10002) each in such a cgroup, both capped at one core as `cpus: 1.0` caps their containers,
   the hogs in the service's sandboxes. As a uid, the sandboxes are that user's unprivileged
   bubblewrap, and what keeps the loop responsive is the snippets' nice 19 and SCHED_IDLE (on
   the host, their autogroups demoted too), their limits and, in the Docker shape, the service's
   CPU cap. The ticker's wake-up lag p99 and max, against the goals of bench/sandbox_bench.py (5
   and 20 ms), beside the same ticker's alone (no hogs) just before: the machine's own noise.

    python -m bench.busy_host [--seconds 65] [--runs 10] [--lag-seconds 10] [--part N ...]

`--part 3` runs part 3 alone (repeat `--part` for several). The foreign hogs are killed at the
end whatever happens; all three parts take about 2 x (seconds + 20) + 5 x lag-seconds + 60 s.
Prints a table; merges figures named busy_host_* into bench/results.json. Part 3's uid shapes
need root to set up (else they are skipped, and say so).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from bench import one_process
from bench._results import cgroup_mounts, figure, group_beside_own, merge, percentile, table
from bot.sandbox import Config, Limits, RemoteConfig, RemoteSandbox, Sandbox
from bot.sandbox._cgroup import cpu_cgroup_dir
from tests.adapters.telegram.fake_telegram import FakeTelegram
from tests.bot_process import bot_env, bot_process

ROOT = Path(__file__).resolve().parent.parent
RUN = "/run ```py\nprint(6 * 7)\n```"
USERS = itertools.count(40_000_000)
HOGS = 2


def foreign_group() -> tuple[Path | None, str]:
    """A cpu cgroup for the foreign hogs beside this process's own (in its parent; at the root
    of the hierarchy when this process is there), at the default weight: where another service
    runs on a real host (a systemd service's group), so the hogs share no group with the fakes
    and the load this process generates, nor with the bot, which starts in it. Removed on the
    way out by the caller. None, and why, when it cannot be made (no cpu cgroup, or not writable)."""
    group, _, where = group_beside_own("foreign")
    if group is None:
        return None, f"{where}: the hogs share this process's cpu group"
    return group, f"in a cpu cgroup of their own beside this process's, default weight: {group}"


@contextlib.asynccontextmanager
async def foreign_hogs(count: int = HOGS) -> AsyncIterator[list[int]]:
    """`count` plain CPU hogs (nice 0, each in a session of its own) in a cpu cgroup of their
    own beside this process's, as a foreign service's (see `foreign_group`); where that cannot
    be made, in this process's group, and it says so. Killed on the way out."""
    procs: list[asyncio.subprocess.Process] = []
    group: Path | None = None
    try:
        if count:
            group, where = foreign_group()
            print(f"{count} foreign hogs (nice 0, own sessions): {where}")
        # Each joins the group before it starts spinning (the shell writes its own pid, then
        # execs the hog in place).
        argv = [sys.executable, "-c", "while True: pass"]
        if group is not None:
            argv = ["/bin/sh", "-c", 'echo $$ >"$0" && exec "$@"', str(group / "cgroup.procs"),
                    *argv]
        for _ in range(count):
            procs.append(await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, start_new_session=True))
        await asyncio.sleep(0.5)  # both running before anything is measured
        for proc in procs:
            if proc.returncode is not None:
                raise SystemExit(f"a foreign hog ended at once ({proc.returncode})")
        yield [p.pid for p in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
            await proc.wait()
        if group is not None:
            await remove_box(group)


async def trivial_runs(count: int) -> tuple[list[float], list[float], int, str]:
    """Latencies (s) of `count` trivial /runs without and then with the foreign hogs; how many
    answers were wrong or missing; how the bot placed its sandboxes (from its log)."""
    tg = FakeTelegram()
    await tg.start()
    wrong = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with bot_process(bot_env(None, tg, Path(tmp)), Path(tmp)) as bot:
                await bot.wait_line(r"telegram: @\w+ is polling")
                await bot.wait_line(r"sandbox: ready")
                found = re.search(r'sandbox: (snippets run in the idle cpu cgroup [^\s"]+'
                                  r'|no cpu cgroup[^"\n]*)', bot.log())
                placement = found[1] if found else "(not logged)"
                await asyncio.sleep(1.0)  # the warm pool fills
                results: list[list[float]] = []
                for hogs in (0, HOGS):
                    async with foreign_hogs(hogs):
                        latencies = []
                        for _ in range(count):
                            latency, ok = await one_run(tg)
                            latencies.append(latency)
                            wrong += not ok
                            await asyncio.sleep(0.5)
                        results.append(latencies)
    finally:
        await tg.close()
    return results[0], results[1], wrong, placement


async def one_run(tg: FakeTelegram) -> tuple[float, bool]:
    user = next(USERS)
    start = len(tg.calls)
    sent = time.monotonic()
    await tg.send_text(RUN, chat_id=user, user_id=user)
    try:
        call = await tg.wait_for("sendMessage", lambda c: int(c.params["chat_id"]) == user,
                                 within=30.0, after=start)
    except TimeoutError:
        return time.monotonic() - sent, False
    return call.at - sent, "42" in str(call.params["text"])


async def lag_beside_sandbox_hogs(seconds: float, runs: int = 4, remote: str | None = None) -> dict:
    """This process as the bot: how late a 5 ms ticker wakes while `runs` CPU-hogging snippets
    execute (the hogs only inside the sandbox: this process's own, or with `remote` those of the
    sandbox service at that URL); with no runs, the ticker alone for `seconds`."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(max(0.0, time.perf_counter() - start - 0.005))

    grouped, results = False, []
    async with contextlib.AsyncExitStack() as stack:
        if runs:
            if remote is None:
                config = replace(Config(pool=runs, cooldown_s=0, concurrency=runs, queue=runs),
                                 limits=Limits(wall_s=seconds))
                sandbox = await stack.enter_async_context(Sandbox.open(config))
            else:  # the service's runs last its SANDBOX__WALL_S
                sandbox = await stack.enter_async_context(
                    RemoteSandbox.open(RemoteConfig(urls=(remote,), cooldown_s=0)))
            if not sandbox.available:
                raise SystemExit(f"sandbox unavailable: {sandbox.reason}")
            grouped = getattr(sandbox, "idle_group", None) is not None
            await asyncio.sleep(1.0)  # the pool fills: every hog starts warm
        async with asyncio.TaskGroup() as tg:
            tick = tg.create_task(ticker())
            if runs:
                results = await asyncio.gather(*(sandbox.run("while True:\n    pass\n")
                                                 for _ in range(runs)))
            else:
                await asyncio.sleep(seconds)
            stop.set()
            await tick
    return {"p99_ms": percentile(lags, 0.99) * 1000, "max_ms": max(lags) * 1000,
            "samples": len(lags), "cgroup": grouped, "uid": os.geteuid(),
            "endings": [str(r.ending) for r in results]}


# The Docker image's users (Dockerfile): the bot, and the sandbox service with its sandboxes.
BOT_UID, SANDBOX_UID = 10001, 10002
CPU_CAP_US = 100_000  # `cpus: 1.0` (docker-compose.yml): 100 ms of CPU per 100 ms period
# Part 3's shapes of the bot and its sandboxes: name -> what protects the bot's loop.
SHAPES = {
    "no_hogs": "the ticker alone, as here, no sandbox (the machine's own noise, the baseline)",
    "sandbox_group": "4 hogs inside the sandbox, as here (as root: the sandboxes' idle cpu "
                     "group beside the bot)",
    "uid_host": f"4 hogs inside the sandbox, uid {BOT_UID} on this host, no cgroup it may write: "
                "nice 19, SCHED_IDLE, the sandboxes' autogroups demoted, the limits",
    "uid_container": f"4 hogs inside the sandbox, uid {BOT_UID} in a cpu cgroup of its own, "
                     "cgroups read-only (a container, no autogroups): nice 19, SCHED_IDLE, the "
                     "limits",
    "docker": f"4 hogs in a sandbox service, the Docker shape: the bot as uid {BOT_UID} and the "
              f"service as uid {SANDBOX_UID}, each in a cpu cgroup of its own capped at one core, "
              "cgroups read-only: the service's cap, nice 19, SCHED_IDLE, the limits",
}


async def lag_probe(seconds: float, shape: str) -> dict | None:
    """`lag_beside_sandbox_hogs` in a process of its own, as `shape` (SHAPES). The uid shapes
    drop to uid 10001 (setpriv), so the sandboxes it starts are an unprivileged user's
    bubblewrap, as where the bot may not write cgroups; "uid_container" first joins a cpu cgroup
    of its own (no autogroups, as in a container) and makes every cgroup mount read-only in a
    private mount namespace. "docker" does that for the bot and for a sandbox service (uid
    10002, its group's CPU capped as docker-compose.yml caps its container), which runs the
    hogs. None when that cannot be set up here (not root, no cpu cgroup)."""
    argv = [sys.executable, "-m", "bench.busy_host", "--lag-probe", str(seconds),
            "--lag-hogs", "0" if shape == "no_hogs" else "4"]
    base = cpu_cgroup_dir()
    if shape not in ("no_hogs", "sandbox_group") and os.geteuid() != 0:
        return None
    if shape in ("uid_container", "docker") and base is None:
        return None
    env = None
    async with contextlib.AsyncExitStack() as stack:
        if shape == "docker":
            service, capped = await sandbox_service(stack, base, seconds)
            argv += ["--lag-remote", service]
            # In the image the bot is in the sandbox's group: what lets it use the socket.
            argv, env = as_user(BOT_UID, argv, user_home(stack, BOT_UID), groups=SANDBOX_UID)
            argv = in_box(cgroup_box(stack, base, "bot", CPU_CAP_US), argv)
        elif shape.startswith("uid_"):
            argv, env = as_user(BOT_UID, argv, user_home(stack, BOT_UID))
            if shape == "uid_container":
                argv = in_box(cgroup_box(stack, base, "container"), argv)
        proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                    cwd=ROOT, env=env)
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"lag probe failed ({proc.returncode}): {out.decode()[-500:]}")
        probe = json.loads(out.decode().strip().splitlines()[-1])
        if shape == "docker":  # how often the cap held the hogs back
            probe["throttled"] = throttled(capped)
    if shape not in ("no_hogs", "sandbox_group") and (probe["uid"] != BOT_UID or probe["cgroup"]):
        raise SystemExit(f"lag probe {shape} ran as uid {probe['uid']}, sandbox group "
                         f"{probe['cgroup']}: not the shape it stands for")
    return probe


def user_home(stack: contextlib.AsyncExitStack, uid: int, mode: int = 0o700) -> str:
    """A home and temp dir `uid` owns (the checkout and the venv need only be readable)."""
    home = tempfile.mkdtemp(prefix="async-guru-bench-")
    stack.callback(shutil.rmtree, home, ignore_errors=True)
    os.chown(home, uid, uid)
    os.chmod(home, mode)
    return home


def as_user(uid: int, argv: list[str], home: str,
            groups: int | None = None) -> tuple[list[str], dict[str, str]]:
    """`argv` run as `uid` (its own gid, `groups` as the only supplementary group), no
    capabilities, and the environment for it."""
    env = {**os.environ, "HOME": home, "TMPDIR": home, "PYTHONDONTWRITEBYTECODE": "1"}
    extra = f"--groups={groups}" if groups is not None else "--clear-groups"
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", extra, "--inh-caps=-all", "--",
            *argv], env


def cgroup_box(stack: contextlib.AsyncExitStack, base: Path, name: str,
               quota_us: int | None = None) -> Path:
    """A cpu cgroup of its own below `base` (a container's), removed on the way out;
    `quota_us` of CPU per 100 ms period, as Docker's `cpus` sets (the kernel's CFS quota)."""
    box = base / f"async-guru-bench-{name}-{os.getpid()}"
    box.mkdir()
    stack.push_async_callback(remove_box, box)
    if quota_us is not None:
        if (box / "cpu.max").exists():  # cgroup v2
            (box / "cpu.max").write_text(f"{quota_us} 100000")
        else:
            (box / "cpu.cfs_period_us").write_text("100000")
            (box / "cpu.cfs_quota_us").write_text(str(quota_us))
    return box


async def remove_box(box: Path) -> None:
    for _ in range(100):  # the processes in it end a moment after its main one
        try:
            os.rmdir(box)
            return
        except OSError:
            await asyncio.sleep(0.05)


def in_box(box: Path, argv: list[str]) -> list[str]:
    """`argv` run in `box` with every cgroup mount read-only in a mount namespace of its own."""
    # Joins the box, remounts, then runs (as root until a setpriv in argv).
    script = ('echo $$ >"$0" || exit 1; while [ "$1" != -- ]; do '
              'mount -o remount,bind,ro "$1" || exit 1; shift; done; shift; exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script,
            str(box / "cgroup.procs"), *cgroup_mounts(), "--", *argv]


def throttled(box: Path) -> int:
    """How many periods the kernel throttled `box` at its CPU quota (v1 and v2 name it alike)."""
    for line in (box / "cpu.stat").read_text().splitlines():
        if line.startswith("nr_throttled "):
            return int(line.split()[1])
    return 0


async def sandbox_service(stack: contextlib.AsyncExitStack, base: Path,
                          seconds: float) -> tuple[str, Path]:
    """`python -m bot.sandbox` as docker-compose.yml's `sandbox` service runs it (uid 10002, its
    own cpu cgroup capped at one core, cgroups read-only) with 4 slots and a warm pool of 4, its
    runs `seconds` long; stopped on the way out. Returns its URL and its cgroup."""
    home = user_home(stack, SANDBOX_UID, 0o750)  # the bot, in its group, reaches the socket
    url = f"unix:{home}/sandbox.sock"
    argv, env = as_user(SANDBOX_UID, [sys.executable, "-m", "bot.sandbox", "--listen", url], home)
    env |= {"SANDBOX__CONCURRENCY": "4", "SANDBOX__POOL": "4", "SANDBOX__QUEUE": "4",
            "SANDBOX__COOLDOWN_S": "0", "SANDBOX__WALL_S": f"{seconds:g}", "LOG__LEVEL": "WARNING"}
    box = cgroup_box(stack, base, "sandbox", CPU_CAP_US)
    argv = in_box(box, argv)
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
                                                env=env, start_new_session=True)

    async def stop() -> None:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()

    stack.push_async_callback(stop)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
    if "(available)" not in line:
        raise SystemExit(f"sandbox service did not start: {line.strip() or proc.returncode}")
    return url, box


def renamed(figures: list[dict], prefix: str, keep: tuple[str, ...]) -> dict[str, dict]:
    return {name: dict(f, name=f"{prefix}_{name}") for f in figures
            for name in keep if f["name"] == f"one_process_{name}"}


async def lag_part(seconds: float) -> list[dict]:
    """Part 3: the 5 ms ticker alone, then beside 4 hogs inside the sandbox in each shape."""
    figures = []
    for shape, what in SHAPES.items():
        probe = await lag_probe(seconds, shape)
        if probe is None:
            print(f"{what}: skipped (needs root, and a cpu cgroup for a box, to set it up)")
            continue
        hogs = f"; runs ended by {', '.join(probe['endings'])}" if probe["endings"] else ""
        if "throttled" in probe:
            hogs += f"; the service's cgroup throttled at its cap in {probe['throttled']} periods"
        print(f"{what}: ran as uid {probe['uid']}, sandbox cpu group "
              f"{'yes' if probe['cgroup'] else 'no'}, {probe['samples']} wake-ups of a 5 ms "
              f"ticker, lag p99 {probe['p99_ms']:.2f} ms, max {probe['max_ms']:.2f} ms{hogs}")
        goal = "info (the same ticker, no hogs)" if shape == "no_hogs" else None
        figures += [figure(f"busy_host_ticker_lag_p99_{shape}", round(probe["p99_ms"], 2), "ms",
                           goal or "<= 5 (4 hogs inside the sandbox)"),
                    figure(f"busy_host_ticker_lag_max_{shape}", round(probe["max_ms"], 2), "ms",
                           goal or "<= 20 (4 hogs inside the sandbox)")]
    return figures


async def runs_part(runs: int) -> list[dict]:
    """Part 1: trivial /runs through a real bot, without and with the foreign hogs."""
    calm, busy, wrong, placement = await trivial_runs(runs)
    print(f"{HOGS} foreign hogs (nice 0, own sessions), {runs} trivial /runs each way; the bot's "
          f"sandboxes: {placement}")
    ms = 1000
    return [
        figure("busy_host_run_p50_calm", round(percentile(calm, 0.5) * ms), "ms", "info"),
        figure("busy_host_run_max_calm", round(max(calm) * ms), "ms", "info"),
        figure("busy_host_run_p50_hogs", round(percentile(busy, 0.5) * ms), "ms", "info"),
        figure("busy_host_run_max_hogs", round(max(busy) * ms), "ms", "<= 2000"),
        figure("busy_host_run_wrong", wrong, "runs", "== 0 (answered, with the right output)"),
    ]


def machine_load() -> str:
    """The load average and CPU pressure now: others' work on a shared machine shows here (the
    figures of a run are the bot's only when these are low before it starts)."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    try:
        some = Path("/proc/pressure/cpu").read_text().split()[1:3]
    except OSError:
        some = ["(no pressure figures)"]
    return f"load average {load}; CPU pressure some {' '.join(some)}"


async def load_part(seconds: float) -> list[dict]:
    """Part 2: the one-process load, hogs only inside the sandbox, then beside foreign hogs."""
    load = one_process.parse(["--seconds", str(seconds), "--instrument-group"])
    keep = ("loop_lag_p99", "loop_lag_max", "term_latency_p50", "term_latency_p99",
            "term_bot_p50", "term_bot_p99", "term_tg_after_p99", "term_dc_after_p99",
            "load_loop_lag_p99", "term_unanswered", "sandbox_running_avg", "bot_cpu", "load_cpu",
            "bot_cpu_wait", "load_cpu_wait",
            "steal", "python_speed")
    print(f"\n== the one-process load, hogs only inside the sandbox ({load.runs} CPU-hogging /runs)"
          f"; before it: {machine_load()}")
    alone = renamed(await one_process.main(load), "busy_host_inside_only", keep)
    print(f"\n== the same load beside {HOGS} foreign CPU hogs; before them: {machine_load()}")
    async with foreign_hogs():
        beside = renamed(await one_process.main(load), "busy_host_foreign", keep)
    print(f"after both: {machine_load()} (the benchmark's own hogs just ended)")
    def ratio(name: str) -> float:
        return round(beside[name]["value"] / max(alone[name]["value"], 1e-9), 2)

    # Whether the instrument was healthy: its own loop lag beside the bot's, in both halves.
    for half, values in (("hogs only inside", alone), ("beside the foreign hogs", beside)):
        print(f"{half}: /term p50 / p99 at the fakes {values['term_latency_p50']['value']} / "
              f"{values['term_latency_p99']['value']} ms, as the bot times it "
              f"{values['term_bot_p50']['value']} / {values['term_bot_p99']['value']} ms; loop "
              f"lag p99 of the bot {values['loop_lag_p99']['value']} ms, of the instrument "
              f"{values['load_loop_lag_p99']['value']} ms")
    info = [k for k in keep if k in alone and k in beside
            and k not in ("loop_lag_p99", "term_latency_p99", "term_unanswered")]
    return [
        alone["loop_lag_p99"] | {"goal": "<= 5 (hogs only inside the sandbox)"},
        alone["term_latency_p99"] | {"goal": "<= 10 (hogs only inside the sandbox)"},
        alone["term_unanswered"],
        beside["loop_lag_p99"] | {"goal": "info (beside foreign hogs)"},
        beside["term_latency_p99"] | {"goal": "info (beside foreign hogs)"},
        beside["term_unanswered"],
        figure("busy_host_term_p99_ratio", ratio("term_latency_p99"), "x",
               "<= 3 (foreign hogs / none, at the fakes)"),
        figure("busy_host_term_bot_p99_ratio", ratio("term_bot_p99"), "x",
               "info (foreign hogs / none, as the bot times it)"),
        *[alone[k] for k in info],
        *[beside[k] | {"goal": "info (beside foreign hogs)"} if k == "loop_lag_max" else beside[k]
          for k in info],
    ]


async def main(args: argparse.Namespace) -> list[dict]:
    started = time.monotonic()
    parts = set(args.part or (1, 2, 3))
    results = await lag_part(args.lag_seconds) if 3 in parts else []
    if 1 in parts:
        results += await runs_part(args.runs)
    if 2 in parts:
        results += await load_part(args.seconds)
    print(f"\nbusy host, part(s) {', '.join(map(str, sorted(parts)))}: took "
          f"{time.monotonic() - started:.0f} s")
    return results


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.busy_host",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=65.0,
                        help="each one-process load (> 60: the bot's lag window)")
    parser.add_argument("--runs", type=int, default=10, help="trivial /runs without and with hogs")
    parser.add_argument("--lag-seconds", type=float, default=10.0,
                        help="each ticker measure beside 4 hogs inside the sandbox (part 3)")
    parser.add_argument("--part", type=int, choices=(1, 2, 3), action="append",
                        help="run only this part (repeatable; default: all three)")
    parser.add_argument("--lag-probe", type=float, help=argparse.SUPPRESS)  # part 3's own process
    parser.add_argument("--lag-hogs", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--lag-remote", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.seconds, args.runs, args.lag_seconds) <= 0:
        parser.error("--seconds, --runs and --lag-seconds must be positive")
    return args


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    if arguments.lag_probe is not None:
        print(json.dumps(asyncio.run(lag_beside_sandbox_hogs(
            arguments.lag_probe, arguments.lag_hogs, arguments.lag_remote))))
        sys.exit(0)
    results = asyncio.run(main(arguments))
    print(table(results))
    merge(results)
