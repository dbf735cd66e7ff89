"""Dependencies: every import is declared in pyproject.toml, the two lock files pin the same
exact versions with hashes, and the builds install from them (CI also installs the lowest
versions pyproject.toml allows and runs the adapter tests there)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
RUN_LOCK = PROJECT_ROOT / "requirements.lock"
DEV_LOCK = PROJECT_ROOT / "requirements-dev.lock"
FIRST_PARTY = {"bot", "tests", "bench"}


def _name(text: str) -> str:
    """A distribution name as PEP 503 compares them."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", text.strip())
    assert match, text
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _imports(folder: Path) -> set[str]:
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        if "lint_fixtures" in path.parts:  # broken on purpose
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - FIRST_PARTY


def _undeclared(folder: str, declared: set[str]) -> dict[str, list[str]]:
    providers = packages_distributions()
    missing = {}
    for module in sorted(_imports(PROJECT_ROOT / folder)):
        dists = [_name(d) for d in providers.get(module, [module])]
        if not declared.intersection(dists):
            missing[module] = dists
    return missing


def _pins(lock: Path) -> dict[str, str]:
    return {_name(m.group(1)): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9][^=\s]*)==(\S+)", lock.read_text(), re.M)}


RUNTIME = {_name(r) for r in PYPROJECT["dependencies"]}
DEV = {_name(r) for r in PYPROJECT["optional-dependencies"]["dev"]}


def test_every_import_of_the_bot_is_a_declared_runtime_dependency() -> None:
    """A module the bot imports comes from a distribution listed in [project] dependencies
    (not merely installed because something else pulled it in)."""
    assert _undeclared("bot", RUNTIME) == {}


def test_every_import_of_tests_and_benchmarks_is_declared() -> None:
    """Tests and benchmarks import only runtime or dev dependencies."""
    assert _undeclared("tests", RUNTIME | DEV) == {}
    assert _undeclared("bench", RUNTIME | DEV) == {}


@pytest.mark.parametrize("lock", [RUN_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_locks_pin_every_package_exactly_with_hashes(lock: Path) -> None:
    """Each entry is `name==version` followed by its hashes (pip --require-hashes needs both)."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text().split("\n", 2)[2].strip())
    assert len(entries) > 10
    for entry in entries:
        assert re.match(r"[A-Za-z0-9][^=\s]*==\S+", entry), entry
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_the_runtime_lock_is_the_dev_lock_without_dev_tools() -> None:
    """Same versions in both (the image runs what the tests ran); the runtime lock holds every
    runtime dependency and no dev tool."""
    run, dev = _pins(RUN_LOCK), _pins(DEV_LOCK)
    assert {name: dev.get(name) for name in run} == run
    assert RUNTIME <= run.keys()
    assert DEV <= dev.keys() and not (DEV - RUNTIME) & run.keys()


def test_locked_versions_meet_the_declared_floors() -> None:
    """A floor raised in pyproject.toml without `make lock` shows up here (and in `pip check`)."""
    pins = _pins(DEV_LOCK)
    low = {}
    for requirement in PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["dev"]:
        if floor := re.search(r"(?:>=|==)\s*([0-9][0-9.]*)", requirement):
            low[_name(requirement)] = tuple(int(x) for x in floor.group(1).split("."))
    below = {name: pins[name] for name, floor in low.items()
             if tuple(int(x) for x in re.findall(r"\d+", pins[name])[:len(floor)]) < floor}
    assert below == {}


def test_the_image_installs_the_lock_before_copying_the_code() -> None:
    """The Dockerfile's dependency layer depends on the lock only, so a code change reuses it."""
    lines = [line.strip() for line in (PROJECT_ROOT / "Dockerfile").read_text().splitlines()]
    copy_lock = lines.index("COPY requirements.lock ./")
    install = next(i for i, line in enumerate(lines)
                   if line.startswith("RUN pip install --require-hashes -r requirements.lock"))
    first_code = min(i for i, line in enumerate(lines)
                     if line.startswith("COPY") and i != copy_lock)
    assert copy_lock < install < first_code


def test_make_installs_the_sandbox_packages_before_the_lint() -> None:
    """`make test` runs sandbox-deps before the content lint, which runs code in the sandbox."""
    plan = subprocess.run(["make", "-n", "-W", "requirements-dev.lock", "test"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert "--require-hashes -r requirements-dev.lock" in plan
    assert plan.index("command -v bwrap") < plan.index("bot.lint ") < plan.index("pytest")


def test_ci_runs_the_adapter_tests_at_the_lowest_allowed_versions() -> None:
    """.ci/run installs lowest-direct versions into their own venv and runs tests/adapters."""
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "--resolution lowest-direct" in ci
    assert re.search(r"-m pytest tests/adapters\b", ci)
