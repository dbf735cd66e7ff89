await asyncio.sleep(1)
print(
