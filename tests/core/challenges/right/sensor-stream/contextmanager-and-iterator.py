import asyncio
import contextlib


class Sensor:
    """The sensor's library (leave it as it is): connect, read until None, close."""

    def __init__(self, values, delay=0.05):
        self.values = list(values)
        self.delay = delay
        self.connected = False

    async def connect(self):
        await asyncio.sleep(0.01)
        self.connected = True

    async def read(self):
        await asyncio.sleep(self.delay)  # the next value arrives over the wire
        return self.values.pop(0) if self.values else None

    async def close(self):
        await asyncio.sleep(0.01)
        self.connected = False

@contextlib.asynccontextmanager
async def Session(sensor):
    await sensor.connect()
    try:
        yield sensor
    finally:
        await sensor.close()

class readings:
    def __init__(self, sensor):
        self.sensor = sensor

    def __aiter__(self):
        return self

    async def __anext__(self):
        value = await self.sensor.read()
        if value is None:
            raise StopAsyncIteration
        return value

async def main():
    sensor = Sensor([21, 23, 22])
    async with Session(sensor) as s:
        async for value in readings(s):
            print("temperature", value)
    print("connected:", sensor.connected)

asyncio.run(main())
