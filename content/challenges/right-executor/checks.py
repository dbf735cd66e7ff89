# Hidden checks of right-executor (run in the sandbox by the harness; `h` is the harness).
import asyncio
import os
import time
from concurrent.futures import ProcessPoolExecutor

MAIN_LIMIT_S = 6.0


def pickling(error):
    return "pickle" in error.lower()


def first(h, run):
    if run.error is not None and pickling(run.error[1]):
        h.fail("pickle", error=f"{run.error[0]}: {run.error[1]}")


async def functions(h, mod):
    h.func(mod, "read_photo", coroutine=False)
    h.func(mod, "shrink", coroutine=False)
    thumbnail = h.func(mod, "thumbnail")

    def other_read(path):  # a hidden variation: blocks like a disk, returns other bytes
        time.sleep(0.3)
        return path.encode()

    def other_shrink(data, factor):  # and reports which process did the work
        time.sleep(0.3)  # as long as real work: a loop held meanwhile shows
        return (os.getpid(), data.decode(), factor)

    h.replace(mod, "read_photo", other_read)
    h.replace(mod, "shrink", other_shrink)
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=2) as pool:
        await loop.run_in_executor(pool, int)  # the workers start now, not during the check
        async with h.heartbeat(0.01, limit=0.15) as beat:
            try:
                got, _ = await h.timed(thumbnail("dog.png", 3, pool), 5.0, "thumbnail('dog.png', 3, pool)")
            except Exception as exc:
                if pickling(str(exc)):
                    h.fail("pickle", error=f"{type(exc).__name__}: {exc}")
                raise
    if not (isinstance(got, tuple) and len(got) == 3 and got[1:] == ("dog.png", 3)):
        h.fail("result", got=repr(got)[:120])
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
    if got[0] == os.getpid():
        h.fail("same-process")
    lines = h.run.lines
    if "thumbnail: 841791" not in lines:
        h.fail("output", got=lines[-1] if lines else "(nothing)")
