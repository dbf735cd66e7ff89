import asyncio

async def download(name, seconds):
    await asyncio.sleep(seconds)
    return name.upper()

async def main():
    await asyncio.gather(download("a", 0.5), download("b", 0.5), download("c", 0.5))
    print(["A", "B", "C"])

asyncio.run(main())
