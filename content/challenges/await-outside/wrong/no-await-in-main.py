import asyncio

async def greet(name):
    await asyncio.sleep(0.1)
    print("namaste", name)

async def main():
    greet("duniya")

asyncio.run(main())
