"""Turns: a burst of callers starts one per event-loop iteration, in arrival order."""

from __future__ import annotations

import asyncio

from bot.core.turns import Turns


async def _iterations(counter: list[int]) -> None:
    """Counts loop iterations: one sleep(0) step per iteration."""
    while True:
        counter[0] += 1
        await asyncio.sleep(0)


async def test_a_burst_starts_one_per_iteration_in_order() -> None:
    turns, counter, started = Turns(), [0], []
    ticker = asyncio.create_task(_iterations(counter))
    await asyncio.sleep(0)

    async def command(n: int) -> None:
        await turns.turn()
        started.append((n, counter[0]))

    await asyncio.gather(*(command(n) for n in range(6)))
    ticker.cancel()
    assert [n for n, _ in started] == list(range(6))  # first come, first served
    at = [i for _, i in started]
    assert len(set(at)) == 6  # each in an iteration of its own (together, they would share one)
    assert turns.waiting == 0


async def test_a_cancelled_waiter_gives_up_its_turn() -> None:
    turns, started = Turns(), []

    async def command(n: int) -> None:
        await turns.turn()
        started.append(n)

    tasks = [asyncio.create_task(command(n)) for n in range(3)]
    await asyncio.sleep(0)  # all three are waiting now
    tasks[1].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert started == [0, 2]
    await asyncio.wait_for(command(9), 1)  # and later callers still get theirs
    assert started == [0, 2, 9]
