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
    limit = asyncio.Semaphore(3)

    async def one(url):
        async with limit:  # at most 3 inside at once; the rest wait here
            return await fetch(url)

    return await asyncio.gather(*(one(url) for url in urls))

async def main():
    urls = [f"https://example.com/page/{i}" for i in range(9)]
    sizes = await fetch_all(urls)
    print(len(sizes), "pages, at most", most, "at once")

asyncio.run(main())
