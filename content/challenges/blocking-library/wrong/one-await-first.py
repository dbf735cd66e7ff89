import asyncio
import time

def read_report(name):
    # A library call with no async version: it blocks while it waits for the disk.
    time.sleep(0.3)
    return f"report {name}: ok"

async def fetch_report(name):
    await asyncio.sleep(0)
    return read_report(name)

async def main():
    reports = await asyncio.gather(*(fetch_report(n) for n in ["x", "y", "z"]))
    print(reports)

asyncio.run(main())
