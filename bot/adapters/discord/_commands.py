"""Slash commands generated from the core's command specs, and their sync.

A command is declared once, as a `CommandSpec`; this module turns the visible specs into
Discord's application command JSON (chat-input commands, plus a message context-menu command
for every spec with a multi-line option) and syncs it only when its hash changed: the hash is
stored per application id and scope, so a restart costs no command writes (Discord allows 200
creates a day per guild), and a fresh database syncs once.

The JSON is what discord.py's `CommandTree` would send (`app_commands.Command.to_dict` and
`get_translated_payload`): the same keys, with its enums for the values. The tree itself is not
used because the commands are data (specs) rather than typed callbacks, and both voices already
sit in each spec, so a `Translator` would only copy them: the default voice is the description,
the other voice its localisation (`description_localizations`, keyed by `discord.Locale`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

import discord
from discord import app_commands

from bot.core.router import Choice, CommandSpec, OptionSpec, OptionType, Text
from bot.core.text import cut_line
from bot.core.types import Lang

log = logging.getLogger(__name__)

# Discord's limits for application commands.
NAME_RE = re.compile(r"^[-_a-z0-9]{1,32}$")
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CONTEXT_NAME_MAX = 32

CHAT_INPUT, MESSAGE = discord.AppCommandType.chat_input.value, discord.AppCommandType.message.value
SUB_COMMAND, STRING, INTEGER, BOOLEAN, CHANNEL = (
    t.value for t in (discord.AppCommandOptionType.subcommand, discord.AppCommandOptionType.string,
                      discord.AppCommandOptionType.integer, discord.AppCommandOptionType.boolean,
                      discord.AppCommandOptionType.channel))
_TYPES = {OptionType.STRING: STRING, OptionType.INTEGER: INTEGER, OptionType.BOOLEAN: BOOLEAN,
          OptionType.CHANNEL: CHANNEL}
# Where a daily post (or any message) can go: text and announcement channels, and threads.
POSTABLE = [t.value for t in (discord.ChannelType.text, discord.ChannelType.news,
                              discord.ChannelType.public_thread, discord.ChannelType.private_thread,
                              discord.ChannelType.news_thread)]
# Installed to a server only, used there and in the bot's DMs: commands after which the bot
# posts into the chat by itself (it must be a member there).
SERVER_INSTALL = app_commands.AppInstallationType(guild=True, user=False).to_array()
SERVER_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True).to_array()
# Also installed to a user's account, and so usable in any server, DM or group DM they are in.
ANY_INSTALL = app_commands.AppInstallationType(guild=True, user=True).to_array()
ANY_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True).to_array()
# Discord's locales for each voice. Hinglish is written in Latin script; `hi` is the locale its
# readers' clients have.
LOCALES: dict[Lang, tuple[discord.Locale, ...]] = {
    "en": (discord.Locale.american_english, discord.Locale.british_english),
    "hi": (discord.Locale.hindi,),
}


def _describe(text: str, fallback: str) -> str:
    """1-100 characters, one line (Discord refuses the whole sync otherwise)."""
    return cut_line(text, DESCRIPTION_MAX) or cut_line(fallback, DESCRIPTION_MAX)


def _other(lang: Lang) -> Lang:
    return "en" if lang == "hi" else "hi"


def _described(text: Text, fallback: str, lang: Lang) -> dict[str, Any]:
    """The description in the default voice, the other voice as its localisations."""
    other = _describe(text.get(_other(lang)), fallback)
    return {"description": _describe(text.get(lang), fallback),
            "description_localizations": {locale.value: other for locale in LOCALES[_other(lang)]}}


def _choice(choice: Choice, lang: Lang) -> dict[str, Any]:
    data: dict[str, Any] = {"name": _describe(choice.shown(lang), choice.value), "value": choice.value}
    if choice.label is not None:
        other = _describe(choice.shown(_other(lang)), choice.value)
        data["name_localizations"] = {locale.value: other for locale in LOCALES[_other(lang)]}
    return data


def multiline_option(spec: CommandSpec) -> OptionSpec | None:
    return next((o for o in spec.options if o.multiline), None)


def context_menu_name(spec: CommandSpec) -> str:
    """"Run code" for /run: the name users see in a message's Apps menu."""
    return f"{spec.name.capitalize()} code"[:CONTEXT_NAME_MAX]


def _option(opt: OptionSpec, lang: Lang) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": _TYPES[opt.type],
        "name": opt.name,
        **_described(opt.help, opt.name, lang),
        # A multi-line option is never required on Discord: without it a modal asks for it.
        "required": opt.required and not opt.multiline,
    }
    if opt.type is OptionType.CHANNEL:
        data["channel_types"] = POSTABLE
    if opt.choices:
        data["choices"] = [_choice(c, lang) for c in opt.choices[:CHOICES_MAX]]
    elif opt.autocomplete:
        data["autocomplete"] = True
    return data


def _options(specs: tuple[OptionSpec, ...], lang: Lang) -> list[dict[str, Any]]:
    options = [_option(o, lang) for o in specs[:OPTIONS_MAX]]
    # Discord requires required options first; specs keep their order otherwise.
    options.sort(key=lambda o: not o["required"])
    return options


def invoked(spec: CommandSpec | None, data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The typed form (`args`) and the option values of an invocation. A subcommand is typed
    as its name, then its option values in the spec's order (what the core's handler reads
    where commands are typed: "round 5 await")."""
    options = data.get("options", [])
    resolved = data.get("resolved", {}).get("channels", {})
    sub = next((o for o in options if o.get("type") == SUB_COMMAND), None)
    if sub is not None:
        values = _values(sub.get("options", []), resolved)
        found = next((s for s in spec.subcommands if s.name == sub.get("name")), None) if spec else None
        names = [o.name for o in found.options] if found else list(values)
        return " ".join([str(sub.get("name", "")), *(values[n] for n in names if values.get(n))]), values
    values = _values(options, resolved)
    names = [o.name for o in spec.options] if spec else list(values)
    return " ".join(values[n] for n in names if values.get(n)), values


def _values(options: list[dict[str, Any]], channels: dict[str, Any]) -> dict[str, str]:
    """Option values as text; a channel is its id, kept only when Discord resolved it (a
    channel the invoking user can see in this server)."""
    return {o["name"]: str(o["value"]) for o in options if "value" in o
            and (o.get("type") != CHANNEL or str(o["value"]) in channels)}


def focused_option(spec: CommandSpec | None, data: dict[str, Any]
                   ) -> tuple[dict[str, Any] | None, OptionSpec | None]:
    """The option being typed in an autocomplete request (inside a subcommand or not) and its
    spec."""
    options = data.get("options", [])
    sub = next((o for o in options if o.get("type") == SUB_COMMAND), None)
    specs: tuple[OptionSpec, ...] = spec.options if spec else ()
    if sub is not None:
        options = sub.get("options", [])
        found = next((s for s in spec.subcommands if s.name == sub.get("name")), None) if spec else None
        specs = found.options if found else ()
    focused = next((o for o in options if o.get("focused")), None)
    if focused is None:
        return None, None
    return focused, next((o for o in specs if o.name == focused.get("name")), None)


def command_payloads(specs: list[CommandSpec], lang: Lang = "hi") -> list[dict[str, Any]]:
    """Discord's JSON for these specs: descriptions (and choice names) in the default voice
    `lang`, the other voice as their localisations (English under en-US and en-GB, Hinglish
    under hi). A command after which the bot posts by itself (`posts_later`) is for servers
    that added the bot; every other one may also be added to a user's account, and so used
    wherever that user is (DMs with friends, servers without the bot)."""
    payloads: list[dict[str, Any]] = []
    for spec in specs:
        if not NAME_RE.match(spec.name):
            log.warning("discord: /%s is not a valid slash command name; not synced", spec.name)
            continue
        if spec.subcommands:
            # A command with subcommands takes no options of its own on Discord: each form,
            # the default one included, is a subcommand with its options.
            options = [{"type": SUB_COMMAND, "name": sub.name,
                        **_described(sub.help, sub.name, lang),
                        "options": _options(sub.options, lang)}
                       for sub in spec.subcommands[:OPTIONS_MAX] if NAME_RE.match(sub.name)]
        else:
            options = _options(spec.options, lang)
        where = {"contexts": SERVER_CONTEXTS if spec.posts_later else ANY_CONTEXTS,
                 "integration_types": SERVER_INSTALL if spec.posts_later else ANY_INSTALL}
        payloads.append({
            "type": CHAT_INPUT,
            "name": spec.name,
            **_described(spec.help, f"/{spec.name}", lang),
            "options": options,
            **where,
        })
        if multiline_option(spec):
            payloads.append({"type": MESSAGE, "name": context_menu_name(spec), **where})
    return payloads


def payload_hash(payloads: list[dict[str, Any]]) -> str:
    canonical = json.dumps(payloads, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# What the bot needs in a server: post (daily posts, a round's questions) as embeds, in channels
# and threads. Answers to commands need none of these.
INVITE_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True,
                                         send_messages_in_threads=True, embed_links=True)


def invite_url(application_id: int | str) -> str:
    """The link that adds the bot to a server with the permissions it needs."""
    return discord.utils.oauth_url(application_id, permissions=INVITE_PERMISSIONS,
                                   scopes=("bot", "applications.commands"))


def scope_of(dev_guild_id: int | None) -> str:
    return f"guild:{dev_guild_id}" if dev_guild_id else "global"


def guild_of(scope: str) -> int | None:
    """The guild id of a `guild:<id>` scope (None for "global" or anything else)."""
    kind, _, ident = scope.partition(":")
    return int(ident) if kind == "guild" and ident.isdigit() else None


_FENCE_RE = re.compile(r"```[ \t]*(?:[A-Za-z0-9_+-]+)?[ \t]*\n(?P<code>.*?)```", re.S)
_INLINE_RE = re.compile(r"`(?P<code>[^`\n]+)`")


def code_of_message(content: str) -> str:
    """The code in a posted message: its first fenced block, else the message when it is just
    one inline code span, else the whole text."""
    if match := _FENCE_RE.search(content):
        return match["code"].rstrip("\n")
    if content.count("```") >= 2:  # ```code``` on one line
        return content.split("```")[1].strip("\n")
    if match := _INLINE_RE.fullmatch(content.strip()):
        return match["code"]
    return content.strip("\n") if content.strip() else ""
