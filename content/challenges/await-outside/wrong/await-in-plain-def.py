import asyncio

async def greet(name):
    await asyncio.sleep(0.1)
    print("namaste", name)

def main():
    await greet("duniya")

main()
