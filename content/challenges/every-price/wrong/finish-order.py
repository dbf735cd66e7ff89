import asyncio

PRICES = {"chai": 20, "samosa": 15}

async def fetch_price(item):
    await asyncio.sleep(0.2)  # asking the shop's server
    if item not in PRICES:
        raise KeyError(item)
    return PRICES[item]

async def all_prices(items):
    prices = []
    for next_done in asyncio.as_completed([fetch_price(item) for item in items]):
        try:
            prices.append(await next_done)
        except KeyError:
            prices.append(None)
    return prices

async def main():
    print(await all_prices(["chai", "pizza", "samosa"]))

asyncio.run(main())
