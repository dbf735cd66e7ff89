import asyncio

async def fetch(i):
    asyncio.sleep(1)
    return i * 10

async def main():
    results = await asyncio.gather(*(fetch(i) for i in range(3)))
    print(results)

asyncio.run(main())
