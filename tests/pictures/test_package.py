"""The pictures package stands alone: no platform SDK, no core, sandbox, storage or adapters;
only its port module (the core's pictures port served by it) imports the core's ports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.pictures import FontMissing, PictureError, TimelineChart, render_timeline
from bot.pictures import _style as style


def test_importing_pictures_pulls_in_no_sdk_and_no_other_bot_package():
    """Adapters and features may call it; it calls none of them (imports run one way)."""
    code = ("import sys, bot.pictures; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('discord', 'telegram', 'aiohttp') or m.startswith(('bot.core', 'bot.sandbox', "
            "'bot.storage', 'bot.adapters'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_port_module_imports_the_core_ports_and_nothing_of_the_platforms():
    """bot.pictures.port implements the core's port: it imports the core, never an adapter,
    the sandbox or storage (nor an SDK)."""
    code = ("import sys, bot.pictures.port; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('discord', 'telegram', 'aiohttp') or m.startswith(('bot.sandbox', 'bot.storage', "
            "'bot.adapters', 'bot.core.features'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_missing_font_is_a_picture_error_naming_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """Without fonts-dejavu-core the renderer says what to install, as a PictureError."""
    monkeypatch.setattr(style, "REGULAR", tmp_path / "none.ttf")
    style.font.cache_clear()
    try:
        with pytest.raises(FontMissing, match="fonts-dejavu-core") as err:
            render_timeline(TimelineChart(), "en")
        assert isinstance(err.value, PictureError)
    finally:
        style.font.cache_clear()
