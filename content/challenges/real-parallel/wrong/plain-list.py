import asyncio

def burn(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total

async def burn_all(sizes):
    return [burn(n) for n in sizes]

async def main():
    print(await burn_all([1_000_000, 1_000_000]))

asyncio.run(main())
