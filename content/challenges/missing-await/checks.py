# Hidden checks of missing-await (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if "price is 43" not in run.lines:
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    get_price = h.func(mod, "get_price")
    main = h.func(mod, "main")
    async with h.heartbeat(0.005, limit=0.05) as beat:
        price, took = await h.timed(get_price(), 3.0, "get_price()", nominal=0.1)
    if beat.blocked:
        h.fail("blocked-loop", lag=beat.max_lag)
    if price != 42:
        h.fail("price", got=repr(price))
    if not h.about(took, 0.1):
        h.fail("price-time", took=took)

    async def other_price():  # a hidden variation: main must use what get_price returns
        await asyncio.sleep(0.01)
        return 99

    h.replace(mod, "get_price", other_price)
    with h.capture() as out:
        await h.timed(main(), 3.0, "main()")
    if "price is 100" not in out.lines:
        h.fail("output-follows", got=last(out.lines))
