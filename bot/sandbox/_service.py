"""The sandbox service: a probe, a warm pool, a gate (slots + bounded queue), a cooldown and a
memory watchdog. The event loop never waits on a run: processes are asyncio subprocesses and
/proc is read in a worker thread. Every background task is owned by the service's TaskGroup.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import math
import os
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from bot.core.monitor import SandboxLoad
from bot.core.ports.sandbox import Busy, CoolingDown, Queued, RunRequest, Unavailable
from bot.sandbox import _evidence, _proc, _seccomp, _timeline
from bot.sandbox._admit import Cooldowns, admit
from bot.sandbox._argv import SetupError, build, resolve
from bot.sandbox._cgroup import IdleCgroup
from bot.sandbox._limits import MB, Config, Limits
from bot.sandbox._result import Ending, RunResult, decode
from bot.sandbox._timeline import Timeline

log = logging.getLogger(__name__)

WATCH_EVERY_S = 0.1
PROBE_WALL_S = 15.0


__all__ = ["Busy", "CoolingDown", "Queued", "Sandbox", "Unavailable"]


@dataclass(slots=True)
class _Warm:
    proc: asyncio.subprocess.Process
    records: asyncio.StreamReader
    limits: Limits
    records_transport: asyncio.ReadTransport

    def close(self) -> None:
        """Close our ends once the process is gone. Python 3.11 leaves a finished subprocess
        transport open until garbage collection, which may come after the loop closed."""
        self.records_transport.close()
        transport = getattr(self.proc, "_transport", None)  # no public handle on Process
        if transport is not None and self.proc.returncode is not None:
            transport.close()


@dataclass(slots=True)
class _Active:
    limits: Limits
    ending: Ending | None = None
    peak_rss: int = 0


class Sandbox:
    """The local implementation of the core's sandbox port (`SandboxPort`)."""

    def __init__(self, config: Config | None = None, *, cooldowns: Cooldowns | None = None) -> None:
        self.config = config or Config()
        self.reason: str | None = "not started"
        self._pool: collections.deque[_Warm] = collections.deque()
        self._refill = asyncio.Event()
        self._running = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        # Per user; in the shared store when the bot runs as several processes.
        self._cooldowns = cooldowns or Cooldowns(self.config.cooldown_s)
        self._active: dict[int, _Active] = {}
        self._watch = asyncio.Event()
        self._avg_wall = 1.0
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        # Every process of a sandbox runs as this uid: the watchdog looks at no other.
        self._uid = self.config.uid if os.geteuid() == 0 else os.geteuid()
        self.idle_group: IdleCgroup | None = None  # where the sandboxes' CPU time is idle-class

    @property
    def available(self) -> bool:
        return self.reason is None

    # -- life cycle -------------------------------------------------------------------------

    @classmethod
    @asynccontextmanager
    async def open(cls, config: Config | None = None, *, cooldowns: Cooldowns | None = None
                   ) -> AsyncIterator[Sandbox]:
        """Probe, then keep the warm pool and the watchdog running until the block ends.

        The background tasks live in a TaskGroup owned by one task of their own, not around the
        caller's block: an error in the caller's code stays that error, not an ExceptionGroup."""
        sandbox = cls(config, cooldowns=cooldowns)
        await sandbox.probe()
        if sandbox.available:
            sandbox.idle_group = await asyncio.to_thread(IdleCgroup.create)
            if sandbox.idle_group is not None:
                log.info("sandbox: snippets run in the idle cpu cgroup %s", sandbox.idle_group.path)
        owner = asyncio.create_task(sandbox._background(), name="sandbox") if sandbox.available else None
        try:
            yield sandbox
        finally:
            # The pool task is asked to stop, not cancelled: a cancel in the middle of a spawn
            # would orphan a started sandbox.
            sandbox._closing = True
            sandbox._refill.set()
            for task in sandbox._tasks[1:]:
                task.cancel()
            if owner is not None:
                await owner
            await sandbox._drain_pool()
            if sandbox.idle_group is not None:
                await asyncio.to_thread(sandbox.idle_group.close)

    async def _background(self) -> None:
        async with asyncio.TaskGroup() as tg:
            self._tasks = [tg.create_task(self._keep_pool(), name="sandbox:pool"),
                           tg.create_task(self._watchdog(), name="sandbox:watchdog")]
            if self._closing:  # closed before this task first ran
                self._tasks[1].cancel()

    async def probe(self) -> None:
        """Start one sandbox and run a trivial snippet; on any failure, fail closed."""
        cfg = self.config
        try:
            _, _, python, _ = resolve(cfg)
            warm = await self._spawn(cfg.limits)
            result = await self._execute(warm, RunRequest("print(6 * 7)"),
                                         replace(cfg.limits, wall_s=PROBE_WALL_S))
        except (SetupError, OSError) as exc:
            self.reason = str(exc)
        else:
            if result.ok and result.output.strip() == "42":
                self.reason = None
            else:
                first = result.output.strip().splitlines()[:1] or [f"ended by {result.ending}"]
                self.reason = f"bubblewrap could not start a sandbox: {first[0][:200]}"
        if self.reason is None:
            who = f"uid {cfg.uid} via setpriv" if os.geteuid() == 0 else f"uid {os.geteuid()}"
            log.info("sandbox: ready (bubblewrap, %s, %s, %d slot(s), pool %d)",
                     python, who, cfg.slots, cfg.pool)
        else:
            log.warning("sandbox: UNAVAILABLE, /run and /demo are off: %s", self.reason)

    # -- running code ---------------------------------------------------------------------

    def limits_for(self, request: RunRequest) -> Limits:
        """The limits a request runs under: the host's, with its budget applied and capped."""
        return self.config.limits.for_budget(request.budget, self.config.max_wall_s)

    async def submit(self, request: RunRequest | str, *, user_key: str | None = None,
                     wall_s: float | None = None) -> AsyncIterator[Queued | RunResult]:
        """Run a request (or bare code, with `wall_s` as its budget): yields `Queued(position)`
        if it has to wait, then the `RunResult`. Raises Unavailable, CoolingDown (per user;
        None = no cooldown) or Busy (queue full)."""
        loop = asyncio.get_running_loop()
        request = admit(request, wall_s, reason=None if self.available else self.reason)
        limits = self.limits_for(request)
        taken = await self._cooldowns.take(user_key)  # raises CoolingDown
        if self._running < self.config.slots and not self._waiters:
            self._running += 1
        else:
            if len(self._waiters) >= self.config.queue:
                await self._cooldowns.give_back(taken)  # nothing will run: no cooldown from it
                raise Busy(self.retry_after())
            ticket: asyncio.Future[None] = loop.create_future()
            self._waiters.append(ticket)
            try:
                yield Queued(len(self._waiters))
                await ticket  # _release hands its slot over
            except BaseException:  # cancelled, or the caller stopped listening (GeneratorExit)
                if ticket in self._waiters:
                    self._waiters.remove(ticket)
                elif ticket.done() and not ticket.cancelled():
                    self._release()
                raise
        try:
            result = await self._run_once(request, limits)
        finally:
            self._release()
        yield result

    async def run(self, request: RunRequest | str, *, wall_s: float | None = None) -> RunResult:
        """Run without a cooldown, waiting in the queue as long as needed."""
        async for event in self.submit(request, wall_s=wall_s):
            if isinstance(event, RunResult):
                return event
        raise AssertionError("submit ended without a result")

    def load(self) -> SandboxLoad:
        """For /inside and /metrics (the host's SandboxProvider)."""
        return SandboxLoad(queued=len(self._waiters), running=self._running,
                           capacity=self.config.slots)

    def retry_after(self) -> int:
        waiting = len(self._waiters) + 1
        return max(1, math.ceil(self._avg_wall * waiting / self.config.slots))

    def _release(self) -> None:
        while self._waiters:
            ticket = self._waiters.popleft()
            if not ticket.done():  # a waiter that already gave up takes no slot
                ticket.set_result(None)
                return
        self._running -= 1

    async def _run_once(self, request: RunRequest, limits: Limits) -> RunResult:
        warm = None
        # A warm sandbox was started with the host's limits: it serves only a run that differs
        # in wall time alone (watched from here). A lower CPU budget gets a sandbox of its own.
        if replace(limits, wall_s=0) == replace(self.config.limits, wall_s=0):
            while self._pool and warm is None:
                candidate = self._pool.popleft()
                if candidate.proc.returncode is None:
                    warm = candidate
        try:
            if warm is None:
                try:
                    warm = await self._spawn(limits)
                except (SetupError, OSError) as exc:
                    log.error("sandbox: could not start a sandbox: %s", exc)
                    raise Unavailable(f"could not start a sandbox: {exc}") from exc
                if not await self._ready(warm):
                    await self._dispose(warm)
                    raise Unavailable("a sandbox did not start within 10 s")
            result = await self._execute(warm, request, limits)
        finally:
            # Refill after the run, not during it: starting a sandbox costs CPU the run needs.
            if self.config.refill_after_s > 0:
                asyncio.get_running_loop().call_later(self.config.refill_after_s, self._refill.set)
            else:
                self._refill.set()
        self._avg_wall = 0.8 * self._avg_wall + 0.2 * result.wall_s
        return result

    async def _ready(self, warm: _Warm) -> bool:
        """Wait until the sandbox's interpreter is up (it says "ready" on its record fd), then
        put its scheduling autogroups at nice 19 from outside. (Where the idle cpu cgroup
        exists, the sandbox joined it as its first step, `build`, and autogroups no longer
        weigh; the demotion is kept so that a snippet sees the same either way.)"""
        try:
            async with asyncio.timeout(10):
                ready = await warm.records.readline() == b"ready\n"
        except TimeoutError:
            return False
        if ready:
            await asyncio.to_thread(_proc.demote_autogroup, warm.proc.pid)
        return ready

    async def _spawn(self, limits: Limits) -> _Warm:
        read_fd, write_fd = os.pipe()
        passed = [write_fd]
        filter_fd = None
        try:
            bpf = _seccomp.program()
            if bpf is not None:  # bwrap reads the filter from a pipe (it fits its buffer)
                filter_fd, filter_w = os.pipe()
                passed.append(filter_fd)
                os.write(filter_w, bpf)
                os.close(filter_w)
            argv = build(self.config, limits, write_fd, filter_fd,
                         self.idle_group.path if self.idle_group else None)
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, env={}, cwd="/", pass_fds=tuple(passed),
                start_new_session=True)
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            for fd in passed:
                os.close(fd)
        loop = asyncio.get_running_loop()
        records = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(records),
                                                    os.fdopen(read_fd, "rb", buffering=0))
        return _Warm(proc, records, limits, transport)

    async def _execute(self, warm: _Warm, request: RunRequest, limits: Limits) -> RunResult:
        proc = warm.proc
        assert proc.stdin is not None and proc.stdout is not None
        nonce = secrets.token_hex(8)
        active = _Active(limits)
        self._active[proc.pid] = active
        self._watch.set()
        loop = asyncio.get_running_loop()
        out = bytearray()
        cut = False

        async def read_output() -> None:
            nonlocal cut
            assert proc.stdout is not None
            while chunk := await proc.stdout.read(65536):
                if cut:
                    continue  # drain to EOF so the pipe closes; the run is being killed
                room = limits.output_bytes - len(out)
                out.extend(chunk[:room])
                if len(chunk) > room:
                    cut = True
                    if active.ending is None:
                        active.ending = Ending.OUTPUT
                    await self._kill(proc.pid)

        async def read_records() -> bytes:
            got = bytearray()
            while chunk := await warm.records.read(65536):
                if len(got) < _timeline.MAX_BYTES:
                    got.extend(chunk)  # past the cap: keep draining, stop keeping
            return bytes(got)

        start = loop.time()
        try:
            async with asyncio.TaskGroup() as tg:
                out_task = tg.create_task(read_output())
                rec_task = tg.create_task(read_records())
                try:
                    proc.stdin.write(_handover(nonce, request))
                    await proc.stdin.drain()
                    proc.stdin.close()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sandbox died before its code arrived: its output says why
                try:
                    async with asyncio.timeout(limits.wall_s):
                        await proc.wait()
                except TimeoutError:
                    if active.ending is None:
                        active.ending = Ending.TIME
                wall = loop.time() - start
                # Whatever happened, nothing of the run may survive it. After a normal exit the
                # pid namespace died with its pid 1 and a signal to the group is enough; a run
                # stopped early gets the whole tree killed (a /proc walk, in a thread).
                if active.ending is None and proc.returncode is not None:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(proc.pid, signal.SIGKILL)
                else:
                    await self._kill(proc.pid)
                for task in (out_task, rec_task):
                    try:
                        async with asyncio.timeout(2.0):
                            await asyncio.shield(task)
                    except TimeoutError:
                        task.cancel()
        finally:
            self._active.pop(proc.pid, None)
            if proc.returncode is None:  # cancelled mid-run (shutdown): nothing may survive
                _proc.kill_tree(proc.pid, self._uid)  # synchronous, ~1 ms: no await here
            warm.close()
        records = rec_task.result() if rec_task.done() and not rec_task.cancelled() else b""
        timeline = _timeline.parse(records, nonce)
        result = self._result(decode(bytes(out)), proc.returncode, active, wall, timeline, cut)
        return replace(result, evidence=_evidence.parse(records, nonce))

    @staticmethod
    def _result(output: str, rc: int | None, active: _Active, wall: float,
                timeline: Timeline, cut: bool) -> RunResult:
        code: int | None = None
        sig: int | None = None
        ending = active.ending
        if ending is None:
            if timeline.exit_status is not None:
                code = timeline.exit_status
            elif rc is not None and rc < 0:
                sig = -rc
            elif rc is not None and rc > 128:  # bwrap reports a signal death as 128 + signal
                sig = rc - 128
            else:
                code = rc
            if sig == signal.SIGXCPU:
                ending = Ending.CPU
            elif sig == signal.SIGXFSZ:
                ending = Ending.FILE_SIZE
            elif sig is not None:
                ending = Ending.SIGNAL
            elif code == 1 and _last_line(output).startswith("MemoryError"):
                ending = Ending.MEMORY
            else:
                ending = Ending.EXIT
        return RunResult(output=output, ending=ending, exit_code=code, signal=sig, wall_s=wall,
                         timeline=timeline, output_cut=cut, limits=active.limits)

    async def _kill(self, pid: int) -> None:
        await asyncio.to_thread(_proc.kill_tree, pid, self._uid)

    # -- background: warm pool and memory watchdog -----------------------------------------

    async def _keep_pool(self) -> None:
        while not self._closing:
            self._pool = collections.deque(w for w in self._pool if w.proc.returncode is None)
            while len(self._pool) < self.config.pool and not self._closing:
                try:
                    warm = await self._spawn(self.config.limits)
                except (SetupError, OSError) as exc:
                    log.error("sandbox: warm pool could not start a sandbox: %s", exc)
                    break
                # Pooled only once its interpreter is up (asyncio imported): a run then starts
                # at once. One that never gets ready is killed, not pooled.
                if await self._ready(warm):
                    self._pool.append(warm)
                else:
                    log.error("sandbox: a warm sandbox never got ready; retrying at the next run")
                    await self._dispose(warm)
                    break
            if not self._closing:
                self._refill.clear()
                await self._refill.wait()

    async def _drain_pool(self) -> None:
        while self._pool:
            await self._dispose(self._pool.popleft())

    async def _dispose(self, warm: _Warm) -> None:
        # Not proc.kill(): Popen polls (reaps) before signalling, which races the child
        # watcher ("Unknown child process"); kill_tree signals the root pid directly.
        await self._kill(warm.proc.pid)
        if warm.proc.stdin is not None:
            warm.proc.stdin.close()  # Python 3.11's wait() also waits for every pipe to close
        try:
            async with asyncio.timeout(5):
                await warm.proc.wait()
        except TimeoutError:
            log.error("sandbox: warm sandbox %d did not end after SIGKILL", warm.proc.pid)
        warm.close()

    async def _watchdog(self) -> None:
        """Sum the resident memory of each running tree (shared pages once, when it matters);
        past the cap, kill the whole run."""
        while True:
            if not self._active:
                self._watch.clear()
                await self._watch.wait()
            sizes = await asyncio.to_thread(_proc.tree_rss, list(self._active), self._uid)
            for pid, (rss, _count) in sizes.items():
                active = self._active.get(pid)
                if active is None:
                    continue
                cap = active.limits.tree_memory_mb * MB
                if rss > cap and active.ending is None:
                    rss = await asyncio.to_thread(_proc.tree_pss, pid, self._uid)
                active.peak_rss = max(active.peak_rss, rss)
                if rss > cap and active.ending is None:
                    active.ending = Ending.MEMORY
                    log.info("sandbox: run %d over the tree memory cap (%d MB): killed", pid, rss // MB)
                    await self._kill(pid)
            await asyncio.sleep(WATCH_EVERY_S)


def _handover(nonce: str, request: RunRequest) -> bytes:
    """What the warm sandbox reads on stdin (see _inside.py): the nonce, the extra files as one
    line of JSON (empty when there are none), then the program."""
    files = json.dumps(request.files) if request.files else ""
    return "\n".join((nonce, files, request.program)).encode("utf-8", "replace")


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""
