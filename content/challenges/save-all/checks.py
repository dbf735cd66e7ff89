# Hidden checks of save-all (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if "['a', 'b', 'c']" not in run.lines:
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    save = h.func(mod, "save")
    main = h.func(mod, "main")
    log = []
    _, took = await h.timed(save(log, "x"), 3.0, "save(log, 'x')", nominal=0.05)
    if log != ["x"] or not h.about(took, 0.05):
        h.fail("save", got=repr(log), took=took)

    async def other_save(log, item):  # a hidden variation: main must print what save wrote
        await asyncio.sleep(0.01)
        log.append(item * 2)

    h.replace(mod, "save", other_save)
    with h.capture() as out:
        await h.timed(main(), 3.0, "main()")
    if "['aa', 'bb', 'cc']" not in out.lines:
        h.fail("output-follows", got=last(out.lines))
