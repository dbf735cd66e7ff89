"""The challenges' lint beyond its fixtures: which checks a checks.py can fail, and what happens
where the sandbox cannot start (skipped with a note locally, an error under CI=true)."""

from pathlib import Path

import pytest

from bot.core.challenges import Challenges
from bot.core.challenges._lint import _fails_literals, jobs_for, run_in_sandbox
from bot.sandbox import Config, Sandbox
from tests.conftest import CONTENT


def test_fails_literals_reads_h_fail_calls():
    """Only literal check ids passed to .fail(...) are collected."""
    code = 'def program(h, run):\n    h.fail("output", got=1)\n    h.fail(name)\n    x.fail("other")\n'
    assert _fails_literals(code) == {"output", "other"}


def test_jobs_are_reference_starter_and_each_wrong_answer():
    """Every challenge's reference must pass; starter and wrong answers fail their check."""
    ch = Challenges.from_dir(CONTENT).get("fix-blocking")
    jobs = jobs_for(ch)
    assert [(j.label, j.expected) for j in jobs][:2] == [("reference", None), ("starter", "blocked-loop")]
    assert {j.label for j in jobs[2:]} == {f"wrong/{n}" for n in ch.meta.wrong}
    assert len({j.key for j in jobs}) == len(jobs)


NO_SANDBOX = Config(python=Path("/nonexistent/python3"), pool=0)


def test_without_a_sandbox_the_runs_are_skipped_with_a_note(monkeypatch, capsys):
    """Outside CI, a host without the sandbox lints the rest and says what it skipped."""
    monkeypatch.delenv("CI", raising=False)
    jobs = jobs_for(Challenges.from_dir(CONTENT).get("missing-await"))
    assert run_in_sandbox(jobs, lambda queue: Sandbox.open(NO_SANDBOX)) is None
    assert "challenges were not run" in capsys.readouterr().err


def test_under_ci_a_missing_sandbox_is_an_error(monkeypatch):
    """CI installs the sandbox: there, not being able to run the challenges fails the lint."""
    monkeypatch.setenv("CI", "true")
    jobs = jobs_for(Challenges.from_dir(CONTENT).get("missing-await"))
    with pytest.raises(RuntimeError, match="cannot start"):
        run_in_sandbox(jobs, lambda queue: Sandbox.open(NO_SANDBOX))
