"""Starvation: a loop without await silences a heartbeat task; giving control back revives it."""
import asyncio
import time

beats = []


async def heartbeat():
    while True:
        beats.append(time.perf_counter())
        await asyncio.sleep(0.1)  # wants to beat 10 times a second


def crunch(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass  # CPU work: no await anywhere in here


async def greedy():
    crunch(1.0)  # 1 s without a single await


async def polite():
    for _ in range(20):
        crunch(0.05)
        await asyncio.sleep(0)  # give control back to the event loop


async def beats_during(worker):
    task = asyncio.create_task(heartbeat(), name="heartbeat")
    await asyncio.sleep(0.05)
    beats.clear()
    await worker()
    task.cancel()
    return len(beats)


async def main():
    print(f"heartbeats during 1 s of work without await: {await beats_during(greedy)}")
    print(f"heartbeats during 1 s of work with await:    {await beats_during(polite)}")


asyncio.run(main())
