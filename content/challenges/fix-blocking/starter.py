import asyncio
import time

async def fetch(i):
    time.sleep(1)  # a slow network call
    return i * 10

async def main():
    results = await asyncio.gather(*(fetch(i) for i in range(3)))
    print(results)

asyncio.run(main())
