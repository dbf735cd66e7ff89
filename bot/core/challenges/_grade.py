"""Grading a submission: the harness program around the learner's code, ONE call into the
sandbox (`run_program`), and the verdict read back from the line that carries the run's nonce."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import ClassVar

from bot.core.challenges._model import Challenge, CheckText
from bot.core.ports.sandbox import RunRequest, RunResult, SandboxPort

MAX_CODE_CHARS = 4_000  # what Discord's modal holds
OUTPUT_LIMIT = 16_000  # characters the learner's code may print per phase before it is a flood
HARNESS = Path(__file__).with_name("_harness.py")


class SubmissionError(ValueError):
    """The code cannot be graded at all (empty, too long); `reason` is a stable key and
    `message(lang)` the friendly reply."""

    _TEXT: ClassVar[dict[str, CheckText]] = {
        "empty": CheckText(hi="Code khali hai: challenge ka code bhejo.",
                           en="The code is empty: send the challenge's code."),
        "too-long": CheckText(hi="Code {size} characters ka hai; limit {limit} hai.",
                              en="The code is {size} characters long; the limit is {limit}."),
    }

    def __init__(self, reason: str, **values: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values

    def message(self, lang: str) -> str:
        return fill(self._TEXT[self.reason].get(lang), self.values)


@dataclass(frozen=True, slots=True)
class Verdict:
    challenge: str
    passed: bool
    check: str | None  # the first failed check (None when passed)
    message: str  # in the learner's voice, numbers filled in ("" when passed)
    misconception: str | None
    card: str  # the card to read
    program_s: float | None  # the learner's program as __main__ (None if it never ran)
    starter_s: float | None  # the starter's time as a program, from the challenge
    values: tuple[tuple[str, str], ...] = field(default=())  # what the failed check measured
    stalled_s: float = 0.0  # its threads' run-queue wait: a busy host, never the learner's doing
    extra_cpu_s: float | None = None  # CPU the grading used beyond the program's own run


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the harness reported, before it is put in the learner's words."""

    check: str | None
    values: dict
    program_s: float | None = None
    stalled_s: float = 0.0
    extra_cpu_s: float | None = None


def check_code(code: str) -> str:
    """The code as it will run; SubmissionError when it cannot be graded."""
    if not code.strip():
        raise SubmissionError("empty")
    if len(code) > MAX_CODE_CHARS:
        raise SubmissionError("too-long", size=len(code), limit=MAX_CODE_CHARS)
    return code


@cache
def harness_text() -> str:
    return HARNESS.read_text(encoding="utf-8")


def build_program(challenge: Challenge, code: str, nonce: str) -> str:
    """The harness, then one call with the nonce, the learner's code, the checks and the
    limits as literals (repr: no text of the learner's can end the literal)."""
    config = {"wall_s": challenge.meta.budget.wall_s, "cpu_s": challenge.meta.budget.cpu_s,
              "output_limit": OUTPUT_LIMIT}
    return (f"{harness_text()}\n\n_harness_main({nonce!r}, {code!r}, {challenge.checks!r}, "
            f"{config!r})\n")


async def run_program(sandbox: SandboxPort, program: str, *, wall_s: float, cpu_s: int) -> RunResult:
    """The one place this package calls the sandbox: the program with the challenge's budget
    (the harness also sets its CPU limit inside the run, for its own phases)."""
    return await sandbox.run(RunRequest.of(program, wall_s=wall_s, cpu_s=cpu_s))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def fill(template: str, values: dict) -> str:
    """The template with its {placeholders} filled; a missing one shows as '?', never raises."""
    shown = _Blank({k: _shown(v) for k, v in values.items()})
    try:
        return string.Formatter().vformat(template, (), shown)
    except (ValueError, IndexError, KeyError, AttributeError):
        return template


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def parse(result: RunResult, nonce: str, cpu_s: float | None = None) -> Outcome:
    """The harness's report from a finished run; without one, why the run ended (`cpu_s`: the
    CPU budget, named when that is what ended it)."""
    verdict = None
    phase = "start"
    prefix = nonce + " "
    for line in result.output.splitlines():
        if not line.startswith(prefix):
            continue
        kind, _, payload = line[len(prefix):].partition(" ")
        try:
            data = json.loads(payload)
        except ValueError:
            continue
        if kind == "phase" and isinstance(data, str):
            phase = data
        elif kind == "verdict" and isinstance(data, dict):
            verdict = data
    if verdict is not None:
        values = verdict.get("values") if isinstance(verdict.get("values"), dict) else {}
        check = verdict.get("check")
        return Outcome(check if isinstance(check, str) else None, values,
                       _number(verdict.get("program_s")), _number(verdict.get("stalled")) or 0.0,
                       _number(verdict.get("extra_cpu")))
    # No verdict: the sandbox stopped the run, or something ended the process early. (The
    # endings are StrEnum values: compared as text, so the core needs no sandbox import.)
    what = "main.py"  # the learner's file: a word both voices can carry as it is
    if result.ending == "time":
        return Outcome("too-slow", {"what": what, "limit": round(result.wall_s, 1), "phase": phase})
    if result.ending == "cpu":
        limit = cpu_s if cpu_s is not None else round(result.wall_s, 1)
        return Outcome("too-slow", {"what": what + " (CPU)", "limit": limit, "phase": phase})
    if result.ending == "output":
        return Outcome("flood", {"limit": OUTPUT_LIMIT})
    if result.ending == "memory":
        return Outcome("memory", {})
    reason = (f"exit status {result.exit_code}" if result.exit_code is not None
              else result.signal_name or str(result.ending))
    return Outcome("lost", {"reason": reason})


def verdict_from(challenge: Challenge, outcome: Outcome, lang: str,
                 misconception_cards: dict[str, str]) -> Verdict:
    meta = challenge.meta
    check, values = outcome.check, outcome.values
    if check is None:
        return Verdict(challenge.id, True, None, "", None, meta.card, outcome.program_s,
                       meta.starter_s, stalled_s=outcome.stalled_s, extra_cpu_s=outcome.extra_cpu_s)
    text = challenge.text(check)
    if text is None:
        message = f"check {check} failed" if lang == "en" else f"check {check} fail hua"
        tag = None
    else:
        message = fill(text.get(lang), values)
        tag = text.misconception
    card = misconception_cards.get(tag, meta.card) if tag else meta.card
    shown = tuple(sorted((str(k), _shown(v)) for k, v in values.items()))
    return Verdict(challenge.id, False, check, message, tag, card, outcome.program_s, meta.starter_s,
                   shown, outcome.stalled_s, outcome.extra_cpu_s)


async def grade(sandbox: SandboxPort, challenge: Challenge, code: str, *, lang: str = "hi",
                misconception_cards: dict[str, str] | None = None) -> Verdict:
    """Run `code` against the challenge's hidden checks in the sandbox. Raises
    SubmissionError for code that cannot be graded, and whatever the sandbox raises when it
    cannot run (Unavailable, Busy)."""
    code = check_code(code)
    nonce = secrets.token_hex(12)
    program = build_program(challenge, code, nonce)
    budget = challenge.meta.budget
    result = await run_program(sandbox, program, wall_s=budget.wall_s, cpu_s=budget.cpu_s)
    outcome = parse(result, nonce, cpu_s=budget.cpu_s)
    return verdict_from(challenge, outcome, lang, misconception_cards or {})
