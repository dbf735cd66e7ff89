# Hidden checks of load-together (run in the sandbox by the harness; `h` is the harness).
import asyncio

MAIN_LIMIT_S = 4.0


def last(lines):
    return lines[-1] if lines else "(nothing)"


def first(h, run):
    if run.error is not None and run.error[0] in ("ExceptionGroup", "BaseExceptionGroup"):
        h.fail("group-uncaught", error=run.error[1])


def has(exc, kind):
    """True when `exc` is `kind`, or an exception group holding one (at any depth)."""
    if isinstance(exc, BaseExceptionGroup):
        return any(has(e, kind) for e in exc.exceptions)
    return isinstance(exc, kind)


async def functions(h, mod):
    h.func(mod, "get_user")
    h.func(mod, "get_posts")
    load_profile = h.func(mod, "load_profile")
    posts_state = []

    async def other_user(uid):  # a hidden variation: other names, another failure
        await asyncio.sleep(0.05 if uid == 13 else 0.3)
        if uid == 13:
            raise LookupError("user 13 is blocked")
        return {"id": uid, "name": f"member-{uid}"}

    async def other_posts(uid):
        posts_state.append("running")
        try:
            await asyncio.sleep(0.4 if uid == 13 else 0.3)
        except asyncio.CancelledError:
            posts_state.append("cancelled")
            raise
        posts_state.append("finished")
        return ["p"] * uid

    h.replace(mod, "get_user", other_user)
    h.replace(mod, "get_posts", other_posts)
    got, took = await h.timed(load_profile(3), 3.0, "load_profile(3)", nominal=0.3)
    if tuple(got) != ("member-3", 3):
        h.fail("result", got=repr(got))
    if not h.about(took, 0.3):
        h.fail("slow", took=took)

    posts_state.clear()
    error = None
    try:
        await h.timed(load_profile(13), 3.0, "load_profile(13)")
    except Exception as exc:
        error = exc
    if error is None or not has(error, LookupError):
        h.fail("error-lost", got=repr(error))
    await asyncio.sleep(0.05)  # a moment for a cancellation that was asked for but not awaited
    if "cancelled" not in posts_state:
        h.fail("sibling-left", state=" -> ".join(posts_state) or "never started")
    await asyncio.sleep(0.45)  # whatever was left running would finish by now
    lines = h.run.lines
    if "('user7', 2)" not in lines or not any(line.startswith("not loaded: no user 0") for line in lines):
        h.fail("output", got=" | ".join(lines[-2:]) or "(nothing)")
