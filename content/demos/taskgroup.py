"""TaskGroup: when one task fails, the group cancels its siblings, waits for them, and raises
an ExceptionGroup; except* picks the errors out of it by type."""
import asyncio
import time

log = []


async def sibling():
    try:
        await asyncio.sleep(2)  # would take 2 s
        log.append("sibling finished")
    except asyncio.CancelledError:
        log.append("sibling cancelled")
        raise  # let the cancellation finish


async def broken():
    await asyncio.sleep(0.1)
    raise ValueError("broken input")


async def main():
    asyncio.current_task().set_name("main")
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sibling(), name="sibling")
            tg.create_task(broken(), name="broken")
    except* ValueError as group:
        print(f"except* ValueError caught: {[str(e) for e in group.exceptions]}")
    print(f"group ended after {time.perf_counter() - start:.2f} s, the sibling wanted 2.00 s")
    print(f"sibling: {log}")

    async with asyncio.TaskGroup() as tg:  # nobody fails: it waits for every task
        a = tg.create_task(asyncio.sleep(0.1, result="a"), name="a")
        b = tg.create_task(asyncio.sleep(0.2, result="b"), name="b")
    print(f"all done inside the group: {a.result()}, {b.result()}")


asyncio.run(main())
