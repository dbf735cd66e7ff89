"""One module per feature; each exposes `register(core)` adding its command specs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.app import Core


def register_all(core: Core) -> None:
    from bot.core.features import demo, help, lang, run, term

    for feature in (term, lang, run, demo, help):
        feature.register(core)
