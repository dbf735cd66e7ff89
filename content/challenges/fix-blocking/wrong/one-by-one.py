import asyncio

async def fetch(i):
    await asyncio.sleep(1)
    return i * 10

async def main():
    results = []
    for i in range(3):
        results.append(await fetch(i))
    print(results)

asyncio.run(main())
