"""Blocking calls off the loop: asyncio.to_thread runs a blocking function in a thread, and
run_in_executor with a ProcessPoolExecutor runs CPU work in another process; either way the
loop's heartbeat keeps beating. Called directly, the same blocking call silences it."""
import asyncio
import time
from concurrent.futures import ProcessPoolExecutor

beats = 0


async def heartbeat():
    global beats
    while True:
        await asyncio.sleep(0.1)  # asks to beat 10 times a second
        beats += 1


def blocking_read():
    time.sleep(1)  # a blocking library call (file, old driver, requests ...)
    return "data"


def crunch(n):
    return sum(i * i for i in range(n))  # CPU work, run in another process


async def count_beats(label, work):
    global beats
    hb = asyncio.create_task(heartbeat(), name="heartbeat")
    await asyncio.sleep(0)
    beats = 0
    start = time.perf_counter()
    await work()
    wall = time.perf_counter() - start
    hb.cancel()
    print(f"{label}: {beats} beats in {wall:.2f} s")


async def main():
    asyncio.current_task().set_name("main")

    async def direct():
        blocking_read()  # blocks the loop: no await can run meanwhile

    async def in_thread():
        await asyncio.to_thread(blocking_read)

    async def in_process():
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor(max_workers=1) as pool:
            await loop.run_in_executor(pool, crunch, 20_000_000)

    await count_beats("called directly", direct)
    await count_beats("asyncio.to_thread", in_thread)
    await count_beats("process pool", in_process)


asyncio.run(main())
