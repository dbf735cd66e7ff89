import asyncio

DELAYS = {"fast-shop": 0.05, "slow-shop": 1.0}

async def fetch(shop):
    await asyncio.sleep(DELAYS[shop])  # the shop's server answers, sooner or later
    return len(shop) * 10

async def price_or_none(shop):
    task = asyncio.create_task(fetch(shop))
    done, pending = await asyncio.wait({task}, timeout=0.2)
    return task.result() if done else None

async def main():
    prices = {shop: await price_or_none(shop) for shop in DELAYS}
    print(prices)

asyncio.run(main())
