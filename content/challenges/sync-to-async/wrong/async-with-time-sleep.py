import asyncio
import time

async def brew(drink):
    time.sleep(0.3)
    return drink + " ready"

async def main():
    orders = await asyncio.gather(*(brew(d) for d in ["chai", "coffee", "kahwa"]))
    print(orders)

asyncio.run(main())
