"""Semaphore: at most N holders at once. Ten jobs under Semaphore(3) never run more than three
at a time, so they take about four rounds instead of one."""
import asyncio
import time

running = 0
peak = 0


async def fetch(i, limit):
    global running, peak
    async with limit:  # waits here while 3 others hold it
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.2)  # the request itself
        running -= 1
    return i


async def run_all(limit):
    global peak
    peak = 0
    start = time.perf_counter()
    jobs = [asyncio.create_task(fetch(i, limit), name=f"fetch-{i}") for i in range(10)]
    await asyncio.gather(*jobs)
    return time.perf_counter() - start


async def main():
    asyncio.current_task().set_name("main")
    wall = await run_all(asyncio.Semaphore(3))
    print(f"Semaphore(3): at most {peak} at once, 10 jobs took {wall:.2f} s")
    wall = await run_all(asyncio.Semaphore(10))
    print(f"no real bound: at most {peak} at once, 10 jobs took {wall:.2f} s")


asyncio.run(main())
