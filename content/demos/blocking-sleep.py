"""time.sleep inside a coroutine freezes the whole loop; asyncio.sleep lets the others run."""
import asyncio
import time


async def blocking_worker():
    time.sleep(0.5)  # blocking: the loop is stuck here, no other task runs


async def friendly_worker():
    await asyncio.sleep(0.5)  # non-blocking: the loop runs other tasks meanwhile


async def three_of(worker):
    start = time.perf_counter()
    async with asyncio.TaskGroup() as tg:  # named tasks: the timeline shows who ran when
        for n in range(1, 4):
            tg.create_task(worker(), name=f"{worker.__name__}-{n}")
    return time.perf_counter() - start


async def main():
    asyncio.current_task().set_name("main")
    frozen = await three_of(blocking_worker)
    print(f"3 x time.sleep(0.5) in coroutines:    {frozen:.2f} s  (the loop froze 3 times)")
    free = await three_of(friendly_worker)
    print(f"3 x asyncio.sleep(0.5) in coroutines: {free:.2f} s  (the waits overlapped)")


asyncio.run(main())
