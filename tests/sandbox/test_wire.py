"""The sandbox service's JSON codecs: every value survives a round trip, and bad input is refused
with a one-line reason instead of being half-read."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.monitor import SandboxLoad
from bot.core.ports.sandbox import FILE_NAME, Budget, Ending, Limits, RunRequest, RunResult
from bot.core.timeline import Record, Timeline
from bot.sandbox import _wire

texts = st.text(max_size=200)  # any code point but lone surrogates (see the test for those)
finite = st.floats(min_value=0.001, max_value=1e6, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=1, max_value=10**6)

limits = st.builds(Limits, wall_s=finite, cpu_s=counts, memory_mb=counts, tree_memory_mb=counts,
                   processes=counts, file_mb=counts, open_files=counts, tmp_mb=counts,
                   shm_mb=counts, output_bytes=counts)
records = st.builds(Record, kind=st.sampled_from("sbx"), name=texts,
                    start_us=st.integers(0, 10**9), end_us=st.integers(0, 10**9))
timelines = st.builds(Timeline, records=st.lists(records, max_size=5),
                      exit_status=st.none() | st.integers(0, 255), dropped=st.integers(0, 10**6))
results = st.builds(RunResult, output=texts, ending=st.sampled_from(Ending),
                    exit_code=st.none() | st.integers(-(2**31), 2**31), signal=st.none() | st.integers(1, 64),
                    wall_s=finite, timeline=timelines, output_cut=st.booleans(), limits=limits)
names = st.from_regex(FILE_NAME, fullmatch=True).filter(lambda n: n != "main.py")
requests = st.builds(
    lambda program, files, wall_s, cpu_s: RunRequest.of(program, files=files, wall_s=wall_s, cpu_s=cpu_s),
    texts, st.dictionaries(names, texts, max_size=4), st.none() | finite, st.none() | counts)


@given(requests)
def test_a_request_round_trips(request: RunRequest):
    """Program, extra files and budget come back equal."""
    assert _wire.decode_request(_wire.encode(request)) == request


@given(results)
def test_a_result_round_trips(result: RunResult):
    """Output, ending, codes, wall time, timeline and the limits the run had come back equal."""
    assert _wire.decode_result(_wire.encode(result)) == result


@given(timelines)
def test_a_timeline_round_trips(timeline: Timeline):
    assert _wire.decode_timeline(_wire.encode(timeline)) == timeline


@given(limits)
def test_limits_round_trip(value: Limits):
    assert _wire.decode_limits(_wire.encode(value)) == value


def _null_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return {k for k, v in value.items() if v is None}.union(*map(_null_keys, value.values()))
    if isinstance(value, list):
        return set().union(*map(_null_keys, value))
    return set()


@given(st.one_of(st.builds(_wire.Line, queued=st.integers(1, 1000)),
                 st.builds(_wire.Line, result=results),
                 st.builds(_wire.Line, error=st.sampled_from(["busy", "unavailable"]),
                           reason=st.none() | texts, retry_after=st.none() | st.integers(1, 999))))
def test_a_stream_line_round_trips_as_one_line(value: _wire.Line):
    """Each event is exactly one line (newlines in output are escaped), None keys left out."""
    raw = _wire.line(value)
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1
    # Only a result's own optional fields may be null (a text that says "null" is no null key).
    assert _null_keys(json.loads(raw)) <= {"signal", "exit_code", "exit_status"}
    assert _wire.decode_line(raw) == value


def test_health_round_trips():
    health = _wire.Health(available=False, reason="bubblewrap missing", load=SandboxLoad(1, 2, 3),
                          limits=Limits(wall_s=2.5), max_wall_s=30.0)
    assert _wire.decode_health(_wire.encode(health)) == health


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"program": 1}', "program"),
    (b'{"program": "x", "files": [["../etc/passwd", "x"]]}', "bad extra file name"),
    (b'{"program": "x", "files": [["main.py", "x"]]}', "bad extra file name"),
    (b'{"program": "x", "budget": {"wall_s": -1}}', "positive"),
    (b'{"program": "x", "budget": {"wall_s": "5"}}', "budget.wall_s"),
    (b'{"program": "x", "budget": {"cpu_s": 1.5}}', "budget.cpu_s"),
    (b'not json', "body"),
    (b'[]', "body"),
])
def test_a_bad_request_is_refused_with_a_reason(raw: bytes, says: str):
    """What a client may get wrong is a WireError naming the field, never a half-built request."""
    with pytest.raises(_wire.WireError, match=says):
        _wire.decode_request(raw)


def test_a_request_with_too_many_files_is_refused():
    files = [[f"f{i}.py", ""] for i in range(40)]
    with pytest.raises(_wire.WireError, match="at most"):
        _wire.decode_request(_wire.encode({"program": "x", "files": files}))


def test_an_infinite_budget_is_not_sent():
    """JSON has no infinity (orjson would send null, i.e. no budget at all): refused instead."""
    with pytest.raises(_wire.WireError):
        _wire.encode(RunRequest("x", budget=Budget(wall_s=float("inf"))))


def test_lone_surrogates_are_replaced_as_the_local_sandbox_does():
    """Not UTF-8, so not JSON: replaced by "?" (what the local handover does), not a crash."""
    request = RunRequest.of("print('\ud800')", files={"a.txt": "\udfff"})
    sent = _wire.decode_request(_wire.encode(request))
    assert sent.program == "print('?')" and sent.files == (("a.txt", "?"),)
