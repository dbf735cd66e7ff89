import asyncio

busy = 0  # how many fetches are running right now
most = 0  # the most that ever ran at once

async def fetch(url):
    global busy, most
    busy += 1
    most = max(most, busy)
    await asyncio.sleep(0.1)  # the server answers
    busy -= 1
    return len(url)

async def fetch_all(urls):
    queue = asyncio.Queue()
    for i, url in enumerate(urls):
        queue.put_nowait((i, url))
    sizes = [None] * len(urls)

    async def worker():
        while not queue.empty():
            i, url = queue.get_nowait()
            sizes[i] = await fetch(url)

    async with asyncio.TaskGroup() as tg:
        for _ in range(3):
            tg.create_task(worker())
    return sizes

async def main():
    urls = [f"https://example.com/page/{i}" for i in range(9)]
    sizes = await fetch_all(urls)
    print(len(sizes), "pages, at most", most, "at once")

asyncio.run(main())
