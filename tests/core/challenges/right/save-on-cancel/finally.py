import asyncio

saved = {}

async def save_progress(name, done):
    await asyncio.sleep(0.01)  # writing to the disk
    saved[name] = done

async def download(name, chunks):
    done = 0
    finished = False
    try:
        for _ in range(chunks):
            await asyncio.sleep(0.05)  # one chunk over the network
            done += 1
        finished = True
    finally:
        if not finished:
            await save_progress(name, done)
    return done

async def main():
    try:
        async with asyncio.timeout(0.12):
            await download("movie", 10)
        print("downloaded")
    except TimeoutError:
        print("gave up")
    print("saved:", saved)

asyncio.run(main())
