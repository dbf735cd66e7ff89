# Hidden checks of give-up-in-time (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def first(h, run):
    if run.error is not None and run.error[0] == "TimeoutError":
        h.fail("raised")


async def functions(h, mod):
    h.func(mod, "fetch")
    price_or_none = h.func(mod, "price_or_none")
    state = {}

    async def other_fetch(shop):  # a hidden variation: other shops, other prices and delays
        state[shop] = "running"
        try:
            await asyncio.sleep({"quick": 0.02, "in-time": 0.1, "hangs": 0.8}[shop])
        except asyncio.CancelledError:
            state[shop] = "cancelled"
            raise
        state[shop] = "finished"
        return {"quick": 11, "in-time": 22, "hangs": 33}[shop]

    h.replace(mod, "fetch", other_fetch)
    for shop, price in (("quick", 11), ("in-time", 22)):
        got, _ = await h.timed(price_or_none(shop), 2.0, f"price_or_none({shop!r})")
        if got != price:
            h.fail("gave-up-early", shop=shop, got=repr(got), price=price)
    try:
        got, took = await h.timed(price_or_none("hangs"), 2.0, "price_or_none('hangs')", nominal=0.2)
    except TimeoutError:
        h.fail("raised")
    if not h.about(took, 0.2):
        h.fail("late", took=took)
    if got is not None:
        h.fail("not-none", got=repr(got))
    await asyncio.sleep(0.02)
    if state.get("hangs") != "cancelled":
        h.fail("left-running", state=state.get("hangs", "never started"))
    if "{'fast-shop': 90, 'slow-shop': None}" not in h.run.lines:
        h.fail("output", got=last(h.run.lines))
