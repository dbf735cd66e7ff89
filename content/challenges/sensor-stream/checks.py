# Hidden checks of sensor-stream (run in the sandbox by the harness; `h` is the harness).
import asyncio
import time

MAIN_LIMIT_S = 4.0


class Probe:
    """A hidden sensor: other values and timings, and it remembers what happened to it."""

    def __init__(self, values, delay):
        self.values = list(values)
        self.delay = delay
        self.connected = False
        self.reads = []

    async def connect(self):
        await asyncio.sleep(0.005)
        self.connected = True

    async def read(self):
        await asyncio.sleep(self.delay)
        self.reads.append(time.perf_counter())
        return self.values.pop(0) if self.values else None

    async def close(self):
        await asyncio.sleep(0.005)
        self.connected = False


async def functions(h, mod):
    Session = h.func(mod, "Session", coroutine=False)
    readings = h.func(mod, "readings", coroutine=False)

    probe = Probe([], 0.01)
    raised = None
    try:
        async with Session(probe) as inside:
            if not probe.connected or inside is not probe:
                h.fail("enter", connected=probe.connected)
            raise ValueError("the body failed")
    except ValueError as exc:
        raised = exc
    if probe.connected:
        h.fail("left-open")
    if raised is None:
        h.fail("swallowed")

    probe = Probe([], 0.01)
    async with Session(probe):
        pass
    if probe.connected:
        h.fail("left-open")

    probe = Probe([7, 5, 9, 4], 0.1)
    got, took = [], None
    async with Session(probe) as s:
        values = aiter(readings(s))
        try:  # the first value, timed beside a sleep of the read's 0.1 s in the same loop
            first, took = await h.timed(anext(values), 2.0, "readings(sensor)", nominal=0.1)
            got = [first] + [value async for value in values]
        except StopAsyncIteration:
            pass
    if got != [7, 5, 9, 4]:
        h.fail("values", got=repr(got))
    if not h.about(took, 0.1):
        h.fail("not-streaming", first=took)
    lines = h.run.lines
    if "temperature 21" not in lines or "connected: False" not in lines:
        h.fail("output", got=" | ".join(lines[-2:]) or "(nothing)")
