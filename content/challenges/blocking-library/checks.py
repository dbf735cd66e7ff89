# Hidden checks of blocking-library (run in the sandbox by the harness; `h` is the harness).
import asyncio
import time

MAIN_LIMIT_S = 4.0
WANT = "['report x: ok', 'report y: ok', 'report z: ok']"


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if run.max_block > h.block_limit(0.25):  # seen already while it ran as a program
        h.fail("blocked-loop", lag=run.max_block)
    if WANT not in run.lines:
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    h.func(mod, "read_report", coroutine=False)
    fetch_report = h.func(mod, "fetch_report")
    main = h.func(mod, "main")

    def other_read(name):  # a hidden variation: still a blocking library call
        time.sleep(0.3)
        return f"other {name}"

    h.replace(mod, "read_report", other_read)
    try:
        async with h.heartbeat(0.01, limit=0.15) as beat:
            with h.capture() as out:
                (one, one_s), (_, main_s) = await asyncio.gather(
                    h.timed(fetch_report("q"), 3.0, "fetch_report('q')", nominal=0.3),
                    h.timed(main(), 3.0, "main()", nominal=0.3))
    except TypeError as exc:
        if "await" in str(exc):
            h.fail("awaits-plain")
        raise
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
    if one != "other q" or "['other x', 'other y', 'other z']" not in out.lines:
        h.fail("output-follows", got=repr(one))
    if not h.about(one_s, 0.3):
        h.fail("fetch-time", took=one_s)
    if not h.about(main_s, 0.3):
        h.fail("main-slow", took=main_s)
