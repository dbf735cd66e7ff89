import asyncio
from concurrent.futures import ProcessPoolExecutor


def burn(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total

async def burn_all(sizes):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor() as pool:
        futures = [loop.run_in_executor(pool, burn, n) for n in sizes]
        return [await f for f in futures]

async def main():
    print(await burn_all([1_000_000, 1_000_000]))

asyncio.run(main())
