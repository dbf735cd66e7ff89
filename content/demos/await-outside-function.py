"""`await` outside a function: the real SyntaxError, then the main() fix."""
import asyncio

WRONG = "import asyncio\nawait asyncio.sleep(1)\n"
print("wrong.py:")
print(WRONG)
try:
    compile(WRONG, "wrong.py", "exec")  # Python refuses the file before running any of it
except SyntaxError as err:
    print(f"SyntaxError: {err.msg} (wrong.py, line {err.lineno})")


async def main():  # the fix: await lives inside an async function ...
    asyncio.current_task().set_name("main")  # names, not Task-1, in the timeline
    await asyncio.sleep(0.1)
    print("inside main(): the await works")


asyncio.run(main())  # ... and asyncio.run starts it
