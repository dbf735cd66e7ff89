"""Calling an async def function does not run it: it makes a coroutine object."""
import asyncio


async def greet():
    print("hello from inside greet()")
    return 42


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    result = greet()  # no await: the body does not run, we only get a coroutine
    print(f"greet() without await gave: a {type(result).__name__} object, nothing printed")
    del result  # the last reference: it is garbage-collected now, and only then Python warns
    value = await greet()  # with await the body runs
    print(f"await greet() gave: {value}")


asyncio.run(main())
