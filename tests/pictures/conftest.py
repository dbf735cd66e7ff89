"""Without Debian's fonts-dejavu-core the picture tests skip locally (`make test` installs it as
root) but FAIL under CI=true, where it must be installed."""

from __future__ import annotations

import os

import pytest

from bot.pictures import _style


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if (_style.REGULAR.exists() and _style.BOLD.exists()) or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"{_style.REGULAR} missing: install fonts-dejavu-core (make fonts)")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here) and "missing_font" not in item.name:
            item.add_marker(skip)
