# Hidden checks of keep-a-reference (run in the sandbox by the harness; `h` is the harness).
import asyncio
import gc
import weakref

MAIN_LIMIT_S = 4.0
DESTROYED = "Task was destroyed but it is pending"


def last(lines):
    return lines[-1] if lines else "(nothing)"


def program(h, run):
    if "['asha', 'ravi']" not in run.lines:
        if any(DESTROYED in line for line in run.lines):
            h.fail("vanished", got=last([line for line in run.lines if line.startswith("[")]))
        h.fail("output", got=last(run.lines))


async def functions(h, mod):
    start_send = h.func(mod, "start_send", coroutine=False)
    h.func(mod, "send")
    waiting = weakref.WeakSet()  # as the starter's server: nobody else holds the replies
    tasks = []  # weak references: whether the sends are let go once they are done

    async def other_send(user, log):  # a hidden variation: other users, another reply
        tasks.append(weakref.ref(asyncio.current_task()))
        reply = asyncio.get_running_loop().create_future()
        waiting.add(reply)
        await reply
        log.append(f"{user}:{reply.result()}")

    h.replace(mod, "send", other_send)
    log = []
    for user in ("u1", "u2", "u3"):
        start_send(user, log)  # whatever it returns is dropped here, as main drops it
    await asyncio.sleep(0.02)
    if len(tasks) != 3:
        h.fail("not-started", started=len(tasks))
    gc.collect()
    for reply in list(waiting):
        reply.set_result("sent")
    await asyncio.sleep(0.02)
    if sorted(log) != ["u1:sent", "u2:sent", "u3:sent"]:
        h.fail("vanished", got=sorted(log))
    await asyncio.sleep(0.01)
    gc.collect()
    kept = sum(1 for ref in tasks if ref() is not None)
    if kept:
        h.fail("never-let-go", kept=kept)
