# Hidden checks of three-at-a-time (run in the sandbox by the harness; `h` is the harness).
import asyncio
import time

MAIN_LIMIT_S = 4.0
IDLE_LIMIT_S = 0.15  # batches leave slots empty ~0.45 s here; a semaphore, a few ms at most


async def functions(h, mod):
    h.func(mod, "fetch")
    fetch_all = h.func(mod, "fetch_all")
    urls = ["u/long"] + [f"u/{i}" for i in range(8)]  # a hidden variation: other URLs, other times
    calls = []
    state = {"busy": 0, "most": 0, "idle": 0.0, "since": None}

    def note(change):
        now = time.perf_counter()
        if state["since"] is not None:  # a slot stood empty while a URL was still waiting
            state["idle"] += now - state["since"]
            state["since"] = None
        state["busy"] += change
        state["most"] = max(state["most"], state["busy"])
        if state["busy"] < 3 and len(calls) < len(urls):
            state["since"] = now

    async def other_fetch(url):
        calls.append(url)
        note(+1)
        await asyncio.sleep(0.5 if url == "u/long" else 0.05)
        note(-1)
        return f"got {url}"

    h.replace(mod, "fetch", other_fetch)
    got, _ = await h.timed(fetch_all(list(urls)), 3.0, "fetch_all(urls)")
    if sorted(calls) != sorted(urls):
        h.fail("missed", fetched=len(calls), total=len(urls))
    if state["most"] > 3:
        h.fail("too-many", most=state["most"])
    if state["most"] < 3:
        h.fail("too-few", most=state["most"])
    if state["idle"] > IDLE_LIMIT_S:
        h.fail("idle-slots", idle=state["idle"])
    want = [f"got {url}" for url in urls]
    if not isinstance(got, (list, tuple)) or list(got) != want:
        h.fail("result", got=repr(got)[:120])
    if "9 pages, at most 3 at once" not in h.run.lines:
        h.fail("output", got=h.run.lines[-1] if h.run.lines else "(nothing)")
