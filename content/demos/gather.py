"""gather: results come back in the order you passed the awaitables, not the order they finish;
the first error reaches the caller while the others keep running; return_exceptions=True
returns errors as values instead."""
import asyncio
import time

finished = []


async def job(name, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{name} failed")
    finished.append(name)
    return name


def tasks(*specs):
    # Named tasks, so the timeline reads "slow", "fast", not Task-2.
    return [asyncio.create_task(job(*spec), name=spec[0]) for spec in specs]


async def main():
    asyncio.current_task().set_name("main")
    start = time.perf_counter()
    results = await asyncio.gather(*tasks(("slow", 0.4), ("fast", 0.3)))
    wall = time.perf_counter() - start
    print(f"results: {results}; finished first: {finished[0]}")
    print(f"gather took {wall:.2f} s; one after another: {0.4 + 0.3:.2f} s")

    finished.clear()
    slow, bad = tasks(("slow", 0.4), ("bad", 0.1, True))
    try:
        await asyncio.gather(slow, bad)
    except ValueError as exc:
        print(f"first error reached the caller: {exc!r}; slow still running: {not slow.done()}")
    await slow
    print(f"slow finished anyway: {finished == ['slow']}")

    results = await asyncio.gather(*tasks(("slow", 0.2), ("bad", 0.1, True)), return_exceptions=True)
    print(f"with return_exceptions: {results}")


asyncio.run(main())
