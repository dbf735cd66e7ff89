import asyncio


async def boil_water():
    await asyncio.sleep(0.8)
    return "paani garam"

async def make_toast():
    await asyncio.sleep(0.6)
    return "toast taiyaar"

async def main():
    water, toast = await asyncio.gather(boil_water(), make_toast())
    print(water, "|", toast)

with asyncio.Runner() as runner:
    runner.run(main())
