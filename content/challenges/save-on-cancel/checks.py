# Hidden checks of save-on-cancel (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


async def functions(h, mod):
    h.func(mod, "save_progress")
    download = h.func(mod, "download")
    saves = []

    async def other_save(name, done):  # a hidden variation: the grader's own disk
        await asyncio.sleep(0.01)
        saves.append((name, done))

    h.replace(mod, "save_progress", other_save)
    got, _ = await h.timed(download("song", 3), 2.0, "download('song', 3)")
    if got != 3:
        h.fail("result", got=repr(got))
    saves.clear()

    task = asyncio.create_task(download("album", 100))
    await asyncio.sleep(0.18)  # three chunks in, the fourth on its way
    task.cancel()
    try:
        await asyncio.wait_for(asyncio.shield(task), 2.0)
    except asyncio.CancelledError:
        pass
    except TimeoutError:
        h.fail("too-slow", what="download('album', 100) after cancel()", limit=2.0)
    if not task.cancelled():
        h.fail("swallowed", got=repr(task.result()) if task.exception() is None else repr(task.exception()))
    if len(saves) != 1 or saves[0][0] != "album" or not 1 <= saves[0][1] <= 4:
        h.fail("no-cleanup", got=repr(saves))

    saves.clear()
    try:  # the same through a timeout: it works only when the cancellation comes out
        async with asyncio.timeout(0.08):
            await download("clip", 100)
        h.fail("timeout-broken")
    except TimeoutError:
        pass
    lines = h.run.lines
    if "gave up" not in lines or not any(line.startswith("saved: {'movie': ") for line in lines):
        h.fail("output", got=" | ".join(lines[-2:]) or "(nothing)")
