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
    start = time.perf_counter()
    got, firsts = [], []
    async with Session(probe) as s:
        async for value in readings(s):
            got.append(value)
            firsts.append(time.perf_counter() - start)
    if got != [7, 5, 9, 4]:
        h.fail("values", got=repr(got))
    if firsts and not h.about(firsts[0], 0.1, allowance=0.005):
        h.fail("not-streaming", first=firsts[0])
    lines = h.run.lines
    if "temperature 21" not in lines or "connected: False" not in lines:
        h.fail("output", got=" | ".join(lines[-2:]) or "(nothing)")
