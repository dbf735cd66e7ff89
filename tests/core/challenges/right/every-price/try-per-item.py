import asyncio

PRICES = {"chai": 20, "samosa": 15}

async def fetch_price(item):
    await asyncio.sleep(0.2)  # asking the shop's server
    if item not in PRICES:
        raise KeyError(item)
    return PRICES[item]

async def price_or_none(item):
    try:
        return await fetch_price(item)
    except KeyError:
        return None

async def all_prices(items):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(price_or_none(item)) for item in items]
    return [task.result() for task in tasks]

async def main():
    print(await all_prices(["chai", "pizza", "samosa"]))

asyncio.run(main())
