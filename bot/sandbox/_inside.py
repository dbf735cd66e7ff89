# The bootstrap that runs INSIDE the sandbox, as `python3 -I -S -u -c <this file> RECFD`.
# It is started before any code exists (a warm, single-use sandbox), pre-imports asyncio,
# then blocks reading the snippet from stdin. Only the standard library is available here.
# Timeline records go to their own fd (RECFD), each line framed with the run's nonce, so
# printed output can never be mistaken for them. So do the facts the error explainer reads: the
# uncaught exception and its chain (`r`), warnings (`w`), and what asyncio reported on its own
# (`l`: the loop's exception handler, its logger's warnings), one line each, tab-separated.
import os
import sys
import time


def _main():
    recfd = int(sys.argv[1])
    os.nice(19)  # lowest CPU priority, inherited by all its children: the bot stays responsive
    # SCHED_IDLE on top: nice only weighs CPU shares, so a woken bot could still wait out a
    # hog's time slice (milliseconds of loop lag each time); the kernel preempts an idle-class
    # task for any normal one at once. Unprivileged, a snippet cannot switch back. The class
    # only ranks tasks of one group, so it never starves a run behind foreign work: in the
    # sandboxes' own cpu group (_cgroup.py) the group gets the floor; without one (a container)
    # the container's cgroup does, and this keeps the bot first (measured in one cgroup beside
    # a 60%-busy loop, one run each: its p99 wake-up lag with 4 hogs 6.8 ms as SCHED_IDLE,
    # 9.0 ms as SCHED_BATCH at nice 19; with 32 hogs 13 vs 19 ms).
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    import asyncio
    import asyncio.events
    import asyncio.tasks
    import atexit
    import gc
    import linecache
    import logging
    import traceback
    import warnings

    perf = time.perf_counter
    state = {"nonce": "", "t0": 0.0, "left": 3000,
             "facts": {"r": 16, "w": 24, "l": 24}}

    def record(kind, name, start, end):
        if state["left"] <= 0 or not state["nonce"]:
            return
        state["left"] -= 1
        name = "".join(ch for ch in str(name) if ch.isprintable() and ch != "\t")[:40] or "?"
        start_us, end_us = int((start - state["t0"]) * 1e6), int((end - state["t0"]) * 1e6)
        line = f"{state['nonce']}\t{kind}\t{name}\t{start_us}\t{end_us}\n"
        try:
            os.write(recfd, line.encode())
        except OSError:
            state["left"] = 0

    def clean(value):
        text = str(value)[:300]
        return "".join(ch if ch.isprintable() and ch != "\t" else " " for ch in text)

    def fact(kind, *fields):
        # Facts share the records' fd, with caps of their own per kind: a flood of warnings or
        # pending tasks must push out neither the timeline nor the exception that ended the run.
        # Reporting never changes what the program does: a field that fails to print is "?".
        facts = state["facts"]
        if facts[kind] <= 0 or not state["nonce"]:
            return
        facts[kind] -= 1
        texts = []
        for field in fields:
            try:
                texts.append(clean(field))
            except Exception:
                texts.append("?")
        line = "\t".join((state["nonce"], kind, *texts)) + "\n"
        try:
            os.write(recfd, line.encode("utf-8", "replace"))
        except OSError:
            facts.update(r=0, w=0, l=0)

    def type_name(exc):
        cls = type(exc)
        return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"

    def message(exc):
        try:
            return str(exc)
        except BaseException:  # a snippet's own __str__ may fail: the type still counts
            return "?"

    def line_of(exc):
        """The line of main.py it was raised at (the deepest frame there), 0 if none."""
        if isinstance(exc, SyntaxError):
            return exc.lineno if exc.filename == "main.py" and exc.lineno else 0
        line, tb = 0, exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "main.py":
                line = tb.tb_lineno
            tb = tb.tb_next
        return line

    def report(exc):
        """The uncaught exception, then its ExceptionGroup members, cause and context."""
        todo, seen = [("raised", exc)], set()
        while todo and len(seen) < 16:
            via, exc = todo.pop(0)
            if exc is None or id(exc) in seen:
                continue
            seen.add(id(exc))
            fact("r", via, type_name(exc), message(exc), line_of(exc))
            todo += [("member", e) for e in getattr(exc, "exceptions", ())
                     if isinstance(exc, BaseExceptionGroup)]
            todo.append(("cause", exc.__cause__))
            if not exc.__suppress_context__:
                todo.append(("context", exc.__context__))

    def release(exc):
        """Drop the locals of every frame the exception holds: a coroutine never awaited
        that only a traceback still references is finalised now and its warning reported."""
        todo, seen = [exc], set()
        while todo and len(seen) < 64:
            exc = todo.pop()
            if exc is None or id(exc) in seen:
                continue
            seen.add(id(exc))
            traceback.clear_frames(exc.__traceback__)
            todo += [exc.__cause__, exc.__context__, *getattr(exc, "exceptions", ())]

    # Every warning passes here (the C warnings code calls it too), whatever showwarning is.
    show = warnings._showwarnmsg

    def showwarnmsg(msg):
        line = msg.lineno if msg.filename == "main.py" else 0
        fact("w", msg.category.__name__, msg.message, line)
        show(msg)

    warnings._showwarnmsg = showwarnmsg
    # A never-awaited coroutine is often finalised far from where it was made (by the final
    # collection, or when a traceback lets go of it): name the line of main.py that called it,
    # as a learner would look for it, once per line. Tracking one frame of origin is cheap.
    sys.set_coroutine_origin_tracking_depth(1)
    unawaited, registry = warnings._warn_unawaited_coroutine, {}

    def warn_unawaited(coro):
        origin = getattr(coro, "cr_origin", None)
        if not origin or origin[0][0] != "main.py":
            return unawaited(coro)
        warnings.warn_explicit(f"coroutine '{coro.__qualname__}' was never awaited", RuntimeWarning,
                               "main.py", origin[0][1], "__main__", registry)

    warnings._warn_unawaited_coroutine = warn_unawaited
    # What the loop itself reports (never-retrieved exceptions, destroyed pending tasks), even
    # with a handler of the snippet's own, and the warnings asyncio logs (slow callbacks in debug
    # mode). A filter, not a handler: a handler would silence logging's last-resort output.
    call_handler = asyncio.base_events.BaseEventLoop.call_exception_handler

    def call_exception_handler(loop, context):
        exc = context.get("exception") if isinstance(context, dict) else None
        fact("l", "loop", context.get("message", "") if isinstance(context, dict) else "",
             type_name(exc) if exc else "", message(exc) if exc else "")
        call_handler(loop, context)

    asyncio.base_events.BaseEventLoop.call_exception_handler = call_exception_handler

    def logged(record):
        if record.levelno >= logging.WARNING and record.funcName != "default_exception_handler":
            fact("l", "log", record.msg, "", "")
        return True

    logging.getLogger("asyncio").addFilter(logged)
    # Tasks main() left behind, which asyncio.run() cancels silently as it ends: a task whose
    # work never happened because nobody awaited it.
    cancel_all = asyncio.runners._cancel_all_tasks

    def cancel_all_tasks(loop):
        for task in asyncio.tasks.all_tasks(loop):
            if not task.done():
                coro = task.get_coro()
                fact("l", "exit", "Task was pending when asyncio.run() ended", "",
                     f"{task.get_name()} ({getattr(coro, '__qualname__', '?')})")
        cancel_all(loop)

    asyncio.runners._cancel_all_tasks = cancel_all_tasks

    # Pure-Python tasks expose their step callbacks as bound methods, so every callback the
    # loop runs can be attributed to its task.
    py_task = asyncio.tasks._PyTask
    asyncio.tasks.Task = asyncio.Task = py_task
    handle_run = asyncio.events.Handle._run

    def timed_run(handle):
        owner = getattr(handle._callback, "__self__", None)
        start = perf()
        handle_run(handle)
        end = perf()
        if isinstance(owner, py_task):
            coro = owner.get_coro()
            if getattr(coro, "__name__", "") not in housekeeping:
                record("s", owner.get_name(), start, end)
        elif end - start > 0.02:
            record("s", "loop", start, end)

    asyncio.events.Handle._run = timed_run
    # asyncio.run's own clean-up tasks are not the snippet's: keep them off the timeline.
    housekeeping = ("shutdown_asyncgens", "shutdown_default_executor")
    real_sleep = time.sleep

    def sleep(seconds):
        start = perf()
        try:
            real_sleep(seconds)
        finally:
            if asyncio.events._get_running_loop() is not None:
                task = asyncio.tasks.current_task()
                record("b", "time.sleep:" + (task.get_name() if task else "loop"), start, perf())

    time.sleep = sleep

    gc.freeze()  # the warm-up's objects are never garbage: keep the final collection short
    try:
        os.write(recfd, b"ready\n")  # the pool hands out only sandboxes that are this far
    except OSError:
        pass
    data = sys.stdin.buffer.read()  # the run starts here: everything above was the warm-up
    # nonce \n extra files (one line of JSON, empty for none) \n the program
    nonce, _, data = data.partition(b"\n")
    files, _, source = data.partition(b"\n")
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)  # the snippet has no stdin: input() raises EOFError
    os.close(null)
    if files:
        # Beside the program, in the private /tmp (the working folder), and importable from it.
        import json

        for name, text in json.loads(files):
            with open(name, "w", encoding="utf-8") as extra:
                extra.write(text)
        sys.path.insert(0, os.getcwd())
    source = source.decode("utf-8", "replace")
    linecache.cache["main.py"] = (len(source), None, source.splitlines(True), "main.py")
    sys.argv = ["main.py"]
    status = 0
    state["nonce"] = nonce.decode("ascii", "replace")
    state["t0"] = perf()
    # A fresh __main__ module: functions defined by the snippet pickle by name (a process pool
    # looks them up in sys.modules["__main__"]), and none of this bootstrap is in sight.
    main = type(sys)("__main__")
    main.__file__ = "main.py"
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    namespace = main.__dict__
    try:
        exec(compile(source, "main.py", "exec", dont_inherit=True), namespace)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = code & 0xFF
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException as exc:
        tb = exc.__traceback__.tb_next if exc.__traceback__ else None  # hide this bootstrap
        traceback.print_exception(type(exc), exc, tb)
        status = 1
        report(exc)
        release(exc)
    # The interpreter's own finalisation costs ~10 ms, longer than most snippets: do the parts
    # a snippet can observe (join its threads, atexit handlers, warnings of objects it left
    # behind such as a never-awaited coroutine), then leave at once.
    try:
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        atexit._run_exitfuncs()
        namespace.clear()
        gc.collect()
    except BaseException as exc:
        traceback.print_exception(exc)
        status = status or 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    record("x", f"exit:{status}", perf(), perf())
    os._exit(status)


_main()
