"""create_task schedules a coroutine: its body starts at the caller's next await, tasks overlap
their waits, and a task nobody keeps a reference to can be garbage-collected mid-flight."""
import asyncio
import gc
import time
import weakref

events = []


async def worker(name, seconds):
    events.append(f"{name} started")
    await asyncio.sleep(seconds)
    return name


async def stuck():
    # Waits on a future only this task knows: the loop keeps no strong reference to it.
    await asyncio.get_running_loop().create_future()


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    task = asyncio.create_task(worker("a", 0.3), name="worker-a")
    events.append("create_task returned")
    await asyncio.sleep(0)  # the first await: now the task's body can start
    print("order:", " -> ".join(events))
    await task

    start = time.perf_counter()
    await worker("b", 0.3)
    await worker("c", 0.3)
    print(f"awaited one after another: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    b = asyncio.create_task(worker("b", 0.3), name="worker-b")
    c = asyncio.create_task(worker("c", 0.3), name="worker-c")
    print(f"results {await b}, {await c}; as two tasks: {time.perf_counter() - start:.2f} s")

    keep = set()
    kept = asyncio.create_task(stuck(), name="kept")
    keep.add(kept)  # a strong reference: the task lives until it ends
    kept.add_done_callback(keep.discard)
    lost = weakref.ref(asyncio.create_task(stuck(), name="lost"))  # no strong reference
    await asyncio.sleep(0.05)
    gc.collect()
    print(f"task without a reference collected: {lost() is None}")
    print(f"task kept in a set still pending: {not kept.done()}")
    kept.cancel()


asyncio.run(main())
