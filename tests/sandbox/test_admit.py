"""Admission: the per-user cooldown kept in this process or in the store every bot process
shares (real SQLite and PostgreSQL), given back when nothing ran, open when the store fails."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.sandbox import Busy, Cooldowns, CoolingDown, RunResult, Sandbox, StoredCooldowns
from bot.storage import Storage
from bot.storage.postgresql import PostgresStorage
from tests.sandbox.fixtures import require, test_config
from tests.storage import pg_server

SLOW = "import time\ntime.sleep(1.5)\nprint('slow')"


async def test_the_cooldown_in_this_process_refuses_and_gives_back():
    """Within the period a second take is refused with the seconds left; a take given back
    leaves the user free; no user (the console) and a zero period take nothing."""
    cooldowns = Cooldowns(30.0)
    taken = await cooldowns.take("test:u")
    with pytest.raises(CoolingDown) as cooling:
        await cooldowns.take("test:u")
    assert 29 <= cooling.value.retry_after <= 30
    await cooldowns.give_back(taken)
    assert await cooldowns.take("test:u") is not None
    assert await cooldowns.take(None) is None
    assert await Cooldowns(0.0).take("test:u") is None


async def test_two_processes_on_postgresql_share_one_users_cooldown(pg: pg_server.PgServer):
    """A run noted through one bot process is refused through another: the user cannot run
    code twice as often by reaching two processes. Another user runs."""
    url = await pg.fresh_url()
    one, two = await PostgresStorage.open(url), await PostgresStorage.open(url)
    try:
        first, second = StoredCooldowns(one, 30.0), StoredCooldowns(two, 30.0)
        taken = await first.take("test:u")
        with pytest.raises(CoolingDown) as cooling:
            await second.take("test:u")
        assert 29 <= cooling.value.retry_after <= 30
        assert await second.take("test:other") is not None
        await second.give_back(taken)  # that run never ran
        assert await first.take("test:u") is not None
    finally:
        await asyncio.gather(one.close(), two.close())


async def test_the_stored_cooldown_on_sqlite_survives_a_restart(tmp_path: Path):
    """SQLite keeps the cooldown too: a restarted process still makes the user wait."""
    path = tmp_path / "bot.sqlite3"
    store = await Storage.open(path)
    await StoredCooldowns(store, 30.0).take("test:u")
    await store.close()
    store = await Storage.open(path)
    try:
        with pytest.raises(CoolingDown):
            await StoredCooldowns(store, 30.0).take("test:u")
    finally:
        await store.close()


async def test_a_store_that_fails_lets_the_run_through(tmp_path: Path, caplog):
    """The cooldown spreads one user's runs; it never turns running code off: a store that
    cannot answer admits the run and says so in the log."""
    store = await Storage.open(tmp_path / "bot.sqlite3")
    await store.close()  # every call fails from here
    cooldowns = StoredCooldowns(store, 30.0)
    assert await cooldowns.take("test:u") is None
    assert await cooldowns.take("test:u") is None
    assert "running without it" in caplog.text


async def test_a_sandbox_with_the_stored_cooldown_refuses_a_run_noted_elsewhere(
        pg: pg_server.PgServer):
    """The local pool asks the shared store: a run of the user through the other process
    makes this one say "cooling down"; a run refused as busy gives its use back."""
    url = await pg.fresh_url()
    one, two = await PostgresStorage.open(url), await PostgresStorage.open(url)
    try:
        config = replace(test_config(), cooldown_s=30.0, concurrency=1, queue=0)
        async with Sandbox.open(config, cooldowns=StoredCooldowns(one, 30.0)) as sb:
            require(sb)
            await StoredCooldowns(two, 30.0).take("test:alice")
            with pytest.raises(CoolingDown):
                await _collect(sb, "print(1)", user_key="test:alice")
            slow = asyncio.create_task(_collect(sb, SLOW, user_key="test:bob"))
            await asyncio.sleep(0.3)  # bob holds the one slot; no queue
            with pytest.raises(Busy):
                await _collect(sb, "print(2)", user_key="test:carol")
            assert (await slow)[-1].output == "slow\n"
            # carol's busy run gave its use back: her next run goes through.
            assert (await _collect(sb, "print(3)", user_key="test:carol"))[-1].output == "3\n"
    finally:
        await asyncio.gather(one.close(), two.close())


async def _collect(sb: Sandbox, code: str, *, user_key: str) -> list:
    events = [event async for event in sb.submit(code, user_key=user_key)]
    assert isinstance(events[-1], RunResult)
    return events
