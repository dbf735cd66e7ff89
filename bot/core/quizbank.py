"""The question bank: `content/quiz/<card-id>.yaml` (one file per term) and
`content/quiz/misconceptions.yaml` (each misconception names the card that corrects it).

Validated by pydantic models with `extra="forbid"`, so a misspelt key is an error. Questions
link to cards from the question side (the file's `term`), so cards need not list them.
Question ids are stable: answers, reviews and scores in the database refer to them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.content import Voiced
from bot.core.types import Lang

MISCONCEPTIONS_FILE = "misconceptions.yaml"
QUESTION_ID_RE = r"^[a-z][a-z0-9-]*-[0-9]{1,3}$"
Kind = Literal["concept", "output", "timing"]
# What the question asks the learner to do (the mix a term's questions should cover). `kind`
# says how the answer is checked (by reading, by running the snippet, by timing it); `form` is
# only what the learner sees, so today's features that branch on `kind` are unaffected.
Form = Literal["recall", "output", "bug", "tool", "verdict", "order"]


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: Voiced
    misconception: str | None = None  # the wrong idea this wrong choice catches
    # A wrong choice's own explanation, shown when it is picked: why someone would think it,
    # why it is wrong. The right choice has none (the question's `explain` covers it).
    why: Voiced | None = None
    # What the interpreter does, for "output" questions: stdout (stripped) and the exception
    # type the snippet ends with, if any.
    stdout: str | None = None
    raises: str | None = None
    # For "timing" questions: the wall time this choice claims, in seconds (checked as a ratio).
    seconds: float | None = Field(default=None, gt=0)

    @field_validator("text", mode="before")
    @classmethod
    def _same_in_both(cls, value: object) -> object:
        # Output choices read the same in both voices: a plain string stands for both.
        if isinstance(value, str):
            return {"hi": value, "en": value}
        return value


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=QUESTION_ID_RE)
    kind: Kind = "concept"
    prompt: Voiced
    code: str | None = None  # a real snippet; "output"/"timing" questions run it in CI
    choices: tuple[Choice, ...]
    answer: int  # 1-based, as shown to users
    explain: Voiced
    form: Form | None = None  # None: "output" for output questions, else "recall"

    def choice_text(self, n: int, lang: Lang) -> str:
        return self.choices[n - 1].text.get(lang)

    @property
    def shape(self) -> Form:
        """The question's form, with the default filled in."""
        return self.form or ("output" if self.kind == "output" else "recall")

    def feedback(self, n: int) -> Feedback:
        """What to show a learner who picked choice `n` (1-based, in the bank's order, not
        the order a post showed): right or wrong, the picked choice's own explanation (None
        for the right one), and its misconception tag."""
        if not 1 <= n <= len(self.choices):
            raise ValueError(f"{self.id}: choice {n} is not in 1..{len(self.choices)}")
        choice = self.choices[n - 1]
        return Feedback(n, n == self.answer, choice.why, choice.misconception)

    def why(self, n: int, lang: Lang) -> str | None:
        """The picked choice's own explanation in one voice; None for the right choice."""
        why = self.feedback(n).why
        return why.get(lang) if why else None

    @property
    def right(self) -> Choice:
        return self.choices[self.answer - 1]


@dataclass(frozen=True, slots=True)
class Feedback:
    """A picked choice, judged: see Question.feedback."""

    choice: int
    correct: bool
    why: Voiced | None
    misconception: str | None


class QuizFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    term: str
    questions: tuple[Question, ...]


class Misconception(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    card: str  # the card that corrects it
    text: Voiced


class MisconceptionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    misconceptions: dict[str, Misconception]


class BankError(Exception):
    def __init__(self, path: Path, message: str, code: str = "QUIZ002") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Entry:
    """A question with the card it belongs to."""

    term: str
    question: Question

    @property
    def id(self) -> str:
        return self.question.id


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BankError(path, f"does not parse: {exc}".replace("\n", " ")) from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{where}: {err['msg']}{more}"


def load_quiz_file(path: Path) -> QuizFile:
    try:
        return QuizFile.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise BankError(path, _first_error(exc)) from None


def load_misconceptions(path: Path) -> dict[str, Misconception]:
    if not path.exists():
        return {}
    try:
        return MisconceptionFile.model_validate(_read_yaml(path)).misconceptions
    except ValidationError as exc:
        raise BankError(path, _first_error(exc)) from None


def quiz_paths(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).glob("*.yaml") if p.name != MISCONCEPTIONS_FILE)


class Bank:
    def __init__(self, entries: Iterable[Entry], misconceptions: dict[str, Misconception],
                 term_order: Sequence[str] = ()) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.by_id: dict[str, Entry] = {e.id: e for e in self.entries}
        self.misconceptions = misconceptions
        order = {term: i for i, term in enumerate(term_order)}
        self.by_term: dict[str, tuple[Entry, ...]] = {}
        for entry in self.entries:
            self.by_term.setdefault(entry.term, ())
            self.by_term[entry.term] += (entry,)
        # Curriculum order first (new questions in /practice follow the path), then the rest.
        self.ordered: tuple[Entry, ...] = tuple(sorted(
            self.entries, key=lambda e: (order.get(e.term, len(order)), e.id)))

    @classmethod
    def from_dir(cls, root: Path, term_order: Sequence[str] = ()) -> Bank:
        """Load every quiz file; raises BankError on the first broken one."""
        root = Path(root)
        entries = []
        for path in quiz_paths(root):
            quiz = load_quiz_file(path)
            entries += [Entry(quiz.term, q) for q in quiz.questions]
        return cls(entries, load_misconceptions(root / MISCONCEPTIONS_FILE), term_order)

    def pick(self, *, term: str | None = None, avoid: set[str] | frozenset[str] = frozenset(),
             rng: random.Random | None = None) -> Entry | None:
        """A random question (of one term), preferring those not in `avoid`."""
        pool = list(self.by_term.get(term, ())) if term else list(self.entries)
        if not pool:
            return None
        fresh = [e for e in pool if e.id not in avoid]
        return (rng or random).choice(fresh or pool)


# -- blind play: how far a player gets without reading the question -----------------------------

@dataclass(frozen=True, slots=True)
class BlindPlay:
    """Hit rates of players who never read the question, over a list of questions shown in a
    given order: "always pick choice k" and "always pick the longest" (per voice), beside
    what guessing at random gets (the mean of 1/choices)."""

    questions: int
    chance: float
    position: dict[int, float]  # k -> hit rate of always picking k (fewer choices: a miss)
    position_chance: dict[int, float]
    longest: dict[str, float]  # voice -> expected hit rate of always picking the longest

    @classmethod
    def of(cls, shown: Iterable[tuple[Question, Sequence[int]]]) -> BlindPlay:
        """`shown`: each question with the order its choices were shown in (bank numbers)."""
        rows = [(q, tuple(order)) for q, order in shown]
        n = len(rows) or 1
        width = max((len(order) for _, order in rows), default=0)
        position = {k: sum(1 for q, order in rows if len(order) >= k and order[k - 1] == q.answer) / n
                    for k in range(1, width + 1)}
        position_chance = {k: sum(1 / len(order) for _, order in rows if len(order) >= k) / n
                           for k in range(1, width + 1)}
        longest = {}
        for lang in ("hi", "en"):
            hits = 0.0
            for q, order in rows:
                sizes = [len(q.choices[i - 1].text.get(lang).strip()) for i in order]  # type: ignore[arg-type]
                tied = [i for i, size in zip(order, sizes, strict=True) if size == max(sizes)]
                hits += (q.answer in tied) / len(tied)  # equals: the player picks one at random
            longest[lang] = hits / n
        chance = sum(1 / len(order) for _, order in rows) / n
        return cls(len(rows), chance, position, position_chance, longest)

    @classmethod
    def of_bank(cls, questions: Iterable[Question]) -> BlindPlay:
        """In the bank's own order, as the console and posts made before shuffling show it."""
        return cls.of((q, range(1, len(q.choices) + 1)) for q in questions)
