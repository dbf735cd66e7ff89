import asyncio

async def worker(name):
    print(name, "start")
    await asyncio.sleep(0)
    print(name, "end")

async def main():
    await asyncio.gather(worker("a"), worker("b"))

PREDICTION = [
    "a start",
    "b start",
    "b end",
    "a end",
]

asyncio.run(main())
