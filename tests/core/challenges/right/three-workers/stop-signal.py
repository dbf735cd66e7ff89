import asyncio


async def handle(order):
    await asyncio.sleep(0.05)  # packing the order
    return f"order {order} packed"

async def worker(queue, results):
    while (order := await queue.get()) is not None:
        results[order] = await handle(order)

async def pack_all(orders):
    queue = asyncio.Queue(maxsize=5)
    results = {}
    workers = [asyncio.create_task(worker(queue, results), name=f"worker-{i}") for i in range(3)]
    for order in orders:
        await queue.put(order)
    for _ in workers:
        await queue.put(None)  # one stop signal per worker
    await asyncio.gather(*workers)
    return results

async def main():
    results = await pack_all(range(1, 7))
    print(len(results), "orders packed:", results.get(6))

asyncio.run(main())
