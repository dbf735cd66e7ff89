# Hidden checks of tea-and-toast (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if "paani garam | toast taiyaar" not in run.lines:
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    h.func(mod, "boil_water")
    h.func(mod, "make_toast")
    main = h.func(mod, "main")

    async def other_water():  # hidden variations: main must print what the helpers return
        await asyncio.sleep(0.8)
        return "garam paani 2"

    async def other_toast():
        await asyncio.sleep(0.6)
        return "toast 2"

    h.replace(mod, "boil_water", other_water)
    h.replace(mod, "make_toast", other_toast)
    with h.capture() as out:
        _, took = await h.timed(main(), 3.0, "main()", nominal=0.8)
    if "garam paani 2 | toast 2" not in out.lines:
        h.fail("output-follows", got=last(out.lines))
    if not h.about(took, 0.8):
        h.fail("main-slow", took=took)
