"""The question bank lint: the real bank is clean, and each code has a failing fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content import CARD_IDS, TERM_IDS, Voiced
from bot.core.lint import CODES, lint
from bot.core.lint_quiz import QUIZ_CODES, check_question, lint_quiz, qualifiers
from bot.core.quizbank import Bank, BlindPlay, Misconception, Question
from bot.lint import open_sandbox

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "lint_fixtures"


def test_whole_content_tree_lints_clean():
    """`python -m bot.lint content/` finds nothing in the cards or the bank."""
    assert [str(f) for f in lint(ROOT / "content", open_sandbox=open_sandbox)] == []


def test_bank_has_eight_questions_per_term_in_both_voices():
    """At least 8 questions for each of the 15 terms (120+), every text in hi and en."""
    bank = Bank.from_dir(ROOT / "content" / "quiz", TERM_IDS)
    assert len(bank.entries) >= 120
    assert {t: len(bank.by_term.get(t, ())) >= 8 for t in TERM_IDS} == {t: True for t in TERM_IDS}
    for entry in bank.entries:
        q = entry.question
        assert q.prompt.hi and q.prompt.en and q.explain.hi and q.explain.en


def test_every_wrong_choice_is_explained_and_tagged():
    """3-4 choices; each wrong one has its own why in both voices and a known misconception."""
    bank = Bank.from_dir(ROOT / "content" / "quiz")
    for entry in bank.entries:
        q = entry.question
        assert 3 <= len(q.choices) <= 4, q.id
        for n in range(1, len(q.choices) + 1):
            picked = q.feedback(n)
            if picked.correct:
                assert picked.why is None and q.why(n, "en") is None
            else:
                assert q.why(n, "hi") and q.why(n, "en"), (q.id, n)
                assert picked.misconception in bank.misconceptions, (q.id, n)


def test_each_term_mixes_kinds_of_question():
    """Every term asks in at least three forms (output, bug, tool, verdict, order, recall)."""
    bank = Bank.from_dir(ROOT / "content" / "quiz")
    for term, entries in bank.by_term.items():
        assert len({e.question.shape for e in entries}) >= 3, term


def test_audited_tags_match_what_the_picker_believes():
    """The tags the audit found wrong now name the belief of whoever picks that choice."""
    bank = Bank.from_dir(ROOT / "content" / "quiz")

    def tag(qid: str, n: int) -> str | None:
        return bank.by_id[qid].question.feedback(n).misconception

    assert tag("await-1", 3) == "await-checked-at-compile"  # a SyntaxError: compile-time checking
    assert tag("event-loop-2", 1) == "create-task-runs-now"  # tick 0 first: create_task ran at once
    assert tag("asyncio-run-3", 1) == "async-def-runs"
    assert tag("starvation-3", 3) == "more-tasks-fix-starvation"
    assert tag("cpu-bound-1", 1) == tag("cpu-bound-1", 3) == "slow-means-cpu-bound"


def test_blind_play_is_near_chance_over_the_bank():
    """Always choice k, or always the longest (either voice): within 5 points of chance, in the
    bank's own order (what posts made before shuffling and the console show)."""
    bank = Bank.from_dir(ROOT / "content" / "quiz")
    blind = BlindPlay.of_bank(e.question for e in bank.entries)
    for k, rate in blind.position.items():
        assert abs(rate - blind.position_chance[k]) <= 0.05, (k, rate)
    for lang, rate in blind.longest.items():
        assert rate <= blind.chance + 0.05, (lang, rate)


def test_blind_play_counts_positions_ties_and_shown_order():
    """A tie for the longest shares the hit; a shown order moves what "choice k" means."""
    q = _question(("aaaa", "bbbb", "cc"), answer=1)
    assert BlindPlay.of_bank([q]).longest == {"hi": 0.5, "en": 0.5}
    assert BlindPlay.of_bank([q]).position == {1: 1.0, 2: 0.0, 3: 0.0}
    assert BlindPlay.of([(q, (3, 1, 2))]).position == {1: 0.0, 2: 1.0, 3: 0.0}


def test_feedback_rejects_a_choice_out_of_range():
    """A choice number outside the question is an error, never someone else's explanation."""
    q = _question(("a", "b", "c"), answer=2)
    with pytest.raises(ValueError):
        q.feedback(4)


def test_a_long_why_is_reported():
    """A wrong choice's why must fit a Telegram alert (200 characters) in each voice."""
    q = _question(("a", "b", "c"), answer=1)
    long_why = q.choices[1].model_copy(update={"why": Voiced(hi="x" * 201, en="y")})
    q = q.model_copy(update={"choices": (q.choices[0], long_why, q.choices[2])})
    found = check_question(q, "sync", Path("sync.yaml"), {"x": Misconception(card="sync", text=Voiced(
        hi="m", en="m"))}, ["sync"])
    assert [f.code for f in found] == ["QUIZ016"] and "hi why" in found[0].message


def test_qualifiers_are_whole_words():
    """"only" and "sirf" count, "onlyx" and "bass" do not; phrases match across words."""
    assert qualifiers("Only inside an async def", "en") == {"only"}
    assert qualifiers("onlyx bass", "hi") == set()
    assert qualifiers("Jab tak reply nahi", "hi") == {"jab", "jab tak"}


def _question(texts: tuple[str, ...], answer: int) -> Question:
    why = {"hi": "kyun", "en": "why"}
    return Question.model_validate({
        "id": "sync-99", "prompt": {"hi": "p", "en": "p"}, "answer": answer,
        "explain": {"hi": "e", "en": "e"},
        "choices": [{"text": t} if i == answer else {"text": t, "misconception": "x", "why": why}
                    for i, t in enumerate(texts, start=1)]})


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
