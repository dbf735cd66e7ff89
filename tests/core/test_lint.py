"""The content lint: the real content is clean, and each code has a fixture that trips it."""

from pathlib import Path

import pytest

from bot.core.lint import CODES, lint
from bot.lint import main, open_sandbox
from tests.conftest import CONTENT

FIXTURES = Path(__file__).parent / "lint_fixtures"


def test_real_content_has_no_findings():
    """Every card matches its curriculum entry and every other rule."""
    assert [str(f) for f in lint(CONTENT, open_sandbox=open_sandbox)] == []


def test_valid_fixture_has_no_findings():
    """The base the failing fixtures are made from is itself clean."""
    assert lint(FIXTURES / "valid", open_sandbox=open_sandbox) == []


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_has_a_fixture_that_yields_exactly_it(code: str):
    """One failing fixture per code, and it trips that code only."""
    fixture = FIXTURES / code
    assert fixture.is_dir(), f"no fixture for {code}"
    assert {f.code for f in lint(fixture, open_sandbox=open_sandbox)} == {code}


def test_every_fixture_names_a_known_code():
    """No stale fixture for a code that no longer exists."""
    names = {p.name for p in FIXTURES.iterdir() if p.is_dir()} - {"valid"}
    assert names <= set(CODES)


def test_command_line_exit_status(capsys):
    """`python -m bot.lint DIR` exits 0 when clean, 1 with findings, 2 without terms/."""
    assert main([str(CONTENT)]) == 0
    assert main([str(FIXTURES / "TERM005")]) == 1
    assert "TERM005" in capsys.readouterr().out
    assert main([str(FIXTURES / "nowhere")]) == 2
