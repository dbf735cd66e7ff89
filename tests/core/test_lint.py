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


def _with_card(tmp_path: Path, front: str) -> Path:
    """The valid tree plus one card beyond the curriculum, whose front matter starts with `front`."""
    import shutil

    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", root)
    body = (FIXTURES / "TERM019" / "terms" / "taskgroup.md").read_text(encoding="utf-8")
    body = body.replace("order: 2\ntrack: 2\n", front)
    (root / "terms" / "taskgroup.md").write_text(body, encoding="utf-8")
    return root


def test_level_two_card_needs_no_curriculum_lines(tmp_path: Path):
    """A `track: 2` card ordered after the sheet is clean with sections of its own."""
    assert lint(_with_card(tmp_path, "order: 3\ntrack: 2\n")) == []


def test_card_beyond_the_curriculum_without_track_fails(tmp_path: Path):
    """Without `track: 2` a card the curriculum lacks is TERM017, pointing at the track."""
    findings = lint(_with_card(tmp_path, "order: 3\n"))
    assert [f.code for f in findings] == ["TERM017"]
    assert "track: 2" in findings[0].message


def test_unknown_track_is_an_invalid_value(tmp_path: Path):
    """Only tracks 1 and 2 exist."""
    assert [f.code for f in lint(_with_card(tmp_path, "order: 3\ntrack: 3\n"))] == ["TERM003"]


def test_level_two_cards_share_no_place(tmp_path: Path):
    """Two level-2 cards with the same order: TERM019 for the second."""
    root = _with_card(tmp_path, "order: 3\ntrack: 2\n")
    other = (root / "terms" / "taskgroup.md").read_text(encoding="utf-8")
    (root / "terms" / "semaphore.md").write_text(
        other.replace("id: taskgroup", "id: semaphore").replace("TaskGroup", "Semaphore"),
        encoding="utf-8")
    assert [f.code for f in lint(root)] == ["TERM019"]


def test_level_two_card_needs_a_quiz_file(tmp_path: Path):
    """Where there is a question bank, a level-2 card without its quiz file is QUIZ009."""
    root = _with_card(tmp_path, "order: 3\ntrack: 2\n")
    (root / "quiz").mkdir()
    assert "no quiz file for 'taskgroup'" in {f.message for f in lint(root) if f.code == "QUIZ009"}


def _challenges_with_level_two(tmp_path: Path) -> Path:
    """CHAL004's tree with a level-2 card (taskgroup) beside its two curriculum terms."""
    import shutil

    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "CHAL004", root)
    body = (FIXTURES / "TERM019" / "terms" / "taskgroup.md").read_text(encoding="utf-8")
    (root / "terms" / "taskgroup.md").write_text(body.replace("order: 2\n", "order: 3\n"),
                                                 encoding="utf-8")
    return root


def test_a_challenge_may_belong_to_a_level_two_card(tmp_path: Path):
    """CHAL004 accepts a level-2 card's id as a challenge's term (its fixture's unknown term fails)."""
    root = _challenges_with_level_two(tmp_path)
    manifest = root / "challenges" / "say-more" / "challenge.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("term: nope", "term: taskgroup"),
                        encoding="utf-8")
    assert lint(root, open_sandbox=open_sandbox) == []


def test_a_level_two_card_needs_a_challenge(tmp_path: Path):
    """Where there are challenges, a level-2 card without one is CHAL012, like a curriculum term."""
    root = _challenges_with_level_two(tmp_path)
    import shutil

    shutil.rmtree(root / "challenges" / "say-more")
    findings = lint(root, open_sandbox=open_sandbox)
    assert [(f.code, f.message) for f in findings] == [("CHAL012", "no challenge for 'taskgroup'")]
