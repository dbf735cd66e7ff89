import asyncio
import gc
import weakref

waiting = weakref.WeakSet()  # the mail server keeps only weak references to pending replies

async def send(user, log):
    reply = asyncio.get_running_loop().create_future()
    waiting.add(reply)
    await reply  # until the server replies
    log.append(user)

def start_send(user, log):
    asyncio.create_task(send(user, log))  # fire and forget

async def main():
    log = []
    for user in ["asha", "ravi"]:
        start_send(user, log)
    await asyncio.sleep(0.01)
    for reply in list(waiting):
        reply.set_result("ok")  # the server replies
    await asyncio.sleep(0.01)
    print(sorted(log))

asyncio.run(main())
