# Hidden checks of cpu-off-loop (run in the sandbox by the harness; `h` is the harness).
MAIN_LIMIT_S = 8.0


def program(h, run):
    if "primes below 60000: 6057" not in run.lines:
        h.fail("output", got=run.lines[-1] if run.lines else "(nothing)")


async def functions(h, mod):
    h.func(mod, "count_primes", coroutine=False)
    primes_below = h.func(mod, "primes_below")
    got, _ = await h.timed(primes_below(1000), 5.0, "primes_below(1000)")
    if got != 168:
        h.fail("result", got=repr(got))
    steps = max(200_000, int(0.4 / h.step_s))  # ~0.4 s of plain work on this machine, now

    def other_count(limit):  # a hidden variation: CPU work whose result must come back
        total = 0
        for i in range(steps):
            total += i * i
        return limit * 3

    h.replace(mod, "count_primes", other_count)
    async with h.heartbeat(0.01, limit=0.15) as beat:
        got, _ = await h.timed(primes_below(7), 2.0 + 8 * h.plain_steps(steps), "primes_below(7)")
    if got != 21:
        h.fail("result-follows", got=repr(got))
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
