"""The bot's profile on Telegram: its command menus and its descriptions, sent only when changed.

Menus come from the core's command specs, one per audience: private chats (the user decides
alone) and group administrators get every command; group members get what they can use, each
described as a member may use it (`CommandSpec.menu_help`). BotCommandScopeAllChatAdministrators
replaces the group list for administrators, so it holds everything. The default scope (any chat
no other scope covers) gets the members' list, the safe one.

Each menu and text goes out under no language code in the deployment's default voice, and under
each voice's own code ("hi" Hinglish, "en" English) for clients set to that language. Every part
is one Bot API call whose payload is hashed; the hash is stored per bot once the call succeeded,
so a restart sends nothing and a changed spec or text sends only its own parts.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)
from telegram.constants import BotCommandLimit
from telegram.error import TelegramError

from bot.core.about import About
from bot.core.ports.storage import PlatformState
from bot.core.router import CommandSpec
from bot.core.text import cut_line, utf16_len
from bot.core.types import LANGS, Lang

log = logging.getLogger(__name__)

# (scope, whether it sees what admins see)
SCOPES: tuple[tuple[BotCommandScope, bool], ...] = (
    (BotCommandScopeDefault(), False),
    (BotCommandScopeAllPrivateChats(), True),
    (BotCommandScopeAllGroupChats(), False),
    (BotCommandScopeAllChatAdministrators(), True),
)


@dataclass(frozen=True, slots=True)
class Part:
    """One Bot API call of the profile: `key` names it in the stored hashes."""

    key: str
    payload: Any  # what the call sends, JSON-able: hashed
    send: Callable[[Bot], Awaitable[object]] = field(compare=False, repr=False)  # send(bot): the call

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _description(text: str) -> str:
    # Counted in UTF-16 units: never over Telegram's limit, whichever unit its server counts in.
    return cut_line(text, BotCommandLimit.MAX_DESCRIPTION, measure=utf16_len)


def menu(specs: Sequence[CommandSpec], lang: Lang, *, admin: bool) -> list[BotCommand]:
    """The menu one audience sees, in one voice: what it can use, in the specs' order."""
    commands = []
    for spec in specs:
        text = spec.menu_help(admin=admin)
        if text is None or not _menu_name(spec.name):
            continue
        commands.append(BotCommand(spec.name, _description(text.get(lang))))
    return commands[: BotCommandLimit.MAX_COMMAND_NUMBER]


def _menu_name(name: str) -> bool:
    """What Telegram takes as a menu command; one bad name would make the whole call fail."""
    return (BotCommandLimit.MIN_COMMAND <= len(name) <= BotCommandLimit.MAX_COMMAND
            and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name))


def parts(specs: Sequence[CommandSpec], about: About | None, default_lang: Lang) -> list[Part]:
    """Every call of the profile: menus per scope and language code, then the descriptions."""
    codes: list[tuple[str | None, Lang]] = [(None, default_lang), *((lang, lang) for lang in LANGS)]
    out: list[Part] = []
    for scope, admin in SCOPES:
        for code, lang in codes:
            commands = menu(specs, lang, admin=admin)
            out.append(Part(f"commands:{scope.type}:{code or ''}",
                            [[c.command, c.description] for c in commands],
                            methodcaller("set_my_commands", commands, scope=scope,
                                         language_code=code)))
    if about is not None:
        for code, lang in codes:
            text, short = about.description.get(lang), about.short.get(lang)
            out.append(Part(f"description:{code or ''}", text, methodcaller(
                "set_my_description", text, language_code=code)))
            out.append(Part(f"short_description:{code or ''}", short, methodcaller(
                "set_my_short_description", short, language_code=code)))
    return out


async def sync(bot: Bot, state: PlatformState, wanted: Sequence[Part]) -> list[str]:
    """Send the parts whose hash differs from the one stored for this bot, at once; store each
    hash once its call succeeded. The keys sent. A refused call is logged and tried again at the
    next start; it never stops the bot."""
    prefix = f"telegram.profile:{bot.id}:"  # the hashes' names in the platform values
    stored = await state.platform_values(prefix)
    changed = [p for p in wanted if stored.get(p.key) != p.digest]
    results = await asyncio.gather(*(p.send(bot) for p in changed), return_exceptions=True)
    sent = []
    for part, result in zip(changed, results, strict=True):
        if isinstance(result, TelegramError):
            log.warning("telegram: could not set %s: %s", part.key, result)
        elif isinstance(result, BaseException):
            raise result
        else:
            await state.set_platform_value(prefix + part.key, part.digest)
            sent.append(part.key)
    if sent:
        log.info("telegram: profile updated (%d of %d parts changed)", len(sent), len(wanted))
    return sent
