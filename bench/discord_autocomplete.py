"""Autocomplete latency through the real discord.py client: fake gateway event -> callback.

Discord gives an autocomplete 3 s and cannot defer it; users feel anything above ~100 ms. This
sends N autocomplete interactions for random prefixes to the running adapter (fake Discord on
127.0.0.1) and measures until the callback request arrives. As a same-run baseline it also
measures a /help slash command (a plain reply through the same path).

    python -m bench.discord_autocomplete [N]

Prints a table and updates bench/results.json entries named discord_autocomplete_*.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.adapters.discord import DiscordAdapter
from bot.core.app import Core
from bot.core.content import Library
from bot.core.services import Services, bank_beside
from bot.settings import DiscordSettings
from bot.storage import Storage
from tests.adapters.discord.fake_discord import FakeDiscord

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
GOAL_P99_MS = 100.0
PREFIXES = ["", "a", "aw", "awa", "co", "cor", "event", "loop", "block", "non", "cpu", "io",
            "starv", "run", "asyncio.r", "paralel", "concurency", "awiat", "def", "sync"]


async def _timed(fake: FakeDiscord, payload: dict) -> float:
    start = time.perf_counter()
    await fake.send_interaction(payload)
    await fake.wait_for("POST", f"/interactions/{payload['id']}/")
    return (time.perf_counter() - start) * 1000


async def main(n: int) -> list[dict]:
    fake = await FakeDiscord().start()
    with tempfile.TemporaryDirectory() as tmp:
        storage = await Storage.open(Path(tmp) / "bench.sqlite3")
        library = Library.from_dir(ROOT / "content")
        core = Core(library, Services.of(storage, quiz_bank=bank_beside(library)))
        adapter = DiscordAdapter(DiscordSettings(token=fake.token, api_base=fake.api_base,
                                                 gateway_url=fake.gateway_url), core)
        task = asyncio.create_task(adapter.run())
        try:
            await fake.wait_identified()
            rng = random.Random(7)
            auto, slash = [], []
            for _ in range(n):
                auto.append(await _timed(fake, fake.interaction(4, {
                    "id": "1", "name": "term", "type": 1, "options": [
                        {"name": "term", "type": 3, "value": rng.choice(PREFIXES), "focused": True}]})))
                slash.append(await _timed(fake, fake.interaction(
                    2, {"id": "1", "name": "help", "type": 1, "options": []})))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await storage.close()
            await fake.close()

    def p(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]

    figures = [
        {"name": "discord_autocomplete_p50", "value": round(p(auto, 50), 2), "unit": "ms",
         "goal": "info"},
        {"name": "discord_autocomplete_p99", "value": round(p(auto, 99), 2), "unit": "ms",
         "goal": f"< {GOAL_P99_MS:.0f} ms"},
        {"name": "discord_autocomplete_vs_help_p50", "value": round(p(auto, 50) / p(slash, 50), 2),
         "unit": "ratio", "goal": "<= 1.5 (autocomplete costs no more than a plain reply)"},
    ]
    print(f"{'figure':36} {'value':>10}  goal")
    for f in figures:
        print(f"{f['name']:36} {f['value']:>10} {f['unit']:5} {f['goal']}")
    print(f"(n={n}; /help baseline p50 {p(slash, 50):.2f} ms, p99 {p(slash, 99):.2f} ms)")
    return figures


def _save(figures: list[dict]) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    names = {f["name"] for f in figures}
    RESULTS.write_text(json.dumps([e for e in existing if e.get("name") not in names] + figures,
                                  indent=2) + "\n")


if __name__ == "__main__":
    _save(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)))
