"""The event loop: one thread; tasks switch only at await."""
import asyncio
import threading

threads = set()


async def worker(name, pause):
    for step in range(3):
        threads.add(threading.get_ident())
        print(f"{name} step {step}")
        await asyncio.sleep(pause)  # the only place where the loop may switch tasks


async def main():
    await asyncio.gather(worker("A", 0.1), worker("B", 0.15))
    print(f"threads used by all tasks: {len(threads)}")


asyncio.run(main())
