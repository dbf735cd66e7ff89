# Hidden checks of make-concurrent (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if "['A', 'B', 'C']" not in run.lines:
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    download = h.func(mod, "download")
    main = h.func(mod, "main")
    calls = []

    async def other_download(name, seconds):  # a hidden variation that also counts the calls
        calls.append((name, seconds))
        await asyncio.sleep(seconds)
        return name + "!"

    h.replace(mod, "download", other_download)
    with h.capture() as out:
        _, took = await h.timed(main(), 3.0, "main()", nominal=0.5)
    setattr(mod, "download", download)
    if sorted(calls) != [("a", 0.5), ("b", 0.5), ("c", 0.5)]:
        h.fail("calls", got=sorted(calls))
    if "['a!', 'b!', 'c!']" not in out.lines:
        h.fail("output-follows", got=last(out.lines))
    if not h.about(took, 0.5):
        h.fail("main-slow", took=took)
