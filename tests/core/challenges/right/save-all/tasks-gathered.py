import asyncio


async def save(log, item):
    await asyncio.sleep(0.05)
    log.append(item)

async def main():
    log = []
    tasks = [asyncio.create_task(save(log, item)) for item in ["a", "b", "c"]]
    await asyncio.gather(*tasks)
    print(log)

asyncio.run(main())
