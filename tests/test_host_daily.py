"""The host runs the daily scheduler in its TaskGroup next to the console, configured from
settings, and stops it when the console's input ends."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

from bot.core.clock import SYSTEM_CLOCK, iso
from bot.core.content import Library
from bot.core.services import DailyPace
from bot.host import serve
from bot.settings import load_settings
from bot.storage import Storage
from tests.conftest import daily_of, make_core
from tests.core.features.conftest import CONTENT


async def test_serve_posts_due_daily_posts_to_the_console(tmp_path, monkeypatch, capsys):
    """A post due now reaches the console; closing stdin ends serve() cleanly."""
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    settings = load_settings(practice={"daily_concurrency": 3, "daily_rate_per_second": 5})
    practice = settings.practice  # as __main__ hands the settings' pace to the core
    core = make_core(Library.from_dir(CONTENT), storage,
                     daily_pace=DailyPace(practice.daily_concurrency, practice.daily_rate_per_second))
    read_end, write_end = os.pipe()
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_end))
    now = SYSTEM_CLOCK.now()
    await storage.daily_set(chat_key="console:local", platform="console", chat_id="local",
                            chat_kind="private", at_time="00:00", tz="UTC",
                            next_day=now.date().isoformat(),
                            next_due=iso(now - timedelta(seconds=1)), now=iso(now))
    served = asyncio.create_task(serve(settings, core))
    for _ in range(200):
        row = await storage.daily_ledger_day("console:local", now.date().isoformat())
        if row and row.status == "sent":
            break
        await asyncio.sleep(0.02)
    os.close(write_end)
    assert await asyncio.wait_for(served, 10) == 0
    assert row.status == "sent" and daily_of(core).concurrency == 3
    assert "Aaj ka term" in capsys.readouterr().out
    await storage.close()
