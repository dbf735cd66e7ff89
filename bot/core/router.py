"""Command specs, the handler registry and the middleware chain.

A command is declared once, as a `CommandSpec` next to its handler; Discord's slash commands,
Telegram's command menu and `/help` are all generated from these specs.
"""

from __future__ import annotations

import difflib
import enum
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.types import Command, HandlerResult, Lang, Reply

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Text:
    """A string in both voices."""

    hi: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.hi if lang == "hi" else self.en


class Access(enum.StrEnum):
    ANYONE = "anyone"
    CHAT_ADMIN = "chat_admin"  # in groups only; in a private chat the user is the admin


class OptionType(enum.StrEnum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    # Another chat of the same platform, where the platform can pick one (Discord's channel
    # option): the handler gets its id as the value. Where commands are typed it is not offered.
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class Choice:
    """A fixed value an option may take, and what a picker shows for it (in both voices)."""

    value: str
    label: Text | None = None  # None: the value itself

    def shown(self, lang: Lang) -> str:
        return self.label.get(lang) if self.label else self.value


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    help: Text
    required: bool = False
    type: OptionType = OptionType.STRING
    choices: tuple[Choice | str, ...] = ()  # a plain string is a choice shown as its value
    autocomplete: str | None = None  # a named source (bot.core.complete): "terms", "zones"
    multiline: bool = False  # code: Discord opens a modal for it

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(c if isinstance(c, Choice) else Choice(c)
                                                  for c in self.choices))


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler gets: the command, the language to answer in, and the core's services."""

    command: Command
    lang: Lang
    core: Core

    def t(self, key: str, **fields: Any) -> str:
        from bot.core.i18n import t

        return t(self.lang, key, **fields)

    @property
    def services(self) -> Services:
        return self.core.services


Handler = Callable[[Context], Awaitable[Reply] | AsyncIterator[Reply]]


@dataclass(frozen=True, slots=True)
class Choices:
    """What a form asks to choose before the command runs (Discord's select menu under a
    message command, which carries no options): values of `option`, one chosen by default."""

    option: str
    values: tuple[tuple[str, str], ...]  # (value, label), at most 25 shown
    default: str | None = None


Prefill = Callable[[Context], Awaitable[str | None]]
Choose = Callable[[Context], Awaitable[Choices | None]]


@dataclass(frozen=True, slots=True)
class SubcommandSpec:
    """`/daily set <time> <zone>`: a platform with native subcommands (Discord) shows them as
    such; everywhere the handler still receives `args` as typed, e.g. "set 09:00 Asia/Kolkata"
    (an adapter with native subcommands types them so: the name, then the option values in
    the subcommand's order, and passes the values in `options` too).

    A `default` subcommand is what the bare command means where commands are typed:
    `/quiz await` is `/quiz ask await` on Telegram and the console. Discord cannot have both
    (a command with subcommands takes no options of its own), so there it is named."""

    name: str
    help: Text
    options: tuple[OptionSpec, ...] = ()
    default: bool = False
Next = Callable[[Context], AsyncIterator[Reply]]
Middleware = Callable[[Context, Next], AsyncIterator[Reply]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    help: Text
    handler: Handler = field(compare=False, repr=False)
    options: tuple[OptionSpec, ...] = ()
    subcommands: tuple[SubcommandSpec, ...] = ()
    access: Access = Access.ANYONE
    private: bool = False  # replies go only to the user (Discord ephemeral)
    long_running: bool = False  # may take seconds: Discord defers, Telegram shows "typing"
    hidden: bool = False  # reachable by buttons and typing, not listed in menus or /help
    # The bot later posts into the chat on its own (daily posts, a round's questions): offered
    # only where the bot is a member of the chat, not wherever a user took it along (Discord's
    # user install).
    posts_later: bool = False
    # What a group member who is not a chat admin can do with it, where that is less than `help`
    # says (/daily: only see the schedule). Menus per audience (Telegram's) show it to members.
    member_help: Text | None = None
    # The text a form for the multi-line option starts with (Discord's modal), from the command
    # as given so far (e.g. a challenge's starter, or the learner's last attempt).
    prefill: Prefill | None = field(default=None, compare=False, repr=False)
    # What to ask before running a message command (e.g. which challenge the code is for).
    choose: Choose | None = field(default=None, compare=False, repr=False)

    def usage(self) -> str:
        if self.subcommands:
            forms = [" ".join([f"/{self.name}", *(() if sub.default else (sub.name,)),
                               *(_usage(o) for o in sub.options if o.type is not OptionType.CHANNEL)])
                     for sub in self.subcommands]
            return " · ".join(forms)
        return " ".join([f"/{self.name}", *(_usage(o) for o in self.options
                                            if o.type is not OptionType.CHANNEL)])

    def subcommand(self, args: str) -> tuple[SubcommandSpec | None, str]:
        """The subcommand typed first in `args` and the rest; without one, the default
        subcommand (None if there is none) and all of `args`."""
        head, _, rest = args.strip().partition(" ")
        for sub in self.subcommands:
            if head.casefold() == sub.name:
                return sub, rest.strip()
        return next((sub for sub in self.subcommands if sub.default), None), args.strip()

    def menu_help(self, *, admin: bool) -> Text | None:
        """What a group's command menu says of this command to an admin or to a member; None
        where a member cannot use it at all (`access` CHAT_ADMIN)."""
        if admin:
            return self.help
        if self.access is Access.CHAT_ADMIN:
            return None
        return self.member_help or self.help

    def describe(self) -> dict[str, Any]:
        """A stable description of what platforms see of this command (for sync hashing)."""
        return {
            "name": self.name,
            "help": [self.help.hi, self.help.en],
            "options": [_describe(o) for o in self.options],
            "subcommands": [[s.name, s.help.hi, s.help.en, [_describe(o) for o in s.options],
                             s.default] for s in self.subcommands],
            "access": self.access.value,
            "private": self.private,
            "posts_later": self.posts_later,
        }


def _usage(option: OptionSpec) -> str:
    return f"<{option.name}>" if option.required else f"[{option.name}]"


def _describe(o: OptionSpec) -> list[Any]:
    return [o.name, o.help.hi, o.help.en, o.required, o.type.value,
            [[c.value, c.shown("hi"), c.shown("en")] for c in o.choices], o.autocomplete, o.multiline]


# difflib's ratio for a mistyped command: "trem" and "qiuz" (0.75), "rnu" (0.67) pass; "foo" does not.
COMMAND_GUESS_MIN = 0.6


class Router:
    def __init__(self) -> None:
        self._specs: dict[str, CommandSpec] = {}
        self._aliases: dict[str, str] = {}
        self.middlewares: list[Middleware] = []

    def add(self, spec: CommandSpec, *aliases: str) -> None:
        if spec.name in self._specs or spec.name in self._aliases:
            raise ValueError(f"command /{spec.name} registered twice")
        self._specs[spec.name] = spec
        for alias in aliases:
            self._aliases[alias] = spec.name

    def get(self, name: str) -> CommandSpec | None:
        name = name.lower()
        return self._specs.get(self._aliases.get(name, name))

    def closest(self, name: str) -> str | None:
        """The visible command a mistyped name most likely meant ("trem" -> "term"), or None."""
        names = [s.name for s in self.visible()]
        found = difflib.get_close_matches(name.lower(), names, n=1, cutoff=COMMAND_GUESS_MIN)
        return found[0] if found else None

    @property
    def specs(self) -> list[CommandSpec]:
        return list(self._specs.values())

    def visible(self) -> list[CommandSpec]:
        return [s for s in self._specs.values() if not s.hidden]

    def dispatch(self, ctx: Context, spec: CommandSpec) -> AsyncIterator[Reply]:
        """Run the handler behind the middleware chain, always as a stream of replies."""

        async def call(c: Context) -> AsyncIterator[Reply]:
            async for reply in as_stream(spec.handler(c)):
                yield reply

        chain: Next = call
        for middleware in reversed(self.middlewares):
            chain = _bind(middleware, chain)
        return chain(ctx)


def _bind(middleware: Middleware, nxt: Next) -> Next:
    def bound(ctx: Context) -> AsyncIterator[Reply]:
        return middleware(ctx, nxt)

    return bound


async def as_stream(result: HandlerResult | Awaitable[Reply]) -> AsyncIterator[Reply]:
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, Reply):
        yield result
        return
    async for reply in result:
        yield reply
