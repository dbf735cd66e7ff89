import asyncio

async def download(name, seconds):
    await asyncio.sleep(seconds)
    return name.upper()

async def main():
    a = await asyncio.create_task(download("a", 0.5))
    b = await asyncio.create_task(download("b", 0.5))
    c = await asyncio.create_task(download("c", 0.5))
    print([a, b, c])

asyncio.run(main())
