"""Every "predict the output" and "how long" question runs its snippet with the real
interpreter (`python3 -I`, a fresh process) and the marked answer must be what happens.
Timings are checked as ratios with wide margins: the measured time must be nearest (on a log
scale) to the marked choice, never compared in milliseconds."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.quizbank import Bank, Entry

ROOT = Path(__file__).resolve().parents[2]
BANK = Bank.from_dir(ROOT / "content" / "quiz")
TIMEOUT = 30

# asyncio and time are imported before the clock starts, so interpreter start-up and import
# time never count: only what the snippet itself does is timed.
RUNNER = """
import asyncio, sys, time
path = sys.argv[1]
source = open(path, encoding="utf-8").read()
start = time.perf_counter()
status = 0
try:
    exec(compile(source, path, "exec"), {"__name__": "__main__"})
except BaseException as exc:
    print(f"RAISED {type(exc).__name__}", file=sys.stderr)
    status = 1
sys.stdout.flush()
print(f"ELAPSED {time.perf_counter() - start:.4f}", file=sys.stderr)
sys.exit(status)
"""


def run(entry: Entry, tmp_path: Path) -> tuple[str, str | None, float]:
    """(stdout, the exception type it ended with, seconds)."""
    snippet = tmp_path / f"{entry.id}.py"
    snippet.write_text(entry.question.code or "", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-I", "-c", RUNNER, str(snippet)], capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=tmp_path)
    elapsed = next((float(line.split()[1]) for line in proc.stderr.splitlines()
                    if line.startswith("ELAPSED ")), math.nan)
    raised = next((line.split()[1] for line in proc.stderr.splitlines()
                   if line.startswith("RAISED ")), None)
    assert (raised is None) == (proc.returncode == 0), proc.stderr
    return proc.stdout.strip(), raised, elapsed


OUTPUT = [e for e in BANK.entries if e.question.kind == "output"]
TIMING = [e for e in BANK.entries if e.question.kind == "timing"]


@pytest.mark.parametrize("entry", OUTPUT, ids=[e.id for e in OUTPUT])
def test_marked_output_is_what_python_prints(entry, tmp_path):
    """The marked choice's stdout and exception match the real run; no other choice does."""
    stdout, raised, _ = run(entry, tmp_path)
    q = entry.question
    assert (q.right.stdout, q.right.raises) == (stdout, raised)
    for i, choice in enumerate(q.choices, start=1):
        if i != q.answer:
            assert (choice.stdout, choice.raises) != (stdout, raised)


@pytest.mark.parametrize("entry", TIMING, ids=[e.id for e in TIMING])
def test_marked_duration_is_the_nearest_order(entry, tmp_path):
    """The measured time is nearest to the marked choice, and within a wide ratio of it."""
    _, raised, elapsed = run(entry, tmp_path)
    assert raised is None
    q = entry.question
    distance = {i: abs(math.log(elapsed / c.seconds)) for i, c in enumerate(q.choices, start=1)}
    assert min(distance, key=distance.get) == q.answer, f"measured {elapsed:.2f} s"
    assert 0.6 <= elapsed / q.right.seconds <= 1.7, f"measured {elapsed:.2f} s"
