"""Lint of the question bank (`content/quiz/`), stable codes QUIZ001..QUIZ019.

Called by `python -m bot.lint content/`; each code has one failing fixture under
`tests/core/lint_fixtures/<CODE>/`. Whether a snippet's marked answer is what the interpreter
does is checked by running it, in tests/core/test_quiz_snippets.py, not here.

Tells (a right answer found without reading the question) are checked in both voices, per
question and over the whole bank in its stored order, since posts made before choices were
shuffled and the console show that order:
- QUIZ017 length: a right choice is longer than every wrong one by a clear margin (at least
  LENGTH_RATIO times the longest wrong one and LENGTH_MARGIN characters more); and over the
  bank, "always pick the longest" must not beat chance by more than MAX_Z standard deviations.
- QUIZ018 qualifiers: the right choice is the only one hedged or reasoned ("only", "usually",
  "because", "sirf", "kyunki" ...; QUALIFIERS). A learner learns that the careful-sounding
  choice wins; a wrong choice that is hedged too ("only at the top level") removes the tell.
- QUIZ019 position: for each position k, how often the right answer sits at k against what
  random placement gives (1/choices per question), as a z-score over the bank; beyond MAX_Z
  either way, "always pick k" (or never) beats chance.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from collections.abc import Iterable
from pathlib import Path

from bot.core.quizbank import (
    MISCONCEPTIONS_FILE,
    BankError,
    Misconception,
    Question,
    load_misconceptions,
    load_quiz_file,
    quiz_paths,
)

QUIZ_CODES: dict[str, str] = {
    "QUIZ001": "answer is not the number of one of the choices",
    "QUIZ002": "quiz file does not parse or does not fit the schema",
    "QUIZ003": "file name does not match its term, or the term is not a card",
    "QUIZ004": "question id is duplicated or does not start with its term",
    "QUIZ005": "a question needs 3 or 4 choices",
    "QUIZ006": "misconception is not defined in misconceptions.yaml",
    "QUIZ007": "misconception names a card that does not exist",
    "QUIZ008": "a wrong choice lacks a misconception, or the right choice has one",
    "QUIZ009": "a curriculum term has fewer than 8 questions (others 4), or no quiz file",
    "QUIZ010": "code snippet does not compile (unless the right answer is a SyntaxError)",
    "QUIZ011": "output question: a choice lacks its stdout, or two choices claim the same result",
    "QUIZ012": "timing question: a choice lacks seconds, or two choices are too close to tell apart",
    "QUIZ013": "output or timing question without code",
    "QUIZ014": "question too long for one chat message",
    "QUIZ015": "a card's `quizzes` list differs from its questions in the bank",
    "QUIZ016": "a wrong choice lacks its own explanation (why), or it is too long; or the right one has one",
    "QUIZ017": "length tell: the right choice is the longest by a clear margin",
    "QUIZ018": "qualifier tell: only the right choice is hedged or reasoned",
    "QUIZ019": "position tell: the right answers' positions are skewed over the bank",
}

MIN_QUESTIONS = 4  # a term outside the curriculum (level 2)
MIN_CURRICULUM_QUESTIONS = 8
LENGTH_RATIO = 1.3
LENGTH_MARGIN = 8
MAX_Z = 2.5
# Words and phrases that hedge, condition or give a reason. Matched as whole words, lower case.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "en": ("only", "usually", "mostly", "often", "sometimes", "generally", "typically", "may",
           "might", "unless", "if", "when", "until", "because", "since", "except", "as long as",
           "depends", "so that", "just"),
    "hi": ("sirf", "bas", "agar", "jab", "jab tak", "tabhi", "kyunki", "kyonki", "isliye",
           "aksar", "kabhi", "shayad", "zyaadatar", "zyadatar", "usually", "only", "because",
           "if", "when", "warna", "taaki"),
}
# Timing answers are checked as ratios on a noisy machine: choices must differ by this factor.
MIN_TIMING_RATIO = 1.8
MAX_QUESTION_CHARS = 3_000
# A picked choice's explanation must fit where it is shown: a Telegram alert or poll explanation
# holds 200 characters.
MAX_WHY_CHARS = 200


def _finding(path: Path, code: str, message: str):
    from bot.core.lint import Finding

    return Finding(str(path), code, message)


def check_question(q: Question, term: str, path: Path, misconceptions: dict[str, Misconception],
                   card_ids: Iterable[str]) -> list:
    out = []
    cards = set(card_ids)

    def add(code: str, message: str) -> None:
        out.append(_finding(path, code, f"{q.id}: {message}"))

    n = len(q.choices)
    if not 3 <= n <= 4:
        add("QUIZ005", f"has {n} choices")
    if not 1 <= q.answer <= n:
        add("QUIZ001", f"answer {q.answer}, choices 1..{n}")
        return out
    if not q.id.startswith(term + "-"):
        add("QUIZ004", f"id does not start with {term + '-'!r}")
    for i, choice in enumerate(q.choices, start=1):
        tag = choice.misconception
        if i == q.answer and tag:
            add("QUIZ008", f"the right choice {i} is tagged {tag!r}")
        elif i != q.answer and not tag:
            add("QUIZ008", f"wrong choice {i} has no misconception")
        if tag and tag not in misconceptions:
            add("QUIZ006", f"choice {i}: unknown misconception {tag!r}")
        elif tag and misconceptions[tag].card not in cards:
            add("QUIZ007", f"misconception {tag!r} names card {misconceptions[tag].card!r}")
        if i == q.answer and choice.why:
            add("QUIZ016", f"the right choice {i} has a why (the explain covers it)")
        elif i != q.answer and not choice.why:
            add("QUIZ016", f"wrong choice {i} has no why in both voices")
        elif choice.why:
            for lang in ("hi", "en"):
                if len(choice.why.get(lang)) > MAX_WHY_CHARS:
                    add("QUIZ016", f"choice {i}: the {lang} why is over {MAX_WHY_CHARS} characters")
    for lang in ("hi", "en"):
        right = len(q.right.text.get(lang).strip())
        wrong = max(len(c.text.get(lang).strip()) for i, c in enumerate(q.choices, 1) if i != q.answer)
        if right >= LENGTH_RATIO * wrong and right - wrong >= LENGTH_MARGIN:
            add("QUIZ017", f"{lang}: the right choice has {right} characters, the longest wrong one {wrong}")
        hedged = [bool(qualifiers(c.text.get(lang), lang)) for c in q.choices]
        if hedged[q.answer - 1] and sum(hedged) == 1:
            words = ", ".join(sorted(qualifiers(q.right.text.get(lang), lang)))
            add("QUIZ018", f"{lang}: only the right choice says {words}")
    if q.kind in ("output", "timing") and not q.code:
        add("QUIZ013", f"a {q.kind} question needs code")
    if q.code:
        syntax_is_answer = q.right.raises == "SyntaxError"
        try:
            compile(q.code, "<quiz>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:
            if not syntax_is_answer:
                add("QUIZ010", f"{exc.msg} (line {exc.lineno})")
    if q.kind == "output":
        results = []
        for i, choice in enumerate(q.choices, start=1):
            if choice.stdout is None:
                add("QUIZ011", f"choice {i} has no stdout")
            results.append((choice.stdout, choice.raises))
        if len(set(results)) != len(results):
            add("QUIZ011", "two choices claim the same stdout and exception")
    if q.kind == "timing":
        seconds = [c.seconds for c in q.choices]
        if any(s is None for s in seconds):
            add("QUIZ012", "every choice needs seconds")
        else:
            ordered = sorted(seconds)  # type: ignore[type-var]
            for a, b in itertools.pairwise(ordered):
                if b / a < MIN_TIMING_RATIO:  # type: ignore[operator]
                    add("QUIZ012", f"{a} s and {b} s are less than {MIN_TIMING_RATIO}x apart")
    for lang in ("hi", "en"):
        size = len(q.prompt.get(lang)) + len(q.code or "") + sum(
            len(c.text.get(lang)) for c in q.choices) + len(q.explain.get(lang))
        if size > MAX_QUESTION_CHARS:
            add("QUIZ014", f"{lang} is {size} characters, over {MAX_QUESTION_CHARS}")
    return out


def qualifiers(text: str, lang: str) -> set[str]:
    """The hedges and reasons (QUALIFIERS) a choice's text uses."""
    words = " " + " ".join(re.findall(r"\w+", text.lower())) + " "
    return {q for q in QUALIFIERS[lang] if f" {q} " in words}


def _z(hits: int, chances: list[float]) -> float:
    """How far `hits` is from what chance gives (a sum of Bernoulli trials), in standard
    deviations; 0 when chance alone decides every trial."""
    mean = sum(chances)
    sd = math.sqrt(sum(p * (1 - p) for p in chances))
    return (hits - mean) / sd if sd else 0.0


def check_bank_tells(questions: list[Question], root: Path) -> list:
    """QUIZ017 and QUIZ019 over the whole bank in its stored order (see the module docstring)."""
    out = []
    usable = [q for q in questions if 1 <= q.answer <= len(q.choices) and len(q.choices) >= 2]
    if not usable:
        return out
    width = max(len(q.choices) for q in usable)
    for k in range(1, width + 1):
        hits = sum(1 for q in usable if q.answer == k)
        chances = [1 / len(q.choices) if len(q.choices) >= k else 0.0 for q in usable]
        z = _z(hits, chances)
        if abs(z) > MAX_Z:
            out.append(_finding(root, "QUIZ019", f"{hits} of {len(usable)} right answers are choice {k}, "
                                f"chance gives {sum(chances):.1f} (z = {z:+.1f})"))
    for lang in ("hi", "en"):
        hits = 0
        for q in usable:
            sizes = [len(c.text.get(lang).strip()) for c in q.choices]  # type: ignore[arg-type]
            hits += sizes.count(max(sizes)) == 1 and sizes[q.answer - 1] == max(sizes)
        z = _z(hits, [1 / len(q.choices) for q in usable])
        if z > MAX_Z:
            out.append(_finding(root, "QUIZ017", f"{lang}: the right choice is the longest in {hits} of "
                                f"{len(usable)} questions (z = {z:+.1f})"))
    return out


def lint_quiz(root: Path, card_ids: Iterable[str], term_ids: Iterable[str] = ()) -> list:
    """Findings for the bank under `root` (content/quiz). `term_ids` are the terms that must
    each have a quiz file (empty: no coverage check)."""
    root = Path(root)
    cards = set(card_ids)
    out: list = []
    try:
        misconceptions = load_misconceptions(root / MISCONCEPTIONS_FILE)
    except BankError as exc:
        return [_finding(exc.path, exc.code, exc.message)]
    for key, mis in misconceptions.items():
        if mis.card not in cards:
            out.append(_finding(root / MISCONCEPTIONS_FILE, "QUIZ007",
                                f"{key!r} names card {mis.card!r}"))
    seen_ids: dict[str, Path] = {}
    counts: dict[str, int] = {}
    questions: list[Question] = []
    for path in quiz_paths(root):
        try:
            quiz = load_quiz_file(path)
        except BankError as exc:
            out.append(_finding(path, exc.code, exc.message))
            continue
        if quiz.term not in cards:
            out.append(_finding(path, "QUIZ003", f"term {quiz.term!r} is not a card"))
        elif path.stem != quiz.term:
            out.append(_finding(path, "QUIZ003", f"file is {path.name} but term is {quiz.term!r}"))
        counts[quiz.term] = counts.get(quiz.term, 0) + len(quiz.questions)
        for q in quiz.questions:
            if q.id in seen_ids:
                out.append(_finding(path, "QUIZ004", f"{q.id}: also in {seen_ids[q.id].name}"))
            seen_ids.setdefault(q.id, path)
            questions.append(q)
            out += check_question(q, quiz.term, path, misconceptions, cards)
    out += check_bank_tells(questions, root)
    curriculum = set(term_ids)
    for term, count in counts.items():
        need = MIN_CURRICULUM_QUESTIONS if term in curriculum else MIN_QUESTIONS
        if count < need:
            out.append(_finding(root / f"{term}.yaml", "QUIZ009",
                                f"{count} question(s), at least {need} needed"))
    for term in term_ids:
        if term not in counts and not (root / f"{term}.yaml").exists():
            out.append(_finding(root, "QUIZ009", f"no quiz file for {term!r}"))
    return out


def check_card_links(root: Path, card_quizzes: dict[str, tuple[str, ...]],
                     card_paths: dict[str, Path]) -> list:
    """Each card names its questions by id (front matter `quizzes`), in the bank's order, so
    a card and its questions can never drift apart. A quiz file that does not parse is reported
    by its own code and not compared."""
    out = []
    for card_id, listed in card_quizzes.items():
        path = Path(root) / f"{card_id}.yaml"
        try:
            bank = tuple(q.id for q in load_quiz_file(path).questions) if path.exists() else ()
        except BankError:
            continue
        if tuple(listed) != bank:
            out.append(_finding(card_paths[card_id], "QUIZ015",
                                f"quizzes is {list(listed)}, {path.name} has {list(bank)}"))
    return out


def question_count(root: Path) -> int:
    total = 0
    for path in quiz_paths(root):
        try:
            total += len(load_quiz_file(path).questions)
        except BankError:
            continue
    return total


__all__ = ["QUIZ_CODES", "lint_quiz", "question_count"]
