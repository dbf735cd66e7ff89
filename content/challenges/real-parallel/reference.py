import asyncio
from concurrent.futures import ProcessPoolExecutor

def burn(n):
    # Pure Python calculation.
    total = 0
    for i in range(n):
        total += i % 7
    return total

async def burn_all(sizes):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=2) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, burn, n) for n in sizes))

async def main():
    print(await burn_all([1_000_000, 1_000_000]))

if __name__ == "__main__":
    asyncio.run(main())
