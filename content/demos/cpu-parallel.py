"""CPU-bound work: asyncio gives concurrency but no speed-up; a process pool runs in parallel."""
import asyncio
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor

N = 10_000_000
JOBS = 4


def crunch(n):
    total = 0
    for i in range(n):  # pure CPU: nothing to wait for, so nothing to await
        total += i * i
    return total


def cpu_seconds():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # finished pool workers
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


async def with_asyncio():
    async def job():
        return crunch(N)

    jobs = [asyncio.create_task(job(), name=f"crunch-{n}") for n in range(1, JOBS + 1)]
    await asyncio.gather(*jobs)  # one thread takes turns


async def with_processes():
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=2) as pool:  # 2 processes, 2 cores
        await asyncio.gather(*(loop.run_in_executor(pool, crunch, N) for _ in range(JOBS)))


async def measure(label, run):
    wall, cpu = time.perf_counter(), cpu_seconds()
    await run()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"{label}: wall {wall:.2f} s, cpu {cpu:.2f} s, cpu/wall {cpu / wall:.2f}")


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    print(f"{JOBS} CPU jobs, {os.cpu_count()} cores")
    await measure("asyncio  ", with_asyncio)
    await measure("processes", with_processes)


asyncio.run(main())
