import asyncio
import time

async def heartbeat(beats):
    while True:
        beats.append(time.monotonic())
        await asyncio.sleep(0.05)

async def crunch(n):
    await asyncio.sleep(0)
    return (n - 1) * n * (2 * n - 1) // 6

async def main():
    beats = []
    hb = asyncio.create_task(heartbeat(beats))
    result = await crunch(10_000_000)
    hb.cancel()
    print(result, "beats", len(beats))

asyncio.run(main())
