"""async with and async for: the setup, the cleanup and each next item may await, and those
awaits are where other tasks get their turn. __aexit__ runs even when the body raises."""
import asyncio

beats = 0


async def heartbeat():
    global beats
    while True:
        await asyncio.sleep(0.05)
        beats += 1


class Connection:
    """An async context manager: opening and closing a connection both wait on the network."""

    async def __aenter__(self):
        await asyncio.sleep(0.1)  # connect
        print("connection opened")
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await asyncio.sleep(0.1)  # say goodbye to the server
        print(f"connection closed (the body raised {exc_type.__name__ if exc_type else 'nothing'})")
        return False  # do not swallow the error


async def rows():
    """An async generator: each row arrives after a network wait."""
    for i in range(5):
        await asyncio.sleep(0.1)
        yield i


async def main():
    global beats
    asyncio.current_task().set_name("main")
    hb = asyncio.create_task(heartbeat(), name="heartbeat")
    async with Connection():
        beats = 0
        got = [row async for row in rows()]
        print(f"rows {got}; heartbeat beat {beats} times during the async for")
    try:
        async with Connection():
            raise ValueError("bad row")
    except ValueError:
        print("the ValueError still reached the caller")
    hb.cancel()


asyncio.run(main())
