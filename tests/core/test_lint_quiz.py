"""The question bank lint: the real bank is clean, and each code has a failing fixture."""

from __future__ import annotations

from pathlib import Path

from bot.core.content import CARD_IDS, TERM_IDS
from bot.core.lint import CODES, lint
from bot.core.lint_quiz import QUIZ_CODES, lint_quiz
from bot.core.quizbank import Bank

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "lint_fixtures"


def test_whole_content_tree_lints_clean():
    """`python -m bot.core.lint content/` finds nothing in the cards or the bank."""
    assert [str(f) for f in lint(ROOT / "content")] == []


def test_bank_has_three_questions_per_term_in_both_voices():
    """At least 3 questions for each of the 15 terms (45+), every text in hi and en."""
    bank = Bank.from_dir(ROOT / "content" / "quiz", TERM_IDS)
    assert len(bank.entries) >= 45
    assert {t: len(bank.by_term.get(t, ())) >= 3 for t in TERM_IDS} == {t: True for t in TERM_IDS}
    for entry in bank.entries:
        q = entry.question
        assert q.prompt.hi and q.prompt.en and q.explain.hi and q.explain.en


def test_bank_has_runnable_snippet_questions():
    """Some questions are "predict the output" and "how long does this take" on real code."""
    kinds = [e.question.kind for e in Bank.from_dir(ROOT / "content" / "quiz").entries]
    assert kinds.count("output") >= 8 and kinds.count("timing") >= 5


def test_quiz_codes_are_part_of_the_lint():
    """QUIZ codes are listed with the card codes, so tests/core/test_lint.py checks a fixture
    for each (a whole content tree that trips exactly that code)."""
    assert set(QUIZ_CODES) <= set(CODES) and (FIXTURES / "QUIZ001" / "quiz").is_dir()


def test_missing_quiz_file_for_a_term_is_reported():
    """A curriculum term without a quiz file is QUIZ009, never silently skipped."""
    found = lint_quiz(FIXTURES / "QUIZ001" / "quiz", CARD_IDS, term_ids=["await"])
    assert any(f.code == "QUIZ009" and "await" in f.message for f in found)
