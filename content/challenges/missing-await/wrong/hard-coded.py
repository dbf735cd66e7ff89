import asyncio

async def get_price():
    await asyncio.sleep(0.1)
    return 42

async def main():
    await get_price()
    print("price is", 43)

asyncio.run(main())
