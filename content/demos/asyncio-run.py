"""asyncio.run(): the button that starts the event loop (and why it is pressed only once)."""
import asyncio

try:
    asyncio.get_running_loop()
except RuntimeError as err:
    print(f"before asyncio.run: {err}")


async def main():
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    loop = asyncio.get_running_loop()
    print(f"inside main(): a running {type(loop).__name__}")
    inner = asyncio.sleep(0)
    try:
        asyncio.run(inner)  # a second start button inside a running loop
    except RuntimeError as err:
        inner.close()
        print(f"asyncio.run inside main(): {err}")
    return "done"


print(f"asyncio.run(main()) returned: {asyncio.run(main())}")
