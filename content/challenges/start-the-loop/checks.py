# Hidden checks of start-the-loop (run in the sandbox by the harness; `h` is the harness).
MAIN_LIMIT_S = 4.0
WATCH = ("main", "count_down")


def first(h, run):
    if run.error and "cannot be called from a running event loop" in run.error[1]:
        h.fail("run-inside-loop", line=run.error[2] or 0)


def program(h, run):
    for name in WATCH:
        calls = run.calls.get(name, [])
        if len(calls) != 1:
            h.fail("runs", name=name, count=len(calls))
        if not calls[0][0]:
            h.fail("no-loop", name=name)
    if run.lines != ["3", "2", "1", "liftoff"]:
        h.fail("output", got=" / ".join(run.lines[:6]) or "(nothing)")


async def functions(h, mod):
    count_down = h.func(mod, "count_down")
    h.func(mod, "main")
    with h.capture() as out:
        _, took = await h.timed(count_down(2), 3.0, "count_down(2)", nominal=0.2)
    if out.lines != ["2", "1", "liftoff"]:
        h.fail("output-follows", got=" / ".join(out.lines[:6]) or "(nothing)")
    if not h.about(took, 0.2):
        h.fail("count-time", took=took)
