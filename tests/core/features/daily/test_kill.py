"""kill -9 in the middle of a fan-out, then restart: no chat gets the daily post twice."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.storage import Storage

ROOT = Path(__file__).resolve().parents[4]
TARGETS = 300
CONCURRENCY = 8


async def harness(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.core.features.daily.harness", *args, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def delivered(out: Path) -> list[str]:
    return out.read_text().split() if out.exists() else []


async def test_sigkill_mid_fan_out_then_restart_delivers_exactly_once(tmp_path):
    """SIGKILL after some sends, restart: 0 duplicates, every chat sent or 'unknown', and no
    more 'unknown' than sends that can be in flight."""
    db, out = tmp_path / "bot.sqlite3", tmp_path / "delivered.txt"
    common = ("--db", str(db), "--out", str(out), "--concurrency", str(CONCURRENCY))
    first = await harness(*common, "--create", str(TARGETS), "--rate", "300")
    for _ in range(600):
        if len(delivered(out)) >= 60:
            break
        await asyncio.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    before = len(delivered(out))
    assert first.returncode == -signal.SIGKILL and 60 <= before < TARGETS  # really mid-fan-out

    second = await harness(*common, "--drain")
    stdout, stderr = await asyncio.wait_for(second.communicate(), 60)
    assert second.returncode == 0, stderr.decode()[-2000:]
    report = json.loads(stdout.decode().strip().splitlines()[-1])

    counts = Counter(delivered(out))
    assert max(counts.values()) == 1  # 0 duplicates
    ledger = report["ledger"]
    unknown = ledger.get("unknown", 0)
    assert unknown == report["recovered_unknown"] <= CONCURRENCY
    assert ledger.get("sent", 0) + unknown == TARGETS and set(ledger) <= {"sent", "unknown"}
    store = await Storage.open(db)
    try:
        for i in range(TARGETS):
            (row,) = await store.daily_ledger(f"fake:{i}", 1)
            if row.status == "sent":
                assert counts[str(i)] == 1
    finally:
        await store.close()
    assert len(counts) >= TARGETS - unknown
    print(f"killed after {before} sends; {unknown} unknown; {len(counts)} delivered in all")
