"""Cancellation: task.cancel() raises CancelledError inside the task at the await where it
waits; its finally blocks run; whoever awaits it then gets CancelledError too."""
import asyncio
import time


async def download():
    try:
        await asyncio.sleep(10)  # a long download
    except asyncio.CancelledError:
        print("download: CancelledError raised at its await")
        raise  # re-raise: swallowing it would hide the cancel from everyone
    finally:
        print("download: cleanup in finally ran")


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        pass  # swallowed: the task looks as if it finished normally
    return "pretends all is well"


async def main():
    asyncio.current_task().set_name("main")
    start = time.perf_counter()
    task = asyncio.create_task(download(), name="download")
    await asyncio.sleep(0.1)
    task.cancel()  # only a request: it lands at the task's next await
    try:
        await task
    except asyncio.CancelledError:
        print(f"caller: awaiting it raised CancelledError after {time.perf_counter() - start:.2f} s of 10.00 s")
    print(f"task.cancelled(): {task.cancelled()}")

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0.1)
    task.cancel()
    print(f"swallowed: result {await task!r}, task.cancelled(): {task.cancelled()}")


asyncio.run(main())
