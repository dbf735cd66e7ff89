import asyncio

async def brew(drink):
    await asyncio.sleep(0.3)
    return drink + " ready"

async def main():
    orders = [await brew(d) for d in ["chai", "coffee", "kahwa"]]
    print(orders)

asyncio.run(main())
