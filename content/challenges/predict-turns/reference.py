# Predict first: which lines does main() print, in which order? Write them in PREDICTION,
# then run the program and compare.
import asyncio

async def worker(name):
    print(name, "start")
    await asyncio.sleep(0)
    print(name, "end")

async def main():
    await asyncio.gather(worker("a"), worker("b"))

PREDICTION = [
    "a start",
    "b start",
    "a end",
    "b end",
]

asyncio.run(main())
