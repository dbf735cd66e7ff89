"""A challenge is content: `content/challenges/<id>/` holds `challenge.yaml` (this model),
`starter.py`, `reference.py`, `checks.py` (the hidden checks, run in the sandbox beside the
learner's code) and `wrong/*.py` (known wrong answers, each listed with the check it fails)."""

from __future__ import annotations

import difflib
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.core.content import Voiced

CHALLENGE_ID = r"^[a-z][a-z0-9-]{1,40}$"
CHECK_ID = r"^[a-z][a-z0-9-]{1,40}$"
MANIFEST = "challenge.yaml"

Kind = Literal["fix-blocking", "missing-await", "move-await", "start-loop", "make-concurrent",
               "stop-starving", "cpu-tool", "predict",
               # level 2
               "keep-reference", "gather-errors", "task-group", "timeout", "cancel-cleanup",
               "bound-concurrency", "worker-pool", "pick-executor", "async-protocols"]


class CheckText(BaseModel):
    """One check's failure message in both voices ({placeholders} are filled with what the
    run measured) and the belief behind that failure."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hi: str = Field(min_length=1)
    en: str = Field(min_length=1)
    misconception: str | None = None

    def get(self, lang: str) -> str:
        return self.hi if lang == "hi" else self.en


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    wall_s: float = Field(gt=0)  # the lint holds both to the sandbox's limits (CHAL009)
    cpu_s: int = Field(gt=0)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=CHALLENGE_ID)
    term: str
    kind: Kind
    order: int = Field(ge=1, le=999)
    card: str  # the card to read after a failure whose check names no misconception
    title: Voiced
    task: Voiced
    done: Voiced
    hint: Voiced
    budget: Budget
    starter_s: float | None = Field(None, gt=0)  # the starter's time as a program
    starter_fails: str = Field(pattern=CHECK_ID)
    checks: dict[str, CheckText] = Field(min_length=1)
    wrong: dict[str, str] = {}  # wrong/<name>.py -> the check it must fail


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    meta: Manifest
    starter: str
    reference: str
    checks: str
    wrong: tuple[tuple[str, str, str], ...]  # (name, expected check, code)
    path: Path

    @property
    def term(self) -> str:
        return self.meta.term

    def text(self, check: str) -> CheckText | None:
        return self.meta.checks.get(check) or GENERIC.get(check)


class ChallengeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class UnknownChallenge(LookupError):
    """No challenge has this id; `suggestions` are the nearest ids (for "did you mean")."""

    def __init__(self, wanted: str, suggestions: tuple[str, ...]) -> None:
        super().__init__(wanted)
        self.wanted = wanted
        self.suggestions = suggestions


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_challenge(folder: Path) -> Challenge:
    """One challenge folder; ChallengeError(code, message) names what is wrong with it."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ChallengeError("CHAL001", f"{MANIFEST} is missing")
    try:
        meta = Manifest.model_validate(yaml.safe_load(_read(path)))
    except yaml.YAMLError as exc:
        raise ChallengeError("CHAL001", f"does not parse: {str(exc).splitlines()[0]}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "manifest"
        raise ChallengeError("CHAL001", f"{where}: {err['msg']}") from None
    files = {}
    for name in ("starter.py", "reference.py", "checks.py"):
        if not (folder / name).is_file():
            raise ChallengeError("CHAL003", f"{name} is missing")
        files[name] = _read(folder / name)
    wrong = []
    for name, check in sorted(meta.wrong.items()):
        file = folder / "wrong" / f"{name}.py"
        if not file.is_file():
            raise ChallengeError("CHAL003", f"wrong/{name}.py is listed but missing")
        wrong.append((name, check, _read(file)))
    return Challenge(meta.id, meta, files["starter.py"], files["reference.py"], files["checks.py"],
                     tuple(wrong), folder)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Challenges:
    """Every valid challenge under content/challenges, in path order."""

    def __init__(self, challenges: list[Challenge]) -> None:
        self.ordered = tuple(sorted(challenges, key=lambda c: (c.meta.order, c.id)))
        self.by_id = {c.id: c for c in self.ordered}

    @classmethod
    def from_dir(cls, root: Path) -> Challenges:
        """Load content/challenges (`root` is content/); invalid folders are the lint's
        business and are left out."""
        out = []
        for folder in challenge_dirs(Path(root)):
            try:
                out.append(load_challenge(folder))
            except ChallengeError:
                continue
        return cls(out)

    def __iter__(self) -> Iterator[Challenge]:
        return iter(self.ordered)

    def __len__(self) -> int:
        return len(self.ordered)

    def get(self, wanted: str) -> Challenge:
        key = wanted.strip().lower()
        if key in self.by_id:
            return self.by_id[key]
        near = difflib.get_close_matches(key, list(self.by_id), n=3, cutoff=0.6)
        raise UnknownChallenge(wanted, tuple(near))

    def for_term(self, term: str) -> tuple[Challenge, ...]:
        return tuple(c for c in self.ordered if c.term == term)

    def after(self, challenge_id: str) -> Challenge | None:
        """The next challenge in path order (what a ✅ suggests), None after the last."""
        ids = [c.id for c in self.ordered]
        i = ids.index(challenge_id) if challenge_id in ids else len(ids)
        return self.ordered[i + 1] if i + 1 < len(ids) else None


def challenge_dirs(root: Path) -> list[Path]:
    folder = root / "challenges"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _v(hi: str, en: str) -> CheckText:
    return CheckText(hi=hi, en=en)


# Checks the harness itself reports for every challenge; a manifest may give any of them its
# own words and misconception (e.g. `await-outside` explains its SyntaxError).
GENERIC: dict[str, CheckText] = {
    "syntax": _v("Line {line} par SyntaxError: {error}. Code chala hi nahi; pehle ye line theek karo.",
                 "SyntaxError on line {line}: {error}. The code never ran; fix that line first."),
    "crash": _v("Program line {line} par ruk gaya: {error}",
                "The program stopped on line {line}: {error}"),
    "exit": _v("Program exit status {code} ke saath khatam hua; 0 chahiye.",
               "The program ended with exit status {code}; it should be 0."),
    "never-awaited": _v("Coroutine '{name}' kabhi await nahi hua: call karne se sirf coroutine "
                        "object banta hai, chalta kuch nahi.",
                        "The coroutine '{name}' was never awaited: calling it only makes a "
                        "coroutine object, nothing runs."),
    "missing-function": _v("Function '{name}' nahi mila. Function ke naam mat badlo: grader "
                           "unhe call karta hai.",
                           "No function '{name}'. Keep the function names: the grader calls them."),
    "not-coroutine": _v("'{name}' ab bhi `async def` hona chahiye (coroutine function).",
                        "'{name}' must still be an `async def` (a coroutine function)."),
    "not-plain": _v("'{name}' plain `def` rehna chahiye: wo dusre thread ya process me chalta hai.",
                    "'{name}' must stay a plain `def`: it runs in another thread or process."),
    "too-slow": _v("Bahut slow: {what} {limit} s me khatam nahi hua.",
                   "Too slow: {what} did not finish within {limit} s."),
    "flood": _v("Program ne bahut zyada print kiya ({limit} characters se zyada); output chhota rakho.",
                "The program printed too much (over {limit} characters); keep the output short."),
    "memory": _v("Program ne memory limit paar kar di.", "The program went over the memory limit."),
    "lost": _v("Program grader ke khatam hone se pehle hi band ho gaya ({reason}).",
               "The program ended before the grader could finish ({reason})."),
}
