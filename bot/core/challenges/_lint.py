"""Lint of the challenges (`content/challenges/`), stable codes CHAL001..CHAL016.

Called by `python -m bot.lint content/`; each code has one failing fixture under
`tests/core/lint_fixtures/<CODE>/`. The static checks need nothing; CHAL013..CHAL016 RUN every
challenge in the sandbox (the reference passes; the starter and each known wrong answer fail on
the check they are meant to fail). Where the sandbox cannot start, those runs are skipped with a
note on stderr, except under CI=true, where that is an error: CI installs the sandbox.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.challenges._grade import Outcome, build_program, parse, run_program
from bot.core.challenges._model import (
    GENERIC,
    Challenge,
    ChallengeError,
    challenge_dirs,
    load_challenge,
    placeholders,
)
from bot.core.ports.sandbox import SandboxPort, Unavailable

CHAL_CODES: dict[str, str] = {
    "CHAL001": "challenge.yaml is missing, does not parse or does not fit the schema",
    "CHAL002": "challenge id does not match its folder",
    "CHAL003": "a challenge file is missing, or a wrong answer is not listed in challenge.yaml",
    "CHAL004": "challenge term is not a curriculum term or a level-2 card",
    "CHAL005": "challenge card does not exist",
    "CHAL006": "a check's misconception is not defined in misconceptions.yaml",
    "CHAL007": "a check's message has other placeholders in one voice, or ones the harness never fills",
    "CHAL008": "reference or checks do not compile, or the starter compiles though meant to fail so",
    "CHAL009": "budget beyond the sandbox's limits",
    "CHAL010": "the starter or a wrong answer is meant to fail a check the challenge does not have",
    "CHAL011": "checks.py fails a check that challenge.yaml does not describe",
    "CHAL012": "a curriculum term or a level-2 card has no challenge",
    "CHAL013": "the reference solution does not pass in the sandbox",
    "CHAL014": "the starter does not fail on its intended check in the sandbox",
    "CHAL015": "a wrong answer does not fail on its intended check in the sandbox",
    "CHAL016": "the starter's run time is far from its starter_s",
}

# The sandbox's ceilings a challenge's budget must stay under (bot.sandbox.Limits defaults).
MAX_WALL_S = 30.0
# Opens a sandbox for the lint's runs, given how many will queue at once.
SandboxOpener = Callable[[int], AbstractAsyncContextManager[SandboxPort]]
MAX_CPU_S = 10
RETRIES = 2  # a surprising result (or a sandbox that did not start) on a busy host: again
STARTER_RATIO = 4.0  # starter_s is a claim about a noisy machine: only a 4x miss is reported


def _finding(path: Path, code: str, message: str):
    from bot.core.lint import Finding

    return Finding(str(path), code, message)


@dataclass(frozen=True, slots=True)
class Job:
    challenge: Challenge
    label: str  # "reference", "starter", "wrong/<name>"
    code: str
    expected: str | None  # the check it must fail; None: it must pass

    @property
    def key(self) -> str:
        budget = self.challenge.meta.budget
        text = f"{self.challenge.checks}\0{self.code}\0{budget.wall_s}\0{budget.cpu_s}"
        return hashlib.sha256(text.encode()).hexdigest()


_memo: dict[str, Outcome] = {}  # the same program twice in one process runs once


def _fails_literals(checks: str) -> set[str]:
    """Check ids checks.py passes to h.fail("...") as literals."""
    out = set()
    for node in ast.walk(ast.parse(checks)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "fail" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.add(node.args[0].value)
    return out


def check_static(ch: Challenge, folder: Path, terms: set[str], cards: set[str],
                 misconceptions: set[str]) -> list:
    out = []
    meta = ch.meta
    manifest = folder / "challenge.yaml"

    def add(code: str, message: str, path: Path = manifest) -> None:
        out.append(_finding(path, code, message))

    if meta.id != folder.name:
        add("CHAL002", f"folder is {folder.name!r} but id is {meta.id!r}")
    if meta.term not in terms:
        add("CHAL004", f"term {meta.term!r} is not a curriculum term or a level-2 card")
    if meta.card not in cards:
        add("CHAL005", f"card {meta.card!r} does not exist")
    listed = set(meta.wrong)
    wrong_dir = folder / "wrong"
    if wrong_dir.is_dir():
        for path in sorted(wrong_dir.glob("*.py")):
            if path.stem not in listed:
                add("CHAL003", f"wrong/{path.name} is not listed under `wrong:`")
    for check_id, text in meta.checks.items():
        if text.misconception and text.misconception not in misconceptions:
            add("CHAL006", f"check {check_id}: unknown misconception {text.misconception!r}")
        hi, en = placeholders(text.hi), placeholders(text.en)
        if hi != en:
            add("CHAL007", f"check {check_id}: hi has {sorted(hi)}, en has {sorted(en)}")
        elif check_id in GENERIC and not en <= placeholders(GENERIC[check_id].en):
            extra = sorted(en - placeholders(GENERIC[check_id].en))
            add("CHAL007", f"check {check_id}: the harness never fills {extra}")
    for name, code in (("reference.py", ch.reference), ("checks.py", ch.checks),
                       ("starter.py", ch.starter)):
        try:
            compile(code, name, "exec", dont_inherit=True)
        except SyntaxError as exc:
            meant = name == "starter.py" and meta.starter_fails in ("syntax", *_syntax_hooks(ch))
            if not meant:
                add("CHAL008", f"{name}: {exc.msg} (line {exc.lineno})", folder / name)
        else:
            if name == "starter.py" and meta.starter_fails == "syntax":
                add("CHAL008", "starter.py compiles but is meant to fail on its SyntaxError",
                    folder / name)
    budget = meta.budget
    if budget.wall_s > MAX_WALL_S or budget.cpu_s > MAX_CPU_S:
        add("CHAL009", f"budget wall {budget.wall_s} s, cpu {budget.cpu_s} s; the sandbox allows "
                       f"at most {MAX_WALL_S} s and {MAX_CPU_S} s")
    known = set(meta.checks) | set(GENERIC)
    for label, expected in (("starter", meta.starter_fails), *meta.wrong.items()):
        if expected not in known:
            add("CHAL010", f"{label} is meant to fail {expected!r}, which is not a check here")
    try:
        used = _fails_literals(ch.checks)
    except SyntaxError:
        used = set()  # already CHAL008
    for check_id in sorted(used - known):
        add("CHAL011", f"checks.py fails {check_id!r}, which challenge.yaml does not describe",
            folder / "checks.py")
    return out


def _syntax_hooks(ch: Challenge) -> set[str]:
    """Checks a `syntax` hook of checks.py may name instead of the generic one."""
    try:
        tree = ast.parse(ch.checks)
    except SyntaxError:
        return set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "syntax":
            return _fails_literals(ast.unparse(node))
    return set()


def _raw_term(folder: Path) -> str | None:
    try:
        raw = yaml.safe_load((folder / "challenge.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    term = raw.get("term") if isinstance(raw, dict) else None
    return term if isinstance(term, str) else None


def jobs_for(ch: Challenge) -> list[Job]:
    jobs = [Job(ch, "reference", ch.reference, None), Job(ch, "starter", ch.starter, ch.meta.starter_fails)]
    jobs += [Job(ch, f"wrong/{name}", code, expected) for name, expected, code in ch.wrong]
    return jobs


def _surprising(job: Job, outcome: Outcome) -> bool:
    return outcome.check != job.expected


async def _run_jobs(jobs: list[Job], sandbox: SandboxPort) -> dict[str, Outcome]:
    results: dict[str, Outcome] = {}
    gate = asyncio.Semaphore(max(1, sandbox.load().capacity))

    async def one(job: Job) -> None:
        if job.key in _memo:
            results[job.key] = _memo[job.key]
            return
        budget = job.challenge.meta.budget
        async with gate:
            for attempt in range(RETRIES + 1):
                nonce = os.urandom(12).hex()
                program = build_program(job.challenge, job.code, nonce)
                try:
                    result = await run_program(sandbox, program, wall_s=budget.wall_s,
                                               cpu_s=budget.cpu_s)
                except Unavailable:  # one sandbox did not start in time (a busy host): again
                    if attempt == RETRIES:
                        raise
                    await asyncio.sleep(1.0)
                    continue
                outcome = parse(result, nonce, cpu_s=budget.cpu_s)
                if not _surprising(job, outcome) or attempt == RETRIES:
                    break
        results[job.key] = _memo[job.key] = outcome

    async with asyncio.TaskGroup() as tg:
        for job in jobs:
            tg.create_task(one(job))
    return results


async def _with_sandbox(jobs: list[Job], open_sandbox: SandboxOpener) -> dict[str, Outcome] | str:
    async with open_sandbox(len(jobs) + 1) as sandbox:
        if not sandbox.available:
            return str(sandbox.reason)
        return await _run_jobs(jobs, sandbox)


def run_in_sandbox(jobs: list[Job], open_sandbox: SandboxOpener | None
                   ) -> dict[str, Outcome] | None:
    """Outcomes by job key; None when no sandbox can run them here (outside CI). The lint is
    handed its sandbox (`python -m bot.lint` opens a local one): the core never picks one."""
    if not jobs:
        return {}
    got = (asyncio.run(_with_sandbox(jobs, open_sandbox)) if open_sandbox is not None
           else "no sandbox was given to the lint")
    if isinstance(got, str):
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"the sandbox cannot start, so the challenges cannot be checked: {got}")
        print(f"lint: the sandbox cannot start here ({got}): challenges were not run",
              file=sys.stderr)
        return None
    return got


def check_runs(challenges: list[tuple[Challenge, Path]], open_sandbox: SandboxOpener | None
               ) -> list:
    jobs = [job for ch, _ in challenges for job in jobs_for(ch)]
    outcomes = run_in_sandbox(jobs, open_sandbox)
    if outcomes is None:
        return []
    out = []
    for job in jobs:
        outcome = outcomes[job.key]
        folder = job.challenge.path
        path = folder / (f"{job.label}.py")
        said = f"{outcome.check} {dict(outcome.values)}" if outcome.check else "passes"
        if job.expected is None and outcome.check is not None:
            out.append(_finding(path, "CHAL013", f"fails: {said}"))
        elif job.label == "starter" and outcome.check != job.expected:
            out.append(_finding(path, "CHAL014", f"meant to fail {job.expected}, but {said}"))
        elif job.label.startswith("wrong/") and outcome.check != job.expected:
            out.append(_finding(path, "CHAL015", f"meant to fail {job.expected}, but {said}"))
        claim = job.challenge.meta.starter_s
        if (job.label == "starter" and claim and outcome.program_s is not None
                and max(claim, outcome.program_s) >= 0.1):  # below that, a ratio says nothing
            # A busy host only ever lengthens a run: too slow counts after its wait is taken off.
            too_fast = outcome.program_s < claim / STARTER_RATIO
            too_slow = outcome.program_s - outcome.stalled_s > claim * STARTER_RATIO
            if too_fast or too_slow:
                out.append(_finding(folder / "challenge.yaml", "CHAL016",
                                    f"starter_s is {claim} s, the starter took {outcome.program_s} s"))
    return out


def lint_challenges(root: Path, card_ids: Iterable[str], term_ids: Iterable[str],
                    misconceptions: Iterable[str], open_sandbox: SandboxOpener | None = None,
                    beyond_ids: Iterable[str] = ()) -> list:
    """Findings for root/challenges (root is content/); nothing when there is no such folder.
    A challenge belongs to a curriculum term (`term_ids`) or a level-2 card (`beyond_ids`), and
    each of both has one."""
    folders = challenge_dirs(Path(root))
    if not folders:
        return []
    cards, tags = set(card_ids), set(misconceptions)
    terms = set(term_ids) | set(beyond_ids)
    out = []
    clean: list[tuple[Challenge, Path]] = []
    covered = set()
    for folder in folders:
        try:
            ch = load_challenge(folder)
        except ChallengeError as exc:
            out.append(_finding(folder / "challenge.yaml", exc.code, exc.message))
            covered.add(_raw_term(folder))  # reported once: its term is not also "uncovered"
            continue
        covered.add(ch.meta.term)
        found = check_static(ch, folder, terms & cards, cards, tags)
        out += found
        if not found:  # a challenge with a static fault is not worth a sandbox run
            clean.append((ch, folder))
    for term in sorted(terms - covered):
        out.append(_finding(Path(root) / "challenges", "CHAL012", f"no challenge for {term!r}"))
    out += check_runs(clean, open_sandbox)
    return out
