"""Timeouts: asyncio.timeout() and wait_for() stop a wait that takes too long: the awaited work
is cancelled and the caller gets TimeoutError, after the timeout, not after the work."""
import asyncio
import time


async def slow_reply(seconds):
    await asyncio.sleep(seconds)  # a server that answers late
    return "reply"


async def main():
    asyncio.current_task().set_name("main")
    start = time.perf_counter()
    try:
        async with asyncio.timeout(0.2):
            await slow_reply(5)
    except TimeoutError:
        print(f"asyncio.timeout: TimeoutError after {time.perf_counter() - start:.2f} s of the 5.00 s wait")

    start = time.perf_counter()
    task = asyncio.create_task(slow_reply(5), name="slow-reply")
    try:
        await asyncio.wait_for(task, timeout=0.2)
    except TimeoutError:
        print(f"wait_for: TimeoutError after {time.perf_counter() - start:.2f} s; "
              f"the task was cancelled: {task.cancelled()}")

    fast = asyncio.create_task(slow_reply(0.05), name="fast-reply")
    print(f"in time: {await asyncio.wait_for(fast, timeout=1)}")


asyncio.run(main())
