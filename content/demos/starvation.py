"""Starvation: code that never awaits (a busy `while` loop) silences a heartbeat task; giving
control back between chunks of work revives it, though late."""
import asyncio
import time

beats = []


async def heartbeat():
    while True:
        beats.append(time.perf_counter())
        await asyncio.sleep(0.1)  # asks to beat 10 times a second


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
    # Why ~5 beats and not 10: when the heartbeat's timer comes due, this task's next chunk is
    # already queued ahead of it, and the due timer only wakes the heartbeat for the turn after
    # that, behind one more chunk. Each beat comes ~2 chunks (0.1 s) late: one every ~0.2 s.


async def beats_during(worker):
    hb = asyncio.create_task(heartbeat(), name="heartbeat")
    await asyncio.sleep(0.05)
    beats.clear()
    await asyncio.create_task(worker(), name="crunch")
    hb.cancel()
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    return len(beats), sum(gaps) / len(gaps) if gaps else 0.0


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    count, _ = await beats_during(greedy)
    print(f"heartbeats during 1 s of work without await: {count}")
    count, gap = await beats_during(polite)
    print(f"heartbeats during 1 s of work with await:    {count}, one every {gap:.2f} s (asked: 0.10 s)")


asyncio.run(main())
