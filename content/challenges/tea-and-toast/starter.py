import asyncio

async def boil_water():
    await asyncio.sleep(0.8)
    return "paani garam"

async def make_toast():
    await asyncio.sleep(0.6)
    return "toast taiyaar"

async def main():
    water = await boil_water()
    toast = await make_toast()
    print(water, "|", toast)

asyncio.run(main())
