"""Slash commands generated from the core's command specs, and their sync.

A command is declared once, as a `CommandSpec`; this module turns the visible specs into
Discord's application command JSON (chat-input commands, plus a message context-menu command
for every spec with a multi-line option) and syncs it only when its hash changed: the hash is
stored per application id and scope, so a restart costs no command writes (Discord allows 200
creates a day per guild), and a fresh database syncs once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from bot.core.router import CommandSpec, OptionSpec, OptionType

log = logging.getLogger(__name__)

# Discord's limits for application commands.
NAME_RE = re.compile(r"^[-_a-z0-9]{1,32}$")
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CONTEXT_NAME_MAX = 32

CHAT_INPUT, MESSAGE = 1, 3  # application command types
SUB_COMMAND, STRING, INTEGER, BOOLEAN = 1, 3, 4, 5  # option types
_TYPES = {OptionType.STRING: STRING, OptionType.INTEGER: INTEGER, OptionType.BOOLEAN: BOOLEAN}
GUILD, BOT_DM = 0, 1  # interaction contexts
GUILD_INSTALL = 0  # integration type


def _describe(text: str, fallback: str) -> str:
    """1-100 characters, one line (Discord refuses the whole sync otherwise)."""
    text = " ".join(text.split()) or fallback
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def multiline_option(spec: CommandSpec) -> OptionSpec | None:
    return next((o for o in spec.options if o.multiline), None)


def context_menu_name(spec: CommandSpec) -> str:
    """"Run code" for /run: the name users see in a message's Apps menu."""
    return f"{spec.name.capitalize()} code"[:CONTEXT_NAME_MAX]


def _option(opt: OptionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": _TYPES[opt.type],
        "name": opt.name,
        "description": _describe(opt.help.en, opt.name),
        # A multi-line option is never required on Discord: without it a modal asks for it.
        "required": opt.required and not opt.multiline,
    }
    if opt.choices:
        data["choices"] = [{"name": c, "value": c} for c in opt.choices[:CHOICES_MAX]]
    elif opt.autocomplete:
        data["autocomplete"] = True
    return data


def _options(specs: tuple[OptionSpec, ...]) -> list[dict[str, Any]]:
    options = [_option(o) for o in specs[:OPTIONS_MAX]]
    # Discord requires required options first; specs keep their order otherwise.
    options.sort(key=lambda o: not o["required"])
    return options


def invoked(spec: CommandSpec | None, data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The typed form (`args`) and the option values of an invocation. A subcommand is typed
    as its name, then its option values in the spec's order (what the core's handler reads
    where commands are typed: "round 5 await")."""
    options = data.get("options", [])
    sub = next((o for o in options if o.get("type") == SUB_COMMAND), None)
    if sub is not None:
        values = {o["name"]: str(o["value"]) for o in sub.get("options", []) if "value" in o}
        found = next((s for s in spec.subcommands if s.name == sub.get("name")), None) if spec else None
        names = [o.name for o in found.options] if found else list(values)
        return " ".join([str(sub.get("name", "")), *(values[n] for n in names if values.get(n))]), values
    values = {o["name"]: str(o["value"]) for o in options if "value" in o}
    names = [o.name for o in spec.options] if spec else list(values)
    return " ".join(values[n] for n in names if values.get(n)), values


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


def command_payloads(specs: list[CommandSpec]) -> list[dict[str, Any]]:
    """Discord's JSON for these specs. The English help is the description: Discord localises
    descriptions by client locale, and Hinglish (Latin script) is no client locale."""
    payloads: list[dict[str, Any]] = []
    for spec in specs:
        if not NAME_RE.match(spec.name):
            log.warning("discord: /%s is not a valid slash command name; not synced", spec.name)
            continue
        if spec.subcommands:
            # A command with subcommands takes no options of its own on Discord: each form,
            # the default one included, is a subcommand with its options.
            options = [{"type": SUB_COMMAND, "name": sub.name,
                        "description": _describe(sub.help.en, sub.name),
                        "options": _options(sub.options)}
                       for sub in spec.subcommands[:OPTIONS_MAX] if NAME_RE.match(sub.name)]
        else:
            options = _options(spec.options)
        payloads.append({
            "type": CHAT_INPUT,
            "name": spec.name,
            "description": _describe(spec.help.en, f"/{spec.name}"),
            "options": options,
            "contexts": [GUILD, BOT_DM],
            "integration_types": [GUILD_INSTALL],
        })
        if multiline_option(spec):
            payloads.append({
                "type": MESSAGE,
                "name": context_menu_name(spec),
                "contexts": [GUILD, BOT_DM],
                "integration_types": [GUILD_INSTALL],
            })
    return payloads


def payload_hash(payloads: list[dict[str, Any]]) -> str:
    canonical = json.dumps(payloads, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scope_of(dev_guild_id: int | None) -> str:
    return f"guild:{dev_guild_id}" if dev_guild_id else "global"


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
