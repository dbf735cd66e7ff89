# Predict first: which lines does main() print, in which order? Write them in PREDICTION,
# then run the program and compare.
import asyncio

async def make_tea():
    print("chai ban rahi hai")
    return "chai"

async def main():
    cup = make_tea()
    print("order ho gaya")
    print(await cup)

PREDICTION = [
    "chai ban rahi hai",
    "order ho gaya",
    "chai",
]

asyncio.run(main())
