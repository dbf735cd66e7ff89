import asyncio

def count_primes(limit):
    # Pure CPU work: no waiting anywhere, only calculation.
    count = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            count += 1
    return count

async def primes_below(limit):
    return count_primes(limit)

async def main():
    print("primes below 60000:", await primes_below(60_000))

asyncio.run(main())
