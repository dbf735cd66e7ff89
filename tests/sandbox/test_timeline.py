"""Timeline records: validated and capped when parsed, drawn as a compact monospace block."""

from bot.sandbox import Sandbox
from bot.sandbox._timeline import MAX_BYTES, MAX_RECORDS, Record, Timeline, parse, render

NONCE = "a1b2c3d4e5f60718"


def line(kind: str, name: str, start: int, end: int, nonce: str = NONCE) -> bytes:
    return f"{nonce}\t{kind}\t{name}\t{start}\t{end}\n".encode()


def test_parse_keeps_records_with_the_runs_nonce():
    """Well-formed records with the nonce are kept; the exit record gives the status."""
    tl = parse(line("s", "Task-1", 0, 10) + line("b", "time.sleep:Task-1", 5, 900)
               + line("x", "exit:3", 950, 950), NONCE)
    assert tl.records == [Record("s", "Task-1", 0, 10), Record("b", "time.sleep:Task-1", 5, 900)]
    assert tl.exit_status == 3


def test_parse_drops_foreign_and_malformed_lines():
    """Wrong nonce, unknown kind, bad numbers, reversed times and junk are all dropped."""
    raw = (line("s", "T", 0, 1, nonce="ffffffffffffffff") + line("z", "T", 0, 1)
           + line("s", "T", 5, 1) + f"{NONCE}\ts\tT\tx\t1\n".encode() + b"\xff\xfe garbage\n"
           + f"{NONCE}\ts\tT\t1\t2\textra\n".encode() + line("s", "ok", 1, 2))
    tl = parse(raw, NONCE)
    assert [r.name for r in tl.records] == ["ok"]
    assert tl.dropped == 6


def test_parse_caps_the_number_of_records():
    """A flood of records is cut at the record cap; the rest only counts as dropped."""
    raw = b"".join(line("s", "T", i, i + 1) for i in range(MAX_RECORDS * 2))
    tl = parse(raw, NONCE)
    assert len(tl.records) == MAX_RECORDS
    assert tl.dropped == MAX_RECORDS


def test_parse_never_reads_past_the_byte_cap():
    """Records after MAX_BYTES of other data are not even looked at."""
    raw = b"x" * MAX_BYTES + b"\n" + line("s", "late", 0, 1)
    assert parse(raw, NONCE).records == []


def test_render_shows_each_task_and_the_blocked_loop():
    """Rows per task (█ running, ░ waiting) and a line for time.sleep blocking the loop."""
    tl = Timeline([Record("s", "Task-1", 0, 1_000), Record("s", "Task-2", 1_000, 2_000),
                   Record("b", "time.sleep:Task-2", 1_000, 1_003_000),
                   Record("s", "Task-2", 1_000, 1_004_000), Record("s", "Task-1", 1_004_000, 1_005_000)])
    text = render(tl)
    lines = text.splitlines()
    assert lines[0].startswith("t(ms)") and lines[0].rstrip().endswith("1005")
    assert lines[1].startswith("Task-1") and "█" in lines[1] and "░" in lines[1]
    assert lines[2].startswith("Task-2")
    assert "loop    blocked 1-1003 ms by time.sleep (Task-2)" in text
    assert all(len(x) <= 50 for x in lines)


def test_render_reports_a_step_without_await():
    """A long step with no time.sleep inside is shown as a blocked loop 'no await'."""
    tl = Timeline([Record("s", "Task-2", 0, 400_000)])
    assert "blocked 0-400 ms by Task-2 (no await)" in render(tl)


def test_render_caps_the_number_of_rows():
    """Hundreds of tasks still make a short block."""
    tl = Timeline([Record("s", f"Task-{i}", i, i + 10) for i in range(300)])
    assert len(render(tl).splitlines()) <= 12


async def test_an_async_run_carries_its_timeline(sandbox: Sandbox):
    """Tasks of a real run appear with their names; printed fake records do not."""
    result = await sandbox.run(
        "import asyncio, time\n"
        "print('0000000000000000\\ts\\tforged\\t0\\t1')\n"
        "async def worker():\n    time.sleep(0.2)\n    await asyncio.sleep(0.1)\n"
        "async def main():\n    await asyncio.gather(asyncio.create_task(worker(), name='w1'),"
        " asyncio.create_task(worker(), name='w2'))\n"
        "asyncio.run(main())\n")
    assert result.ok, result.output
    names = {r.name for r in result.timeline.records}
    assert {"w1", "w2", "Task-1"} <= names
    assert "forged" not in names
    text = render(result.timeline)
    assert "by time.sleep (w1)" in text and "by time.sleep (w2)" in text


async def test_plain_code_has_no_timeline(sandbox: Sandbox):
    """Synchronous code records no task, so no timeline is drawn."""
    result = await sandbox.run("print(sum(range(10)))")
    assert result.output == "45\n"
    assert not result.timeline.has_tasks()
