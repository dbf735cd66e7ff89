# Hidden checks of real-parallel (run in the sandbox by the harness; `h` is the harness).
import os
import time

MAIN_LIMIT_S = 8.0


def burned(n):
    return sum(i % 7 for i in range(n))


def program(h, run):
    want = str([burned(1_000_000)] * 2)
    if want not in run.lines:
        h.fail("output", want=want)


async def functions(h, mod):
    h.func(mod, "burn", coroutine=False)
    burn_all = h.func(mod, "burn_all")
    sizes = [10, 1000, 7]
    got, _ = await h.timed(burn_all(sizes), 5.0, "burn_all([10, 1000, 7])")
    if list(got) != [burned(n) for n in sizes]:
        h.fail("result", got=repr(got))

    def other_burn(n):  # a hidden variation: which process did the work?
        time.sleep(1.5)  # as long as real work: a loop held meanwhile shows
        return os.getpid()

    h.replace(mod, "burn", other_burn)
    # A loose limit: starting and joining a process pool holds the loop a little (more so on a
    # busy host); only a loop held as long as the work itself is this check's business.
    async with h.heartbeat(0.01, limit=1.0) as beat:
        pids, _ = await h.timed(burn_all([1, 2]), 5.0, "burn_all([1, 2])")
    if os.getpid() in list(pids):
        h.fail("same-process")
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
