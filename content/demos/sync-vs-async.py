"""Three 1 s waits: one after another (sync) vs all together (async, gather)."""
import asyncio
import time


def sync_version():
    for _ in range(3):
        time.sleep(1)  # blocks: nothing else happens during this second


async def wait_one():
    await asyncio.sleep(1)  # pauses only this coroutine; the loop runs the others


async def async_version():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    waits = [asyncio.create_task(wait_one(), name=f"wait-{n}") for n in range(1, 4)]
    await asyncio.gather(*waits)


start = time.perf_counter()
sync_version()
sequential = time.perf_counter() - start
print(f"sync:   {sequential:.2f} s  (3 waits of 1 s, one after another)")

start = time.perf_counter()
asyncio.run(async_version())
together = time.perf_counter() - start
print(f"gather: {together:.2f} s  (the same 3 waits, at the same time)")
print(f"async took {together / sequential:.0%} of the sync time")
