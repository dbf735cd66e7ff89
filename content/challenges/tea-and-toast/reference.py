import asyncio

async def boil_water():
    await asyncio.sleep(0.8)
    return "paani garam"

async def make_toast():
    await asyncio.sleep(0.6)
    return "toast taiyaar"

async def main():
    kettle = asyncio.create_task(boil_water())  # the water boils from now on
    toast = await make_toast()
    water = await kettle
    print(water, "|", toast)

asyncio.run(main())
