"""`await time.sleep(1)` is wrong: time.sleep returns None, and None cannot be awaited."""
import asyncio
import time


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    await asyncio.sleep(0.1)  # correct: asyncio.sleep gives back something awaitable
    print("await asyncio.sleep(0.1): works")
    print("await time.sleep(0.1): ...")
    await time.sleep(0.1)  # wrong: blocks, then tries to await None


asyncio.run(main())
