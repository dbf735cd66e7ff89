# Hidden checks of sync-to-async (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0
WANT = "['chai ready', 'coffee ready', 'kahwa ready']"


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if WANT not in run.lines:
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    brew = h.func(mod, "brew")
    main = h.func(mod, "main")
    async with h.heartbeat(0.01, limit=0.15) as beat:
        got, took = await h.timed(brew("lassi"), 3.0, "brew('lassi')", nominal=0.3)
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
    if got != "lassi ready" or not h.about(took, 0.3):
        h.fail("brew", got=repr(got), took=took)

    async def other_brew(drink):  # a hidden variation: main must print what brew returns
        await asyncio.sleep(0.3)
        return drink.upper()

    h.replace(mod, "brew", other_brew)
    with h.capture() as out:
        _, took = await h.timed(main(), 3.0, "main()", nominal=0.3)
    if "['CHAI', 'COFFEE', 'KAHWA']" not in out.lines:
        h.fail("output-follows", got=last(out.lines))
    if not h.about(took, 0.3):
        h.fail("main-slow", took=took)
