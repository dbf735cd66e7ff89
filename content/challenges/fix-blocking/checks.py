# Hidden checks of fix-blocking (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 6.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if run.max_block > h.block_limit(0.25):  # seen already while it ran as a program
        h.fail("blocked-loop", lag=run.max_block)
    if "[0, 10, 20]" not in run.lines:
        h.fail("output", got=last(run.lines))


async def together(fetch):
    # The three calls start when this is awaited (inside the timing), not when it is written.
    return await asyncio.gather(fetch(4), fetch(6), fetch(8))


async def functions(h, mod):
    fetch = h.func(mod, "fetch")
    main = h.func(mod, "main")

    async def other_fetch(i):  # a hidden variation: main must print what fetch returns
        await asyncio.sleep(0.01)
        return i + 7

    h.replace(mod, "fetch", other_fetch)
    with h.capture() as out:
        await h.timed(main(), 3.0, "main()")
    setattr(mod, "fetch", fetch)
    if "[7, 8, 9]" not in out.lines:
        h.fail("output-follows", got=last(out.lines))

    async with h.heartbeat() as beat:
        with h.capture():
            (_, main_s), (alone, alone_s), (three, three_s) = await asyncio.gather(
                h.timed(main(), 5.0, "main()", nominal=1.0),
                h.timed(fetch(5), 5.0, "fetch(5)", nominal=1.0),
                h.timed(together(fetch), 5.0, "three fetch calls", nominal=1.0))
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
    if alone != 50:
        h.fail("fetch-result", got=repr(alone))
    if not h.about(alone_s, 1.0):
        h.fail("fetch-time", took=alone_s)
    if list(three) != [40, 60, 80] or not h.about(three_s, 1.0):
        h.fail("together", took=three_s)
    if not h.about(main_s, 1.0):
        h.fail("main-slow", took=main_s)
