"""The sandbox service's wire format: JSON (orjson) for the port's value types, validated on the
way in by pydantic (strict: a string is never taken for a number, and a request passes the same
checks as one built in process: file names, budget).

A run's answer is NDJSON: zero or one `{"queued": n}` line, then one `{"result": {...}}` or
`{"error": ...}` line; empty lines are heartbeats (a silent connection is a dead one). It streams
(chunked) once the run waits or lasts a heartbeat; a run that does neither is answered in one
piece, with a length. Unknown keys are ignored, so either side may add one without breaking the
other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TypeVar

import orjson
from pydantic import TypeAdapter, ValidationError

from bot.core.monitor import SandboxLoad
from bot.core.ports.sandbox import Limits, RunRequest, RunResult
from bot.core.timeline import Timeline

__all__ = [
    "Health", "Line", "WireError", "decode_health", "decode_limits", "decode_line", "decode_request",
    "decode_result", "decode_timeline", "encode", "line",
]

CONTENT_TYPE = "application/x-ndjson"
HEARTBEAT_S = 5.0  # the service sends a line at least this often while a run waits or runs
T = TypeVar("T")


class WireError(ValueError):
    """Bytes that are not a valid message; str() says what is wrong, in one line."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a run's answer."""

    queued: int | None = None  # position in the service's queue (1 = next)
    result: RunResult | None = None
    error: str | None = None  # "busy", "unavailable" or "bad_request"
    reason: str | None = None
    retry_after: int | None = None  # with "busy"


@dataclass(frozen=True, slots=True)
class Health:
    """What /load answers: whether the service can run code, how loaded it is, and what a run
    may use there (the default limits and the longest wall time a budget may ask for)."""

    available: bool
    reason: str | None
    load: SandboxLoad
    limits: Limits
    max_wall_s: float


_REQUEST = TypeAdapter(RunRequest)
_RESULT = TypeAdapter(RunResult)
_TIMELINE = TypeAdapter(Timeline)
_LIMITS = TypeAdapter(Limits)
_LINE = TypeAdapter(Line)
_HEALTH = TypeAdapter(Health)


def encode(value: object) -> bytes:
    """Any of the types above (or a RunRequest, RunResult, Timeline, Limits) as JSON."""
    if isinstance(value, RunRequest) and value.budget.wall_s is not None and not math.isfinite(
            value.budget.wall_s):
        raise WireError(f"a wall-time budget must be finite, got {value.budget.wall_s}")
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        if not isinstance(value, RunRequest):
            raise
    # Lone surrogates (which chat JSON can carry) are not UTF-8: replaced as the local sandbox
    # replaces them when it hands the program over.
    return orjson.dumps(replace(value, program=_utf8(value.program),
                                files=tuple((name, _utf8(text)) for name, text in value.files)))


def _utf8(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def line(value: Line) -> bytes:
    """One NDJSON line, without the keys that are None."""
    fields = {name: getattr(value, name) for name in Line.__slots__}
    return orjson.dumps({k: v for k, v in fields.items() if v is not None}) + b"\n"


def _decode(adapter: TypeAdapter[T], raw: bytes | str) -> T:
    try:
        return adapter.validate_json(raw, strict=True)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "body"
        raise WireError(f"{where}: {err['msg']}") from None


def decode_request(raw: bytes | str) -> RunRequest:
    return _decode(_REQUEST, raw)


def decode_result(raw: bytes | str) -> RunResult:
    return _decode(_RESULT, raw)


def decode_timeline(raw: bytes | str) -> Timeline:
    return _decode(_TIMELINE, raw)


def decode_limits(raw: bytes | str) -> Limits:
    return _decode(_LIMITS, raw)


def decode_line(raw: bytes | str) -> Line:
    return _decode(_LINE, raw)


def decode_health(raw: bytes | str) -> Health:
    return _decode(_HEALTH, raw)
