# Hidden checks of await-outside (run in the sandbox by the harness; `h` is the harness).
MAIN_LIMIT_S = 4.0
WATCH = ("greet",)


def syntax(h, error, line):
    if "async function" in error:  # `await` inside a plain def (the top level says "function")
        h.fail("await-in-def", line=line)


def program(h, run):
    calls = run.calls.get("greet", [])
    if len(calls) != 1:
        h.fail("runs", count=len(calls))
    in_loop, start, end = calls[0]
    if not in_loop:
        h.fail("no-loop")
    if not h.about(end - start, 0.1, allowance=run.waited):
        h.fail("greet-time", took=end - start)
    said = [who for text, who in run.prints if text == "namaste duniya"]
    shown = [line for line in run.lines if line == "namaste duniya"]
    if said != ["greet"] or len(shown) != 1:
        h.fail("output", count=len(shown))


async def functions(h, mod):
    h.func(mod, "greet")
