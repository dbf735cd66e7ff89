"""One module per feature; each exposes `register(core)` adding its command specs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.app import Core


def register_all(core: Core) -> None:
    from bot.core.features import (
        challenge,
        daily,
        demo,
        help,
        inside,
        lang,
        practice,
        quiz,
        run,
        scores,
        term,
    )

    for feature in (term, lang, help, inside, quiz, scores, practice, daily, run, demo, challenge):
        feature.register(core)
