import asyncio

async def make_tea():
    print("chai ban rahi hai")
    return "chai"

async def main():
    cup = make_tea()
    print("order ho gaya")
    print(await cup)

PREDICTION = [
    "order ho gaya",
    "chai",
]

asyncio.run(main())
