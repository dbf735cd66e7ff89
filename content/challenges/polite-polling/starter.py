import asyncio
import time

async def wait_until(is_ready):
    while not is_ready():
        time.sleep(0.05)  # look again a little later

async def main():
    start = time.monotonic()
    await wait_until(lambda: time.monotonic() - start > 0.3)
    print("ready after", round(time.monotonic() - start, 1), "s")

asyncio.run(main())
