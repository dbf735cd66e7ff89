import asyncio
import functools
import time
from concurrent.futures import ProcessPoolExecutor


def read_photo(path):
    # A library call with no async version: it blocks while the disk reads.
    time.sleep(0.2)
    return path.encode() * 1000

def shrink(data, factor):
    # Pure calculation: no waiting, only work for the CPU.
    total = 0
    for byte in data[::factor]:
        total = (total * 31 + byte) % 1_000_003
    return total

async def thumbnail(path, factor, pool):
    data = await asyncio.to_thread(read_photo, path)  # blocking I/O: a thread
    loop = asyncio.get_running_loop()
    # CPU work: the process pool; it gets the function and its arguments by pickling.
    return await loop.run_in_executor(pool, functools.partial(shrink, data, factor))

async def main():
    with ProcessPoolExecutor(max_workers=2) as pool:
        print("thumbnail:", await thumbnail("cat.jpg", 4, pool))

if __name__ == "__main__":
    asyncio.run(main())
