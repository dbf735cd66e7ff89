"""A run's evidence as it reports it: the fact lines it writes on its records fd, validated.

A fact is one line `nonce \\t kind \\t field...` beside the timeline's records (_timeline.py):
- `r` via, type, message, line of main.py (0: none): the uncaught exception, then its
  ExceptionGroup members, cause and context;
- `w` category, message, line: a warning;
- `l` source, message, exception type, exception message: asyncio's loop exception handler
  (`loop`), its logger (`log`), or a task asyncio.run() cancelled as it ended (`exit`).
The timeline's exit record (`x`) marks the evidence complete: the run reported to its end.
Lines without the run's nonce, malformed lines and anything past the cap are dropped, so
printed output can never pass for evidence and a hostile snippet can at most falsify its own.
"""

from __future__ import annotations

from bot.core.ports.sandbox import Evidence, Fault, LoopReport, Warned

__all__ = ["KINDS", "MAX_FACTS", "MAX_FIELD", "parse"]

KINDS = {"r": 4, "w": 3, "l": 4}  # kind -> number of fields
MAX_FACTS = 64  # the sandbox sends at most 16 faults, 24 warnings, 24 loop reports
MAX_FIELD = 300  # characters; the sandbox cuts each field to this
VIAS = ("raised", "member", "cause", "context")
SOURCES = ("loop", "log", "exit")


def line_number(text: str) -> bool:
    return text.isdigit() and len(text) < 7


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
            case "r", [via, name, message, number] if (via in VIAS and name and line_number(number)
                                                        and (faults or via == "raised")):
                faults.append(Fault(via, name, message, int(number)))
            case "w", [category, message, number] if category and line_number(number):
                warned.append(Warned(category, message, int(number)))
            case "l", [source, message, name, exc_message] if source in SOURCES:
                loop.append(LoopReport(source, message, name, exc_message))
            case _:
                continue
        kept += 1
    return Evidence(tuple(faults), tuple(warned), tuple(loop), complete)
