"""I/O-bound work: 100 waits of 0.5 s overlap, so they take about 0.5 s in all, not 50 s."""
import asyncio
import time

N = 100
WAIT = 0.5


async def fake_download(i):
    await asyncio.sleep(WAIT)  # waiting on the network: the CPU has nothing to do
    return i


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    start = time.perf_counter()
    downloads = [asyncio.create_task(fake_download(i), name=f"download-{i}") for i in range(N)]
    done = await asyncio.gather(*downloads)
    wall = time.perf_counter() - start
    print(f"{len(done)} downloads of {WAIT} s, waiting together: {wall:.2f} s")
    print(f"one after another they would take: {N * WAIT:.2f} s")


asyncio.run(main())
