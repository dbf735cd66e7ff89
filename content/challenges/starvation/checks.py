# Hidden checks of starvation (run in the sandbox by the harness; `h` is the harness).
MAIN_LIMIT_S = 4.0


def squares(n):
    return (n - 1) * n * (2 * n - 1) // 6 if n > 0 else 0


def program(h, run):
    want = str(squares(10_000_000))
    if not any(line.split(" ")[0] == want for line in run.lines):
        h.fail("output", want=want)


async def functions(h, mod):
    crunch = h.func(mod, "crunch")
    for n in (0, 1, 7, 12_345):
        got, _ = await h.timed(crunch(n), 3.0, f"crunch({n})")
        if got != squares(n):
            h.fail("result", n=n, want=squares(n), got=repr(got))
    # Sizes from this machine's speed now: a plain loop over `large` takes ~0.3 s of CPU.
    large = max(200_000, int(0.3 / h.step_s))
    small = large // 8
    plain = h.plain_steps(large)
    # CPU time, not wall time: a busy host stretches the wall clock, never the work done.
    cpu = h.cpu()
    await h.timed(crunch(small), 2.0 + 10 * h.plain_steps(small), "crunch(n)")
    small_cpu, cpu = h.cpu() - cpu, h.cpu()
    async with h.heartbeat(0.02, limit=0.12) as beat:
        got, large_s = await h.timed(crunch(large), 1.0 + 8 * plain, "crunch(n)")
    large_cpu = h.cpu() - cpu
    if got != squares(large):
        h.fail("result", n=large, want=squares(large), got=repr(got))
    if large_cpu < 0.25 * plain or large_cpu < 2 * small_cpu:
        h.fail("no-work", small=small_cpu, large=large_cpu)
    if beat.blocked:
        h.fail("starved", lag=beat.max_lag, took=large_s)
