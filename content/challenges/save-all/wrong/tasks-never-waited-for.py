import asyncio

async def save(log, item):
    await asyncio.sleep(0.05)  # writing to the database
    log.append(item)

async def main():
    log = []
    for item in ["a", "b", "c"]:
        asyncio.create_task(save(log, item))
    print(log)

asyncio.run(main())
