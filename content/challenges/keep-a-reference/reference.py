import asyncio
import gc
import weakref

waiting = weakref.WeakSet()  # the mail server keeps only weak references to pending replies
background = set()  # strong references to the sends still running

async def send(user, log):
    reply = asyncio.get_running_loop().create_future()
    waiting.add(reply)
    await reply  # until the server replies
    log.append(user)

def start_send(user, log):
    task = asyncio.create_task(send(user, log), name=f"send-{user}")
    background.add(task)
    task.add_done_callback(background.discard)  # let go of it once it is done

async def main():
    log = []
    for user in ["asha", "ravi"]:
        start_send(user, log)
    await asyncio.sleep(0.01)
    gc.collect()  # the garbage collector may run at any moment; here it runs now
    for reply in list(waiting):
        reply.set_result("ok")  # the server replies
    await asyncio.sleep(0.01)
    print(sorted(log))

asyncio.run(main())
