"""A run's evidence as it reports it: the fact lines it writes on its records fd, validated.

A fact is one line `nonce \\t kind \\t field...` beside the timeline's records (_timeline.py):
kind `r` (via, type, message: the uncaught exception, then its ExceptionGroup members, cause
and context), `w` (category, message, line of main.py or 0: a warning), `l` (source, message,
exception type, exception message: asyncio's loop exception handler, its logger, or a task
asyncio.run() cancelled as it ended). The timeline's exit record (`x`) marks the evidence
complete: the run reported to its end. Lines
without the run's nonce, malformed lines and anything past the cap are dropped, so printed
output can never pass for evidence and a hostile snippet can at most falsify its own.
"""

from __future__ import annotations

from bot.core.ports.sandbox import Evidence, Fault, LoopReport, Warned

__all__ = ["KINDS", "MAX_FACTS", "MAX_FIELD", "parse"]

KINDS = {"r": 3, "w": 3, "l": 4}  # kind -> number of fields
MAX_FACTS = 64  # the sandbox sends at most 16 faults, 24 warnings, 24 loop reports
MAX_FIELD = 300  # characters; the sandbox cuts each field to this
VIAS = ("raised", "member", "cause", "context")
SOURCES = ("loop", "log", "exit")


def parse(raw: bytes, nonce: str) -> Evidence:
    faults: list[Fault] = []
    warned: list[Warned] = []
    loop: list[LoopReport] = []
    prefix = nonce.encode() + b"\t"
    kept = 0
    complete = False
    for line in raw.split(b"\n"):
        if not line.startswith(prefix):
            continue
        kind, *fields = line[len(prefix):].decode("utf-8", "replace").split("\t")
        if kind == "x":
            complete = True
        if kept >= MAX_FACTS:
            continue
        if KINDS.get(kind) != len(fields) or not all(
                len(f) <= MAX_FIELD and f.isprintable() for f in fields):
            continue
        match kind, fields:
            case "r", [via, name, message] if via in VIAS and name and (faults or via == "raised"):
                faults.append(Fault(via, name, message))
            case "w", [category, message, number] if category and number.isdigit() and len(number) < 7:
                warned.append(Warned(category, message, int(number)))
            case "l", [source, message, name, exc_message] if source in SOURCES:
                loop.append(LoopReport(source, message, name, exc_message))
            case _:
                continue
        kept += 1
    return Evidence(tuple(faults), tuple(warned), tuple(loop), complete)
