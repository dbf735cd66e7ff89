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
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    async with asyncio.TaskGroup() as tg:
        tg.create_task(worker("A", 0.1), name="A")
        tg.create_task(worker("B", 0.15), name="B")
    print(f"threads used by all tasks: {len(threads)}")


asyncio.run(main())
