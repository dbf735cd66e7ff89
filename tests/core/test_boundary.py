"""The core is platform-neutral: it never imports a chat SDK."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_imports_no_platform_sdk():
    """Importing every module of bot.core loads neither discord nor telegram."""
    code = (
        "import pkgutil, importlib, sys, bot.core\n"
        "for m in pkgutil.walk_packages(bot.core.__path__, 'bot.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('discord', 'telegram'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_core_source_has_no_sdk_import_lines():
    """No file under bot/core has an import statement for discord or telegram."""
    offenders = [
        str(path) for path in (ROOT / "bot" / "core").rglob("*.py")
        for line in path.read_text().splitlines()
        if line.strip().startswith(("import discord", "from discord", "import telegram",
                                    "from telegram"))
    ]
    assert offenders == []
