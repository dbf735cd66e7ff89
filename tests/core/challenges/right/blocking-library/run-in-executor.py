import asyncio
import time


def read_report(name):
    time.sleep(0.3)
    return f"report {name}: ok"

async def fetch_report(name):
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, read_report, name)

async def main():
    reports = await asyncio.gather(*(fetch_report(n) for n in ["x", "y", "z"]))
    print(reports)

asyncio.run(main())
