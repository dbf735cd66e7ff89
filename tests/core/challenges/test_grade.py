"""Grading without a sandbox: what cannot be graded, the nonce-framed verdict, the words."""

from dataclasses import FrozenInstanceError

import pytest

from bot.core.challenges import (
    MAX_CODE_CHARS,
    Challenges,
    Outcome,
    SubmissionError,
    build_program,
    check_code,
    parse,
    verdict_from,
)
from bot.sandbox import Ending, RunResult, Timeline
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def challenges() -> Challenges:
    return Challenges.from_dir(CONTENT)


def result(output: str, ending: Ending = Ending.EXIT, code: int | None = 0) -> RunResult:
    return RunResult(output=output, ending=ending, exit_code=code, signal=None, wall_s=1.0,
                     timeline=Timeline())


def test_empty_and_too_long_code_cannot_be_graded():
    """Blank code and code over Discord's 4,000-character modal are refused with a reason."""
    with pytest.raises(SubmissionError) as empty:
        check_code("  \n ")
    assert empty.value.reason == "empty" and "khali" in empty.value.message("hi")
    with pytest.raises(SubmissionError) as long:
        check_code("x" * (MAX_CODE_CHARS + 1))
    assert "4001" in long.value.message("en") and "4000" in long.value.message("en")
    assert check_code("print(1)") == "print(1)"


def test_the_learner_s_code_is_a_literal_in_the_program(challenges):
    """Quotes and newlines in the code cannot end the literal: the program still compiles."""
    code = 'print("""\'\'\'")\n"""\nraise SystemExit'
    program = build_program(challenges.get("fix-blocking"), code, "abc")
    compile(program, "program", "exec")
    assert repr(code) in program


def test_only_the_run_s_nonce_carries_a_verdict():
    """A line the learner printed with another nonce is ignored; the real one counts."""
    fake = 'ffff verdict {"check":null,"values":{},"program_s":0.1}'
    real = 'abcd verdict {"check":"main-slow","values":{"took":1.5},"program_s":1.51,"stalled":0.2}'
    outcome = parse(result(f"{fake}\nabcd phase \"functions\"\n{real}\n"), "abcd")
    assert outcome == Outcome("main-slow", {"took": 1.5}, 1.51, 0.2)


def test_a_run_without_verdict_says_why_it_ended():
    """Wall time, CPU, output and memory limits become too-slow, flood and memory."""
    phase = 'abcd phase "program"\n'
    slow = parse(result(phase, Ending.TIME, None), "abcd")
    assert slow.check == "too-slow" and slow.values == {"what": "main.py", "limit": 1.0, "phase": "program"}
    cpu = parse(result("", Ending.CPU, None), "abcd", cpu_s=6)
    assert cpu.check == "too-slow" and cpu.values["limit"] == 6
    assert parse(result("x" * 100, Ending.OUTPUT, None), "abcd").check == "flood"
    assert parse(result("", Ending.MEMORY, None), "abcd").check == "memory"
    lost = parse(result("", Ending.EXIT, 3), "abcd")
    assert (lost.check, lost.values) == ("lost", {"reason": "exit status 3"})


def test_verdict_in_the_learner_s_voice_with_numbers(challenges):
    """The failed check's message is filled in the chosen voice; its misconception names the
    card to read."""
    ch = challenges.get("make-concurrent")
    outcome = Outcome("main-slow", {"took": 1.5123}, 1.51)
    cards = {"sequential-awaits-concurrent": "non-blocking"}
    hi = verdict_from(ch, outcome, "hi", cards)
    en = verdict_from(ch, outcome, "en", cards)
    assert not hi.passed and hi.check == "main-slow"
    assert "1.51 s" in hi.message and "lagna chahiye" in hi.message
    assert "1.51 s" in en.message and en.message.startswith("`main` should take about 0.5 s")
    assert (hi.misconception, hi.card) == ("sequential-awaits-concurrent", "non-blocking")
    assert hi.starter_s == 1.5 and hi.program_s == 1.51
    with pytest.raises(FrozenInstanceError):
        hi.passed = True  # type: ignore[misc]


def test_a_pass_and_an_unknown_check(challenges):
    """A pass has no message; a check nobody describes still gets a sentence, not a crash."""
    ch = challenges.get("fix-blocking")
    ok = verdict_from(ch, Outcome(None, {}, 1.0), "en", {})
    assert ok.passed and ok.message == "" and ok.card == "blocking"
    odd = verdict_from(ch, Outcome("weird", {}, None), "en", {})
    assert not odd.passed and "weird" in odd.message


def test_a_missing_placeholder_shows_a_question_mark(challenges):
    """A value the harness did not send is shown as '?', never a KeyError."""
    ch = challenges.get("fix-blocking")
    v = verdict_from(ch, Outcome("fetch-time", {}, None), "en", {})
    assert "took ? s" in v.message
