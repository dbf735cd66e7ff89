import asyncio
import time

def get_price():
    time.sleep(0.1)
    return 42

async def main():
    price = get_price()
    print("price is", price + 1)

asyncio.run(main())
