"""Demos: `content/demos/<id>.py` (the program) + `<id>.yml` (title, what the cards claim, the
cards it belongs to, its wall time, and machine-checkable claims). CI runs every demo in the
sandbox and checks its real output against its claims, so a card can never teach something the
interpreter contradicts. Timing claims are ratios and orders with wide margins, never ms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.content import Voiced

if TYPE_CHECKING:
    from bot.core.ports.sandbox import RunResult

DEMO_ID = r"^[a-z][a-z0-9-]{0,40}$"


def _regex(value: str) -> str:
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"bad regular expression {value!r}: {exc}") from None
    if compiled.groups != 1:
        raise ValueError(f"{value!r} must capture exactly one number")
    return value


class Ratio(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    num: str
    den: str
    max: float | None = None
    min: float | None = None

    _re = field_validator("num", "den")(_regex)


class Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pattern: str
    max: float | None = None
    min: float | None = None

    _re = field_validator("pattern")(_regex)


class Claim(BaseModel):
    """Exactly one of: the output contains a text, the exit code, a number in a range, a ratio
    of two numbers in a range, the timeline shows the loop blocked by something."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    contains: str | None = None
    exit: int | None = None
    value: Value | None = None
    ratio: Ratio | None = None
    blocked_by: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Claim:
        if sum(v is not None for v in (self.contains, self.exit, self.value, self.ratio,
                                       self.blocked_by)) != 1:
            raise ValueError("a claim has exactly one of contains, exit, value, ratio, blocked_by")
        return self


class DemoMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Voiced
    says: Voiced
    cards: tuple[str, ...] = Field(min_length=1)
    wall_s: float = Field(5.0, gt=0, le=60)
    claims: tuple[Claim, ...] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Demo:
    id: str
    meta: DemoMeta
    code: str
    path: Path


class DemoError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


def load_demo(meta_path: Path) -> Demo:
    demo_id = meta_path.stem
    if not re.match(DEMO_ID, demo_id):
        raise DemoError("DEMO004", f"{demo_id!r} is not a valid demo id")
    try:
        raw = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        meta = DemoMeta.model_validate(raw)
    except yaml.YAMLError as exc:
        raise DemoError("DEMO004", f"does not parse: {str(exc).splitlines()[0]}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "metadata"
        raise DemoError("DEMO004", f"{where}: {err['msg']}") from None
    code_path = meta_path.with_suffix(".py")
    if not code_path.is_file():
        raise DemoError("DEMO001", f"{code_path.name} is missing")
    return Demo(demo_id, meta, code_path.read_text(encoding="utf-8"), code_path)


def load_demos(root: Path) -> dict[str, Demo]:
    """Every valid demo under root/demos, by id (invalid ones are the lint's business)."""
    out: dict[str, Demo] = {}
    for meta_path in sorted((Path(root) / "demos").glob("*.yml")):
        try:
            demo = load_demo(meta_path)
        except DemoError:
            continue
        out[demo.id] = demo
    return out


def _number(pattern: str, output: str) -> float | None:
    match = re.search(pattern, output)
    if not match:
        return None
    try:
        return float(match.group(1))
    except ValueError:
        return None


def _in_range(x: float, lo: float | None, hi: float | None) -> bool:
    return (lo is None or x >= lo) and (hi is None or x <= hi)


def check(demo: Demo, result: RunResult) -> list[str]:
    """Each claim the real run contradicts, in words (empty = the card tells the truth)."""
    out: list[str] = []
    text = result.output
    for claim in demo.meta.claims:
        if claim.contains is not None and claim.contains not in text:
            out.append(f"output lacks {claim.contains!r}")
        elif claim.exit is not None and (result.ending != "exit" or result.exit_code != claim.exit):
            out.append(f"expected exit {claim.exit}, got {result.ending} {result.exit_code}")
        elif claim.value is not None:
            v = _number(claim.value.pattern, text)
            if v is None or not _in_range(v, claim.value.min, claim.value.max):
                out.append(f"{claim.value.pattern!r} = {v}, expected in "
                           f"[{claim.value.min}, {claim.value.max}]")
        elif claim.ratio is not None:
            num, den = _number(claim.ratio.num, text), _number(claim.ratio.den, text)
            ratio = num / den if num is not None and den else None
            if ratio is None or not _in_range(ratio, claim.ratio.min, claim.ratio.max):
                out.append(f"ratio {num}/{den} = {ratio}, expected in "
                           f"[{claim.ratio.min}, {claim.ratio.max}]")
        elif claim.blocked_by is not None:
            blocked = [r for r in result.timeline.records
                       if r.kind == "b" and r.name.startswith(claim.blocked_by)]
            if not blocked:
                out.append(f"timeline shows no loop blocked by {claim.blocked_by}")
    return out
