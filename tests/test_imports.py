"""Every import arrow runs one way: implementations (storage, sandbox) import the core's ports,
the core imports no implementation and no SDK, nothing below imports the host, and features
import shared modules, never each other. Read from the sources' syntax trees (every import
statement counts, also those inside functions and `if TYPE_CHECKING:` blocks)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports (relative imports resolved), by its full dotted name; for
    `from package import name`, both the package and `package.name`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def sources(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def offenders(folder: Path, banned: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {name}"
            for path in sources(folder) for name in sorted(imported(path))
            if any(name == b or name.startswith(b + ".") for b in banned)]


CORE_BANNED = ("discord", "telegram", "aiosqlite", "PIL", "bot.storage", "bot.sandbox",
               "bot.pictures", "bot.host", "bot.adapters")


def test_the_core_imports_no_sdk_and_no_implementation():
    """bot/core depends on its ports only: no chat SDK, no database driver, no drawing
    library, no storage, sandbox, pictures, host or adapter module."""
    assert offenders(BOT / "core", CORE_BANNED) == []


def test_the_sandbox_imports_neither_features_nor_the_host():
    """bot/sandbox implements the core's sandbox port and knows nothing of the features."""
    assert offenders(BOT / "sandbox", ("bot.core.features", "bot.host")) == []


def test_storage_never_imports_the_host():
    """bot/storage implements the storage ports; the host is above it."""
    assert offenders(BOT / "storage", ("bot.host",)) == []


def test_features_import_shared_modules_never_each_other():
    """A feature imports its own modules and the private shared ones (`_name`), never another
    feature: cross-feature work goes through shared modules or the core's event hooks."""
    features = BOT / "core" / "features"
    found = []
    for path in sources(features):
        parts = path.relative_to(features).with_suffix("").parts
        own = parts[0]
        for name in sorted(imported(path)):
            if not name.startswith("bot.core.features."):
                continue
            other = name.split(".")[3]
            if other != own and not other.startswith("_") and own != "__init__":
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    assert found == []


@pytest.mark.parametrize(("source", "expected"), [
    ("import discord\n", {"discord"}),
    ("from telegram.ext import Application\n", {"telegram.ext", "telegram.ext.Application"}),
    ("def f():\n    from bot.storage import Storage\n", {"bot.storage", "bot.storage.Storage"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import aiosqlite\n",
     {"typing", "typing.TYPE_CHECKING", "aiosqlite"}),
    ("from ..host import serve\n", {"bot.host", "bot.host.serve"}),
])
def test_the_check_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    """The checker itself: plain, dotted, local, TYPE_CHECKING and relative imports all count."""
    folder = tmp_path / "bot" / "core"
    folder.mkdir(parents=True)
    module = folder / "probe.py"
    module.write_text(source)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert imported(module) == expected
    banned = offenders(folder, CORE_BANNED)
    assert bool(banned) == bool(expected & {"discord", "telegram.ext", "bot.storage", "aiosqlite",
                                            "bot.host"})
