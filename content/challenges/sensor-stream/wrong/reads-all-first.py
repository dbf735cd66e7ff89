import asyncio

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

class Session:
    """async with Session(sensor): connected inside, closed after."""

    def __init__(self, sensor):
        self.sensor = sensor

    async def __aenter__(self):
        await self.sensor.connect()
        return self.sensor

    async def __aexit__(self, exc_type, exc, tb):
        await self.sensor.close()  # runs even when the body raised: always close

async def readings(sensor):
    """async for value in readings(sensor): each value as it arrives."""
    values = []
    while (value := await sensor.read()) is not None:
        values.append(value)
    for value in values:
        yield value

async def main():
    sensor = Sensor([21, 23, 22])
    async with Session(sensor) as s:
        async for value in readings(s):
            print("temperature", value)
    print("connected:", sensor.connected)

asyncio.run(main())
