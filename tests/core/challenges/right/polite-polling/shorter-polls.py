import asyncio
import time


async def wait_until(is_ready):
    while True:
        if is_ready():
            return
        await asyncio.sleep(0.02)

async def main():
    start = time.monotonic()
    await wait_until(lambda: time.monotonic() - start > 0.3)
    print("ready after", round(time.monotonic() - start, 1), "s")

asyncio.run(main())
