"""What the platforms show of the bot before anyone talks to it: `content/about.yml`, a
description and a short description in both voices (Telegram's "What can this bot do?" in an
empty chat, and its profile and shared-link line). Linted: ABOUT001 (the file's shape),
ABOUT002 (a text longer than a platform shows)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.content import ContentError, Voiced
from bot.core.text import utf16_len

ABOUT_FILE = "about.yml"
# Telegram's limits (setMyDescription, setMyShortDescription), in its UTF-16 units; the
# Telegram adapter's tests hold them against python-telegram-bot's constants.
DESCRIPTION_MAX = 512
SHORT_MAX = 120

ABOUT_CODES: dict[str, str] = {
    "ABOUT001": "about.yml does not parse, or has an unknown, missing or empty key",
    "ABOUT002": "a description is longer than a platform shows",
}


class About(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: Voiced
    short: Voiced


def load_about(root: Path) -> About | None:
    """The content's about.yml; None where there is none. Raises ContentError (ABOUT001)."""
    path = Path(root) / ABOUT_FILE
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(path, f"does not parse: {exc}".splitlines()[0], "ABOUT001") from None
    try:
        return About.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "the file"
        raise ContentError(path, f"{where}: {err['msg']}", "ABOUT001") from None


def too_long(about: About) -> list[str]:
    """What ABOUT002 reports: each text over its limit."""
    out = []
    for name, voiced, limit in (("description", about.description, DESCRIPTION_MAX),
                                ("short", about.short, SHORT_MAX)):
        for lang in ("hi", "en"):
            size = utf16_len(voiced.get(lang))
            if size > limit:
                out.append(f"{name}.{lang} is {size} characters, over {limit}")
    return out
