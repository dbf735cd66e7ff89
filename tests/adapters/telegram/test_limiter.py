"""The fleet's share of Telegram's overall limit, through PTB's own Bot against the fake Bot
API: each message to a chat waits for this process's share (the ceiling divided by the live
processes), read at each send, so it follows the fleet as processes come and go."""

from __future__ import annotations

import asyncio

from telegram.ext import AIORateLimiter, ExtBot

from bot.adapters.telegram._limiter import FleetRateLimiter
from bot.core.fleet import Fleet
from tests.adapters.telegram.fake_telegram import FakeTelegram

CEILING = 40.0  # messages per second, the bot token's


async def send(bot: ExtBot, fake: FakeTelegram, count: int) -> float:
    """Seconds between the first and the last of `count` messages sent at once."""
    start = len(fake.calls)
    await asyncio.gather(*(bot.send_message(chat_id=100 + i, text="hi") for i in range(count)))
    times = [c.at for c in fake.calls[start:] if c.method == "sendMessage"]
    assert len(times) == count
    return max(times) - min(times)


async def test_each_process_keeps_to_its_share_as_the_fleet_changes(fake: FakeTelegram):
    """Alone, a burst of the whole ceiling goes at once (PTB's limiter as before); with four
    live processes, a quarter of it: past a burst of 10, the next 20 take about 2 s. Calls to
    no chat never wait."""
    fleet = Fleet()
    limiter = FleetRateLimiter(
        AIORateLimiter(overall_max_rate=CEILING, overall_time_period=1, group_max_rate=0),
        fleet, overall_max_rate=CEILING, overall_time_period=1)
    async with ExtBot(fake.token, base_url=fake.base_url, rate_limiter=limiter) as bot:
        assert await send(bot, fake, 30) < 0.5
        await asyncio.sleep(1.0)  # PTB's bucket refills
        fleet.update(4)
        assert 1.6 <= await send(bot, fake, 30) <= 4.0
        # A call to no chat is not counted (as in PTB's limiter): ten go at once, where ten
        # messages would take a second.
        loop = asyncio.get_running_loop()
        began = loop.time()
        await asyncio.gather(*(bot.get_webhook_info() for _ in range(10)))
        assert loop.time() - began < 0.5
