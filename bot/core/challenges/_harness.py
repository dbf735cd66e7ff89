# The grader that runs INSIDE the sandbox, beside the learner's code (standard library only).
# It is shipped as program text: this file, then one call of _harness_main with the run's nonce,
# the learner's source, the challenge's checks and its limits as literals. It never imports
# the bot. Everything it reports goes to stdout on lines that start with the nonce; the
# learner's own output is captured, so nothing a learner prints can pass for a verdict.
#
# Phases: compile (SyntaxError with its line) -> calibrate (sleep overshoot, loop lag, CPU
# speed) -> run the program as __main__ (output, exit, exceptions, never-awaited warnings,
# time) -> load it again with its entry point neutralised -> the challenge's `functions` check
# the learner's functions in the harness's own loop, under a heartbeat that sees a blocked loop.
#
# Timing is never an absolute number: "about X s" is judged against an asyncio.sleep(X) of the
# harness run beside the learner's code in the same loop, and a heartbeat's lateness against an
# idle loop's in this run. Time the kernel kept this process's threads waiting for a CPU (a busy
# host: /proc's schedstat) is allowed for, never counted against the learner.
#
# A challenge's checks.py may define (all optional): MAIN_LIMIT_S (the program's time limit),
# WATCH (names of the learner's functions whose runs are recorded in run.calls, and whose
# prints in run.prints), syntax(h, error, line), first(h, run) (before the generic checks of
# the program's run), program(h, run) (after them) and async functions(h, mod). A check fails
# with h.fail("id", **numbers); its words are in challenge.yaml. Helpers: h.func, h.replace (a
# hidden variation), h.timed(aw, limit, what, nominal=...), h.about, h.heartbeat(interval,
# limit), h.capture(), h.plain_steps(n) and h.cpu() (CPU time), h.predict_run(snippet).
import asyncio
import builtins
import concurrent.futures
import gc
import io
import json
import linecache
import os
import resource
import signal
import sys
import threading
import time
import traceback
import types
import warnings

FILE = "main.py"
perf = time.perf_counter
_real_stdout = sys.stdout


class Fail(Exception):
    """A check failed: its id and the numbers its message shows."""

    def __init__(self, check, **values):
        super().__init__(check)
        self.check = check
        self.values = values


class TooSlow(SystemExit):
    # A SystemExit so that asyncio's callbacks and tasks let it through, out of asyncio.run.
    pass


class Flood(SystemExit):
    pass


def emit(nonce, kind, payload):
    line = f"\n{nonce} {kind} {json.dumps(payload, separators=(',', ':'))}\n"
    os.write(_real_stdout.fileno(), line.encode())


class Capture(io.TextIOBase):
    """Stands in for sys.stdout and sys.stderr while learner code runs: keeps what it prints
    up to a cap; past it, the run is stopped as a flood."""

    def __init__(self, limit):
        self.parts = []
        self.size = 0
        self.limit = limit
        self.flooded = False
        self.lock = threading.Lock()

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        with self.lock:
            self.size += len(text)
            if self.size > self.limit:
                self.flooded = True
                raise Flood(1)
            self.parts.append(text)
        return len(text)

    def flush(self):
        pass

    @property
    def text(self):
        return "".join(self.parts)


class Run:
    """What the program did when run as __main__."""

    def __init__(self):
        self.output = ""
        self.seconds = 0.0
        self.exit = 0
        self.error = None  # (type name, message, learner's line)
        self.unawaited = []  # names of coroutines that were never awaited
        self.calls = {}  # watched function name -> [[started in a loop, start, end], ...]
        self.prints = []  # (text, name of the function that printed it)
        self.too_slow = False
        self.cpu = 0.0  # CPU seconds of this process and its children while it ran
        self.max_block = 0.0  # the longest its event loop was held by one step
        self.waited = 0.0  # its threads' run-queue wait meanwhile (a busy host)

    @property
    def lines(self):
        return [line.rstrip() for line in self.output.splitlines()]


def _cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _learner_line(tb):
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _close(coro):
    close = getattr(coro, "close", None)
    if close is not None:
        close()


class _StubRunner:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, coro, **kwargs):
        _close(coro)

    def close(self):
        pass


class Harness:
    def __init__(self, nonce, source, config):
        self.nonce = nonce
        self.source = source
        self.config = config
        self.code = None
        self.run = None
        self.overshoot = 0.0  # how late a short asyncio.sleep wakes up here, now
        self.base_lag = 0.0  # the worst heartbeat lag of an idle loop
        self.step_s = 1e-7  # one step of a plain Python loop (`total += i * i`)
        self.executor = None
        self.on_syntax = None

    # -- helpers for the checks ----------------------------------------------------------

    def fail(self, check, **values):
        raise Fail(check, **values)

    def about(self, seconds, nominal, allowance=0.0):
        """True when `seconds` is about `nominal`: never much shorter, and at most 1.3 times the
        harness's own asyncio.sleep(nominal) run beside it (see `timed`), or without one, 1.3
        times nominal plus this run's calibrated lateness of a sleep and the time the host kept
        the loop waiting for a CPU (or `allowance`, measured by the caller)."""
        low = nominal * 0.85 - 0.02
        ideal = getattr(seconds, "ideal", None)
        stalled = max(getattr(seconds, "stalled", 0.0), allowance)
        if ideal is not None:
            # Measured beside the learner's code, the ideal already carries a busy host's
            # lateness of a wake-up; a few more late steps are allowed, a little at most (a
            # whole run's wait would let a sequential answer pass on a busy host).
            return low <= seconds <= max(ideal, nominal) * 1.3 + 0.05 + min(stalled, nominal / 4)
        high = nominal * 1.3 + 3 * self.overshoot + 2 * self.base_lag + 0.05
        return low <= seconds <= high + stalled

    def block_limit(self, limit):
        """A heartbeat lag longer than this means something held the loop: the challenge's
        limit, or a multiple of an idle loop's worst lag on this machine now if that is more."""
        return max(limit, 6 * self.base_lag)

    def func(self, mod, name, coroutine=True):
        fn = getattr(mod, name, None)
        if not callable(fn):
            self.fail("missing-function", name=name)
        if coroutine and not asyncio.iscoroutinefunction(fn):
            self.fail("not-coroutine", name=name)
        if not coroutine and asyncio.iscoroutinefunction(fn):
            self.fail("not-plain", name=name)
        return fn

    def replace(self, mod, name, fn):
        """Put `fn` in place of the learner's helper `name` (it pickles under that name)."""
        fn.__module__ = mod.__name__
        fn.__qualname__ = fn.__name__ = name
        setattr(mod, name, fn)

    def heartbeat(self, interval=0.01, limit=0.25):
        return _Heartbeat(self, interval, limit)

    def capture(self):
        return _Captured(self.config["output_limit"])

    async def timed(self, awaitable, limit_s, what, nominal=None):
        """Await the learner's coroutine with a time limit (extended by any time the host kept
        this process from running); (result, seconds). With a `nominal` time, an
        asyncio.sleep(nominal) of the harness runs beside it, in the same loop at the same
        moment: the seconds remember how long that ideal took, the yardstick `about` uses (a
        busy host delays both alike)."""

        async def ideal():
            begin = perf()
            await asyncio.sleep(nominal)
            return perf() - begin

        start, waited, loop_start = perf(), all_waited(), loop_waited()
        yardstick = asyncio.ensure_future(ideal()) if nominal is not None else None
        task = asyncio.ensure_future(awaitable)
        granted = 0.0
        try:
            while True:
                await asyncio.wait({task}, timeout=max(0.0, start + limit_s + granted - perf()))
                if task.done():
                    break
                # Time the host kept us waiting for a CPU is granted (up to the limit again).
                more = min(all_waited() - waited, limit_s)
                if more - granted > 0.05:
                    granted = more
                    continue
                task.cancel()
                self.fail("too-slow", what=what, limit=limit_s)
        finally:
            took = Took(perf() - start, loop_waited() - loop_start)
            if yardstick is not None:
                took.ideal = await yardstick
        return task.result(), took

    def plain_steps(self, n):
        """Calibrated CPU seconds of an n-step plain Python loop on this machine."""
        return n * self.step_s

    def cpu(self):
        """CPU seconds of this process so far (every thread; a process pool's workers only
        once they are gone)."""
        return _cpu()

    def predict_run(self, snippet):
        """Run a snippet (from the challenge, not the learner) and return its output lines."""
        cap = Capture(self.config["output_limit"])
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = cap
        try:
            exec(compile(snippet, "<snippet>", "exec", dont_inherit=True), {"__name__": "__snippet__"})
            gc.collect()
        finally:
            sys.stdout, sys.stderr = old
        return [line.rstrip() for line in cap.text.splitlines()]

    # -- phases -------------------------------------------------------------------------

    def compile(self):
        linecache.cache[FILE] = (len(self.source), None, self.source.splitlines(True), FILE)
        try:
            self.code = compile(self.source, FILE, "exec", dont_inherit=True)
        except SyntaxError as exc:
            line, error = exc.lineno or 0, exc.msg or "invalid syntax"
            if self.on_syntax is not None:  # the challenge may name the belief behind it
                self.on_syntax(self, error, line)
            self.fail("syntax", line=line, error=error)
        except ValueError as exc:  # e.g. NUL bytes
            self.fail("syntax", line=0, error=str(exc))

    def calibrate(self):
        async def idle():
            async with self.heartbeat(0.005) as beat:
                start, waited = perf(), all_waited()
                await asyncio.sleep(0.1)
                return perf() - start - 0.1 - (all_waited() - waited), beat.max_lag

        over, lag = asyncio.run(idle())
        self.overshoot, self.base_lag = max(0.0, over), max(0.0, lag)
        best = None
        for _ in range(3):  # CPU time of this thread: a busy host does not inflate it
            n = 100_000
            start = time.thread_time()
            total = 0
            for i in range(n):
                total += i * i
            took = time.thread_time() - start
            best = took if best is None else min(best, took)
        self.step_s = max(best, 1e-4) / n

    def _module(self, name):
        mod = types.ModuleType(name)
        mod.__file__ = FILE
        mod.__builtins__ = builtins
        return mod

    def run_main(self, watch, limit_s):
        run = Run()
        mod = self._module("__main__")
        harness_main = sys.modules["__main__"]
        sys.modules["__main__"] = mod
        cap = Capture(self.config["output_limit"])
        frames = {}
        own = {}

        def profile(frame, event, arg):
            code = frame.f_code
            if code.co_filename != FILE or code.co_name not in watch:
                return
            key = id(frame)
            if event == "call":
                if key not in frames:
                    started_in_loop = asyncio._get_running_loop() is not None
                    own[key] = frame  # keeps the id unique while we look at it
                    frames[key] = [code.co_name, started_in_loop, perf(), perf()]
            elif event == "return" and key in frames:
                frames[key][3] = perf()

        real_print = builtins.print

        def print_(*args, **kwargs):
            caller = sys._getframe(1).f_code
            if kwargs.get("file") in (None, sys.stdout):
                sep = kwargs.get("sep")
                text = (" " if sep is None else sep).join(str(a) for a in args)
                run.prints.append((text, caller.co_name if caller.co_filename == FILE else ""))
            return real_print(*args, **kwargs)

        granted = [0.0]

        def alarm(signum, frame):
            # Time the host did not run this process at all is not the program's: grant it.
            more = min(all_waited() - waited_start, limit_s) - granted[0]  # at most twice the limit
            if more > 0.05:
                granted[0] += more
                signal.setitimer(signal.ITIMER_REAL, more)
                return
            run.too_slow = True
            signal.setitimer(signal.ITIMER_REAL, 0.5)  # again, if this one is swallowed
            raise TooSlow(1)

        # The longest single step of any event loop the program runs (a callback or a task's
        # step between two awaits) is how long it held its loop. The run-queue wait is read at
        # most every 50 ms and after a long step, so what a busy host took is left out.
        handle_run = asyncio.events.Handle._run
        sample = [perf(), all_waited()]

        def timed_step(handle):
            begin = perf()
            if begin - sample[0] > 0.05:
                sample[0], sample[1] = begin, all_waited()
            waited = sample[1]
            try:
                return handle_run(handle)
            finally:
                took = perf() - begin
                if took > 0.05:
                    held = took - (all_waited() - waited)
                    run.max_block = max(run.max_block, held)

        old_out = sys.stdout, sys.stderr
        signal.signal(signal.SIGALRM, alarm)
        asyncio.events.Handle._run = timed_step
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sys.stdout = sys.stderr = cap
            if watch:
                builtins.print = print_
                threading.setprofile(profile)
                sys.setprofile(profile)
            start, waited_start = perf(), all_waited()
            cpu_start = _cpu()
            signal.setitimer(signal.ITIMER_REAL, limit_s)
            try:
                exec(self.code, mod.__dict__)
            except Flood:
                pass
            except TooSlow:
                run.too_slow = True
            except SystemExit as exc:
                code = exc.code
                run.exit = 0 if code is None else code if isinstance(code, int) else 1
                if not isinstance(code, int) and code is not None:
                    cap.write(str(code) + "\n")
            except BaseException as exc:
                run.exit = 1
                run.error = (type(exc).__name__, str(exc)[:200], _learner_line(exc.__traceback__))
                tb = exc.__traceback__.tb_next if exc.__traceback__ else None
                try:
                    traceback.print_exception(type(exc), exc, tb, file=cap)
                except Flood:
                    pass
                del tb  # its frames hold what the program left behind: let it be collected
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                asyncio.events.Handle._run = handle_run
                run.seconds = perf() - start
                run.cpu = _cpu() - cpu_start
                run.waited = all_waited() - waited_start
                sys.setprofile(None)
                threading.setprofile(None)
                builtins.print = real_print
            try:
                mod.__dict__.clear()  # coroutines it left behind warn now, while we listen
                gc.collect()
            except Flood:
                pass
            sys.stdout, sys.stderr = old_out
        sys.modules["__main__"] = harness_main
        for w in caught:
            text = str(w.message)
            if issubclass(w.category, RuntimeWarning) and "was never awaited" in text:
                name = text.split("'")[1] if text.count("'") >= 2 else "?"
                run.unawaited.append(name.rsplit(".", 1)[-1])
        run.output = cap.text
        for name, in_loop, t0, t1 in frames.values():
            run.calls.setdefault(name, []).append([in_loop, t0, t1])
        if cap.flooded:
            self.fail("flood", limit=self.config["output_limit"])
        self.run = run
        return run

    def load(self):
        """The learner's module again, with every way of starting a loop at its top level
        neutralised (asyncio.run, asyncio.Runner, run_until_complete, run_forever)."""
        mod = self._module("solution")
        sys.modules["solution"] = mod
        saved = (asyncio.run, asyncio.Runner, asyncio.BaseEventLoop.run_until_complete,
                 asyncio.BaseEventLoop.run_forever)
        asyncio.run = lambda main, **kw: _close(main)
        asyncio.Runner = _StubRunner
        asyncio.BaseEventLoop.run_until_complete = lambda self, fut: _close(fut)
        asyncio.BaseEventLoop.run_forever = lambda self: None
        cap = Capture(self.config["output_limit"])
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = cap
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(self.code, mod.__dict__)
        except BaseException:
            # It ran as a program, so this is its top level using what the neutralised entry
            # point returned (None): the functions defined so far are what the checks need.
            pass
        finally:
            sys.stdout, sys.stderr = old
            (asyncio.run, asyncio.Runner, asyncio.BaseEventLoop.run_until_complete,
             asyncio.BaseEventLoop.run_forever) = saved
        return mod

    def generic_main_checks(self, run, limit_s):
        if run.too_slow:
            self.fail("too-slow", what="main.py", limit=limit_s)
        if run.unawaited:
            self.fail("never-awaited", name=run.unawaited[0])
        if run.error is not None:
            kind, message, line = run.error
            self.fail("crash", error=f"{kind}: {message}", line=line or 0)
        if run.exit != 0:
            self.fail("exit", code=run.exit)


class Took(float):
    """Seconds measured, and how many of them the host kept this process's threads waiting
    for a CPU (summed over threads: an allowance, never a measure of the learner)."""

    def __new__(cls, seconds, stalled):
        took = super().__new__(cls, seconds)
        took.stalled = stalled
        took.ideal = None
        return took


def _schedstat_wait(path):
    try:
        with open(path, "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0  # gone, or no schedstat here (then no allowance: the plain measure stands)


def loop_waited():
    """Seconds the calling thread (the event loop's) spent runnable but not running: the
    kernel's run-queue wait, the host's doing, never the learner's. A loop held by the
    learner's code is running (a long calculation) or asleep (time.sleep), and neither counts.
    Every wake-up of a loop goes through this thread, so it is the wait that delays them."""
    return _schedstat_wait("/proc/thread-self/schedstat")


def all_waited():
    """The same, summed over the threads of this process: a worker thread that holds the GIL
    while the host keeps it off the CPU holds the loop up too."""
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return 0.0
    return sum(_schedstat_wait(f"/proc/self/task/{tid}/schedstat") for tid in tids)


class _Heartbeat:
    """A task of the harness that wakes every `interval`: its worst lateness shows how long
    anything held the event loop."""

    def __init__(self, harness, interval, limit):
        self.harness = harness
        self.interval = interval
        self.limit = limit
        self.max_lag = 0.0
        self.beats = 0
        self.task = None

    async def _beat(self):
        while True:
            start, waited = perf(), all_waited()
            await asyncio.sleep(self.interval)
            lag = perf() - start - self.interval - (all_waited() - waited)
            self.max_lag = max(self.max_lag, lag)
            self.beats += 1

    async def __aenter__(self):
        self.task = asyncio.get_running_loop().create_task(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc):
        # The beat that is due now still counts: a loop held until the very end shows.
        start, waited = perf(), all_waited()
        await asyncio.sleep(0)
        self.max_lag = max(self.max_lag, perf() - start - (all_waited() - waited))
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        return False

    @property
    def blocked(self):
        return self.max_lag > self.harness.block_limit(self.limit)


class _Captured:
    def __init__(self, limit):
        self.cap = Capture(limit)

    def __enter__(self):
        self.old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.cap
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self.old
        if self.cap.flooded:
            raise Fail("flood", limit=self.cap.limit)
        return False

    @property
    def lines(self):
        return [line.rstrip() for line in self.cap.text.splitlines()]


def _harness_main(nonce, source, checks_source, config):
    limit = config.get("cpu_s")
    if limit:
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (int(limit), hard))
    checks = {"__name__": "checks", "Fail": Fail}
    exec(compile(checks_source, "<checks>", "exec", dont_inherit=True), checks)
    harness = Harness(nonce, source, config)
    harness.on_syntax = checks.get("syntax")
    result = {"check": None, "values": {}, "program_s": None}
    phase = "compile"
    try:
        harness.compile()
        phase = "calibrate"
        emit(nonce, "phase", phase)
        harness.calibrate()
        phase = "program"
        emit(nonce, "phase", phase)
        main_limit = checks.get("MAIN_LIMIT_S", config["wall_s"] / 2)
        run = harness.run_main(tuple(checks.get("WATCH", ())), main_limit)
        result["program_s"] = round(run.seconds, 3)
        if "first" in checks:  # a challenge may name a crash's cause before the generic checks
            checks["first"](harness, run)
        harness.generic_main_checks(run, main_limit)
        if "program" in checks:
            checks["program"](harness, run)
        if "functions" in checks:
            phase = "functions"
            emit(nonce, "phase", phase)
            mod = harness.load()

            async def functions():
                loop = asyncio.get_running_loop()
                # Room for every thread the checks start at once (to_thread, run_in_executor).
                harness.executor = concurrent.futures.ThreadPoolExecutor(max_workers=16)
                loop.set_default_executor(harness.executor)
                with warnings.catch_warnings(record=True) as caught, harness.capture():
                    warnings.simplefilter("always")
                    await checks["functions"](harness, mod)
                    gc.collect()
                for w in caught:
                    if "was never awaited" in str(w.message):
                        text = str(w.message)
                        name = text.split("'")[1] if text.count("'") >= 2 else "?"
                        harness.fail("never-awaited", name=name.rsplit(".", 1)[-1])

            asyncio.run(functions())
    except Fail as exc:
        result["check"] = exc.check
        result["values"] = {k: (v if isinstance(v, (int, float, str)) else str(v))
                            for k, v in exc.values.items()}
    except Flood:
        result["check"] = "flood"
        result["values"] = {"limit": config["output_limit"]}
    except BaseException as exc:
        # The learner's code raised out of one of its functions: a crash at its line.
        result["check"] = "crash"
        result["values"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}",
                            "line": _learner_line(exc.__traceback__) or 0}
    result["phase"] = phase
    result["stalled"] = round(all_waited(), 3)
    # The grading's own CPU: everything this run used but the program's run as __main__.
    result["extra_cpu"] = round(_cpu() - (harness.run.cpu if harness.run else 0.0), 3)
    result["calibration"] = {"overshoot": round(harness.overshoot, 4), "lag": round(harness.base_lag, 4),
                             "step_ns": round(harness.step_s * 1e9, 1)}
    emit(nonce, "verdict", result)
    os._exit(0)  # threads the learner left running must not hold the verdict back
