import asyncio


async def brew(drink):
    await asyncio.sleep(0.3)
    return drink + " ready"

async def main():
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(brew(d)) for d in ["chai", "coffee", "kahwa"]]
    print([t.result() for t in tasks])

if __name__ == "__main__":
    asyncio.run(main())
