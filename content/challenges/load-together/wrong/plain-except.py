import asyncio

async def get_user(uid):
    await asyncio.sleep(0.1)  # the users service
    if uid <= 0:
        raise LookupError(f"no user {uid}")
    return {"id": uid, "name": f"user{uid}"}

async def get_posts(uid):
    await asyncio.sleep(0.3)  # the posts service: slower
    return [f"post {uid}.1", f"post {uid}.2"]

async def load_profile(uid):
    async with asyncio.TaskGroup() as tg:
        user = tg.create_task(get_user(uid), name="user")
        posts = tg.create_task(get_posts(uid), name="posts")
    return user.result()["name"], len(posts.result())

async def main():
    print(await load_profile(7))
    try:
        await load_profile(0)
    except LookupError as err:
        print("not loaded:", err)

asyncio.run(main())
