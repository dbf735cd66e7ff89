import asyncio

async def brew(drink):
    await asyncio.sleep(0.3)  # waiting for the kettle, and the loop is free meanwhile
    return drink + " ready"

async def main():
    orders = await asyncio.gather(*(brew(d) for d in ["chai", "coffee", "kahwa"]))
    print(orders)

asyncio.run(main())
