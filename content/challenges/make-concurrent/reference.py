import asyncio

async def download(name, seconds):
    await asyncio.sleep(seconds)
    return name.upper()

async def main():
    a, b, c = await asyncio.gather(download("a", 0.5), download("b", 0.5), download("c", 0.5))
    print([a, b, c])

asyncio.run(main())
