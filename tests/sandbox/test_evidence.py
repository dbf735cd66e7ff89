"""A run's evidence: fact lines validated and capped when parsed, and what real runs report."""

import orjson
import pytest

from bot.core.ports.sandbox import Ending, Evidence, Fault, LoopReport, RunResult, Warned
from bot.core.timeline import Timeline
from bot.sandbox import Sandbox
from bot.sandbox._evidence import MAX_FACTS, parse
from bot.sandbox._timeline import parse as parse_timeline

NONCE = "a1b2c3d4e5f60718"


def fact(kind: str, *fields: str, nonce: str = NONCE) -> bytes:
    return "\t".join((nonce, kind, *fields)).encode() + b"\n"


def test_parse_reads_each_kind_of_fact():
    """Faults in order, warnings with their line, loop reports with their exception."""
    raw = (fact("s", "Task-1", "0", "5")
           + fact("r", "raised", "ExceptionGroup", "boom (1 sub-exception)", "7")
           + fact("r", "member", "ValueError", "bad", "3")
           + fact("w", "RuntimeWarning", "coroutine 'f' was never awaited", "4")
           + fact("l", "loop", "Task exception was never retrieved", "ValueError", "bad"))
    ev = parse(raw, NONCE)
    assert ev.faults == (Fault("raised", "ExceptionGroup", "boom (1 sub-exception)", 7),
                         Fault("member", "ValueError", "bad", 3))
    assert ev.raised == ev.faults[0]
    assert ev.warnings == (Warned("RuntimeWarning", "coroutine 'f' was never awaited", 4),)
    assert ev.loop == (LoopReport("loop", "Task exception was never retrieved", "ValueError", "bad"),)


def test_only_the_runs_own_exit_record_makes_the_evidence_complete():
    """The exit record with the nonce says the run reported to its end; a foreign one does not."""
    assert not parse(fact("r", "raised", "TypeError", "x", "1"), NONCE).complete
    assert not parse(fact("x", "exit:0", "1", "1", nonce="ffffffffffffffff"), NONCE).complete
    assert parse(fact("x", "exit:0", "1", "1"), NONCE) == Evidence(complete=True)


def test_parse_drops_foreign_and_malformed_facts():
    """Wrong nonce, unknown via, a chain without its raised head, bad line numbers, wrong field
    counts, control characters and junk are all dropped."""
    raw = (fact("r", "raised", "TypeError", "x", "1", nonce="ffffffffffffffff")
           + fact("r", "member", "TypeError", "no head", "1") + fact("r", "thrown", "TypeError", "x", "1")
           + fact("r", "raised", "TypeError", "x", "line 1") + fact("r", "raised", "TypeError", "x")
           + fact("w", "RuntimeWarning", "m", "-1") + fact("w", "RuntimeWarning", "m")
           + fact("l", "elsewhere", "m", "", "") + fact("r", "raised", "TypeError", "a\x1bb", "1")
           + b"\xff\xfe garbage\n" + fact("r", "raised", "KeyError", "'k'", "2"))
    assert parse(raw, NONCE) == Evidence(faults=(Fault("raised", "KeyError", "'k'", 2),))


def test_parse_caps_the_number_of_facts():
    """A flood of facts is cut at the cap."""
    raw = b"".join(fact("w", "UserWarning", f"w{i}", "1") for i in range(MAX_FACTS * 3))
    assert len(parse(raw, NONCE).warnings) == MAX_FACTS


def test_the_timeline_skips_facts_without_counting_them_dropped():
    """Facts share the records fd; the timeline parser neither keeps nor counts them."""
    raw = fact("r", "raised", "TypeError", "x", "1") + fact("s", "Task-1", "0", "5")
    tl = parse_timeline(raw, NONCE)
    assert [r.name for r in tl.records] == ["Task-1"] and tl.dropped == 0


async def test_a_coroutine_used_as_a_value_reports_its_warning_too(sandbox: Sandbox):
    """The TypeError is the fault; the never-awaited warning, held back by the traceback until
    the run's end, is still emitted, reported and printed with the line that made it."""
    result = await sandbox.run("import asyncio\nasync def get():\n    return 1\n"
                               "async def main():\n    x = get()\n    print(x + 1)\n"
                               "asyncio.run(main())\n")
    assert result.evidence.raised == Fault("raised", "TypeError",
                                           "unsupported operand type(s) for +: 'coroutine' and 'int'", 6)
    assert result.evidence.warnings == (Warned("RuntimeWarning", "coroutine 'get' was never awaited", 5),)
    assert "main.py:5: RuntimeWarning: coroutine 'get' was never awaited" in result.output


async def test_a_taskgroup_failure_reports_its_members(sandbox: Sandbox):
    """An ExceptionGroup from a TaskGroup carries the type and message of each member."""
    result = await sandbox.run(
        "import asyncio\nasync def bad(n):\n    raise ValueError(f'bad {n}')\n"
        "async def main():\n    async with asyncio.TaskGroup() as tg:\n"
        "        tg.create_task(bad(1))\n        tg.create_task(bad(2))\n"
        "asyncio.run(main())\n")
    faults = result.evidence.faults
    assert faults[0].via == "raised" and faults[0].type == "ExceptionGroup"
    assert {f.line for f in faults} == {5, 3}  # the group at `async with`, each member in bad()
    assert {(f.via, f.type, f.message) for f in faults[1:]} >= {("member", "ValueError", "bad 1"),
                                                                 ("member", "ValueError", "bad 2")}


async def test_a_chained_exception_reports_its_cause(sandbox: Sandbox):
    """raise ... from ... reports the cause after the exception itself."""
    result = await sandbox.run(
        "try:\n    {}['k']\nexcept KeyError as e:\n    raise RuntimeError('no') from e\n")
    assert result.evidence.faults == (Fault("raised", "RuntimeError", "no", 4),
                                      Fault("cause", "KeyError", "'k'", 2))


async def test_asyncio_reports_reach_the_evidence_even_with_a_custom_handler(sandbox: Sandbox):
    """A task's exception nobody retrieved is reported from the loop's handler, a handler of the
    program's own included; a slow callback in debug mode from asyncio's logger."""
    result = await sandbox.run(
        "import asyncio, gc, time\nasync def bad():\n    raise ValueError('lost')\n"
        "async def main():\n    asyncio.get_running_loop().set_exception_handler(lambda l, c: None)\n"
        "    t = asyncio.create_task(bad())\n    await asyncio.sleep(0.01)\n    del t\n    gc.collect()\n"
        "    time.sleep(0.15)\n"
        "asyncio.run(main(), debug=True)\n")
    assert result.ok, result.output
    lost = LoopReport("loop", "Task exception was never retrieved", "ValueError", "lost")
    assert lost in result.evidence.loop
    assert any(r.source == "log" and r.message.startswith("Executing") for r in result.evidence.loop)


async def test_a_task_left_pending_at_the_end_is_reported(sandbox: Sandbox):
    """A task main() never awaited, cancelled silently by asyncio.run() as it ends, is reported
    by name; the run's evidence is complete."""
    result = await sandbox.run(
        "import asyncio\nasync def greet():\n    await asyncio.sleep(1)\n    print('hello')\n"
        "async def main():\n    asyncio.create_task(greet(), name='greeter')\n    print('main done')\n"
        "asyncio.run(main())\n")
    assert result.output == "main done\n"
    assert result.evidence == Evidence(loop=(LoopReport(
        "exit", "Task was pending when asyncio.run() ended", "", "greeter (greet)"),), complete=True)


async def test_a_flood_of_warnings_does_not_push_out_the_fault(sandbox: Sandbox):
    """Hundreds of warnings are capped on their own; the exception that ended the run still
    arrives."""
    result = await sandbox.run(
        "import warnings\nfor i in range(500):\n    warnings.warn(f'w{i}')\nraise KeyError('end')\n")
    assert 0 < len(result.evidence.warnings) < 500
    assert result.evidence.raised == Fault("raised", "KeyError", "'end'", 4)


async def test_an_exception_that_cannot_be_printed_is_still_reported_by_type(sandbox: Sandbox):
    """An exception whose __str__ fails changes nothing in how the program runs; its type counts."""
    result = await sandbox.run(
        "import asyncio\nclass E(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n"
        "async def bad():\n    raise E()\nasync def main():\n    asyncio.create_task(bad())\n"
        "    await asyncio.sleep(0.01)\nasyncio.run(main())\nprint('survived')\n")
    assert result.ok and "survived" in result.output, result.output
    lost = LoopReport("loop", "Task exception was never retrieved", "__main__.E", "?")
    assert result.evidence.loop == (lost,)


async def test_printed_or_unsigned_facts_are_not_evidence(sandbox: Sandbox):
    """Fact lines printed to the output, or written on the records fd without the run's nonce,
    are not evidence: only what the run's own bootstrap reports is."""
    forged = "0000000000000000\\tr\\traised\\tasyncio.exceptions.CancelledError\\t"
    result = await sandbox.run(
        "import os\n"
        f"print('{forged}')\n"
        "for fd in range(3, 12):\n"
        "    try:\n"
        f"        os.write(fd, b'{forged}\\n')\n"
        "    except OSError:\n        pass\n"
        "print('ok')\n")
    assert result.ok, result.output
    assert result.evidence == Evidence(complete=True)


def test_evidence_crosses_the_sandbox_service_wire():
    """A remote sandbox's result carries its evidence unchanged; one from a service that predates
    evidence decodes as not complete, so the explainer falls back to the output text."""
    wire = pytest.importorskip("bot.sandbox._wire", reason="the sandbox service's wire format is not here")
    evidence = Evidence((Fault("raised", "ExceptionGroup", "g", 7), Fault("member", "ValueError", "x", 3)),
                        (Warned("RuntimeWarning", "coroutine 'f' was never awaited", 4),),
                        (LoopReport("exit", "Task was pending when asyncio.run() ended", "", "T (f)"),), True)
    result = RunResult("out", Ending.EXIT, 1, None, 0.1, Timeline(), evidence=evidence)
    assert wire.decode_result(wire.encode(result)) == result
    older = orjson.loads(wire.encode(result))
    del older["evidence"]
    assert wire.decode_result(orjson.dumps(older)).evidence == Evidence()
