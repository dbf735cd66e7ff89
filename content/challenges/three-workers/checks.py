# Hidden checks of three-workers (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 2.0


def first(h, run):
    # A join() that never returns: the program never ends.
    if run.too_slow:
        h.fail("join-hangs")


async def functions(h, mod):
    h.func(mod, "handle")
    h.func(mod, "worker")
    pack_all = h.func(mod, "pack_all")
    state = {"busy": 0, "most": 0}
    handled = []

    async def other_handle(order):  # a hidden variation: other orders, another result
        handled.append(order)
        state["busy"] += 1
        state["most"] = max(state["most"], state["busy"])
        await asyncio.sleep(0.03)
        state["busy"] -= 1
        return order * 2

    h.replace(mod, "handle", other_handle)
    before = asyncio.all_tasks()
    orders = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]
    try:
        got, _ = await h.timed(pack_all(list(orders)), 1.5, "pack_all(orders)")
    except Fail as fail:
        if fail.check == "too-slow":
            h.fail("join-hangs")
        raise
    if sorted(handled) != orders:
        h.fail("handled", got=sorted(handled))
    if state["most"] != 3:
        h.fail("workers", most=state["most"])
    if dict(got) != {order: order * 2 for order in orders}:
        h.fail("result", got=repr(got)[:120])
    await asyncio.sleep(0.05)  # a moment for workers that were cancelled but not awaited
    left = [t for t in asyncio.all_tasks() - before if t is not asyncio.current_task() and not t.done()]
    if left:
        h.fail("workers-left", left=len(left))
    lines = h.run.lines
    if "6 orders packed: order 6 packed" not in lines:
        h.fail("output", got=lines[-1] if lines else "(nothing)")
