"""The gate: a slot cap, a bounded queue with positions, 'busy' when full, per-user cooldown."""

import asyncio
from dataclasses import replace

import pytest

from bot.sandbox import Busy, CoolingDown, Queued, RunResult, Sandbox
from tests.sandbox.fixtures import require, test_config

SLOW = "import time\ntime.sleep(0.8)\nprint('slow done')"


async def collect(sandbox: Sandbox, code: str, **kw) -> list:
    return [event async for event in sandbox.submit(code, **kw)]


async def test_runs_beyond_the_slots_wait_in_line_and_are_told_their_place():
    """With one slot, the second run is queued at position 1, then runs."""
    async with Sandbox.open(replace(test_config(), concurrency=1, queue=2)) as sb:
        require(sb)
        first = asyncio.create_task(collect(sb, SLOW))
        await asyncio.sleep(0.2)
        second = await collect(sb, "print('second')")
        assert second[0] == Queued(1)
        assert isinstance(second[1], RunResult) and second[1].output == "second\n"
        assert (await first)[0].output == "slow done\n"


async def test_a_full_queue_says_busy_with_a_retry_time():
    """One slot and a queue of one: the third concurrent run is refused with a retry time."""
    async with Sandbox.open(replace(test_config(), concurrency=1, queue=1)) as sb:
        require(sb)
        first = asyncio.create_task(collect(sb, SLOW))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(collect(sb, SLOW))
        await asyncio.sleep(0.1)
        with pytest.raises(Busy) as busy:
            await collect(sb, "print(3)")
        assert busy.value.retry_after >= 1
        await asyncio.gather(first, second)
        assert (await collect(sb, "print(4)"))[-1].output == "4\n"  # free again


async def test_cooldown_applies_per_user():
    """A user's second run within the cooldown is refused; another user is not affected."""
    async with Sandbox.open(replace(test_config(), cooldown_s=30)) as sb:
        require(sb)
        await collect(sb, "print(1)", user_key="test:alice")
        with pytest.raises(CoolingDown) as cooling:
            await collect(sb, "print(1)", user_key="test:alice")
        assert 1 <= cooling.value.retry_after <= 30
        assert (await collect(sb, "print(2)", user_key="test:bob"))[-1].output == "2\n"


async def test_a_cancelled_waiter_gives_its_place_back():
    """Cancelling a queued run removes it from the line; the slot count stays right."""
    async with Sandbox.open(replace(test_config(), concurrency=1, queue=1)) as sb:
        require(sb)
        first = asyncio.create_task(collect(sb, SLOW))
        await asyncio.sleep(0.2)
        waiting = asyncio.create_task(collect(sb, "print('never')"))
        await asyncio.sleep(0.1)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await first
        assert (await collect(sb, "print('next')")) [-1].output == "next\n"


async def test_a_cancelled_run_leaves_nothing_running():
    """Cancelling a run in progress (as at shutdown) kills its whole sandbox."""
    from tests.sandbox.fixtures import leftovers, sandbox_group, uid_pids

    before = uid_pids()
    async with Sandbox.open(test_config()) as sb:
        require(sb)
        group = sandbox_group(sb)
        task = asyncio.create_task(sb.run("import time\ntime.sleep(30)"))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert leftovers(before, group) == set()


async def test_an_error_in_the_callers_block_is_not_wrapped():
    """Sandbox.open is a plain context manager: the caller's exception comes out as itself,
    and closing at once (before the pool started) does not hang."""
    with pytest.raises(KeyError):
        async with Sandbox.open(replace(test_config(), pool=2)):
            raise KeyError("mine")


async def test_load_reports_running_queued_and_capacity():
    """load() (shown by /inside and /metrics) counts runs executing and waiting."""
    async with Sandbox.open(replace(test_config(), concurrency=1, queue=2)) as sb:
        require(sb)
        assert (sb.load().running, sb.load().queued, sb.load().capacity) == (0, 0, 1)
        first = asyncio.create_task(collect(sb, SLOW))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(collect(sb, "print(2)"))
        await asyncio.sleep(0.1)
        assert (sb.load().running, sb.load().queued) == (1, 1)
        await asyncio.gather(first, second)
        assert (sb.load().running, sb.load().queued) == (0, 0)


async def test_the_pool_refills_once_the_wait_after_a_run_is_over():
    """With `refill_after_s` (the sandbox service's setting) the replacement of a used warm
    sandbox starts only after that wait, and then the pool is full again."""
    async with Sandbox.open(replace(test_config(), pool=1, refill_after_s=0.5)) as sb:
        require(sb)
        for _ in range(100):
            if sb._pool:
                break
            await asyncio.sleep(0.05)
        assert (await sb.run("print(1)")).output == "1\n"
        await asyncio.sleep(0.2)
        assert not sb._pool
        for _ in range(100):
            if sb._pool:
                break
            await asyncio.sleep(0.05)
        assert len(sb._pool) == 1
