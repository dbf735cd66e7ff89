"""Queue: a producer puts work in, consumers take it out; maxsize makes a fast producer wait
for the consumers, and join() waits until every item was marked done."""
import asyncio
import time

WORK = 0.1  # one item's processing time
ITEMS = 12
done = []
most = 0


async def producer(queue):
    global most
    for i in range(ITEMS):
        await queue.put(i)  # waits while the queue is full (maxsize)
        most = max(most, queue.qsize())


async def consumer(name, queue):
    while True:
        item = await queue.get()
        await asyncio.sleep(WORK)  # process it
        done.append(item)
        queue.task_done()  # join() counts these


async def main():
    asyncio.current_task().set_name("main")
    queue = asyncio.Queue(maxsize=4)
    start = time.perf_counter()
    consumers = [asyncio.create_task(consumer(f"consumer-{n}", queue), name=f"consumer-{n}")
                 for n in range(3)]
    await asyncio.create_task(producer(queue), name="producer")
    await queue.join()  # every item taken and marked done
    wall = time.perf_counter() - start
    for c in consumers:
        c.cancel()  # they loop forever: stop them once the work is done
    print(f"processed {len(done)} of {ITEMS} items; at most {most} waiting in the queue (maxsize 4)")
    print(f"3 consumers took {wall:.2f} s; one consumer would take {ITEMS * WORK:.2f} s")


asyncio.run(main())
