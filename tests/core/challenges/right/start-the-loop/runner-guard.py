import asyncio


async def count_down(n):
    for i in range(n, 0, -1):
        print(i)
        await asyncio.sleep(0.1)
    print("liftoff")

async def main():
    await count_down(3)

if __name__ == "__main__":
    with asyncio.Runner() as runner:
        runner.run(main())
