"""The platform-neutral core: one object that every adapter talks to.

`Core.stream(command)` answers a command with a stream of replies (usually one; progress then
result for long work). It never raises: a user's mistake gets a friendly reply, our own error is
logged with context and the user gets an apology. `Core.deliver(chat, reply)` is the one port
for messages the bot starts itself (daily posts); each adapter registers a `Deliverer`.

Everything the core needs from outside comes in one frozen `Services` (bot/core/services.py);
what the core offers features besides it is declared here: the router, the runtime monitors,
the answer hooks (bot/core/events.py) and the list of background services the host runs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar, cast

from bot.core.content import Library
from bot.core.events import AnswerHooks, SubmissionHooks
from bot.core.fleet import Fleet
from bot.core.i18n import t
from bot.core.monitor import LatencyHistogram, Runtime
from bot.core.ports.delivery import Deliverer, TargetGone
from bot.core.router import Access, Choices, CommandSpec, Context, Next, Router
from bot.core.services import BackgroundService, Services
from bot.core.text import LABEL_MAX, cut_line
from bot.core.turns import Turns
from bot.core.types import (
    BUTTON_PAYLOAD_MAX_BYTES,
    DEFAULT_LANG,
    LANGS,
    Button,
    ChatKind,
    ChatRef,
    Command,
    Lang,
    Paragraph,
    Reply,
    UserRef,
)

__all__ = ["MAX_ARGS_CHARS", "Core", "Deliverer", "TargetGone"]

log = logging.getLogger(__name__)

T = TypeVar("T")

# Longest argument text accepted (a /run snippet included): beyond this, a polite refusal.
MAX_ARGS_CHARS = 20_000


class Core:
    def __init__(self, library: Library, services: Services, *,
                 default_lang: Lang = DEFAULT_LANG) -> None:
        # A store passed where the services belong fails here, not in the middle of a command.
        if not isinstance(services, Services):
            raise TypeError(f"Core needs a Services object, got {type(services).__name__}")
        self.library = library
        self.services = services
        self.default_lang: Lang = default_lang
        self.router = Router()
        self.router.middlewares.append(_guard_errors)
        # What /inside, /healthz and /metrics read: lag, adapter states, load providers.
        self.runtime = Runtime()
        self.turns = Turns()
        self.answers = AnswerHooks()  # /answer publishes, practice subscribes
        self.submissions = SubmissionHooks()  # /submit publishes, practice subscribes
        # The live processes sharing the bot's tokens: the daily scheduler's heartbeat counts
        # them, the per-token limiters (its pacer, adapters' rate limiters) split by it.
        self.fleet = Fleet()
        self._background: list[BackgroundService] = []
        from bot.core import features

        features.register_all(self)

    # -- commands ----------------------------------------------------------------------------

    @property
    def specs(self) -> list[CommandSpec]:
        return self.router.specs

    def reply_times(self, command: Command) -> LatencyHistogram:
        """Where an adapter records how long `command` took to its first reply (/metrics):
        under its canonical name (an alias counts as its command), "unknown" for a name no
        command has, "text" for plain text."""
        name = command.name.strip()
        spec = self.router.get(name) if name else None
        return self.runtime.replies.histogram(spec.name if spec else "unknown" if name else "text")

    async def lang_for(self, command: Command) -> Lang:
        """The user's own choice, else the chat's default, else Hinglish. The client's locale
        is never consulted: Hinglish is the product's voice unless someone chooses otherwise."""
        for value in await self.services.prefs.langs(command.user.key, command.chat.key):
            if value in LANGS:
                return cast(Lang, value)
        return self.default_lang

    def _unknown(self, command: Command, shown: str, lang: Lang) -> Reply:
        """No such command: the one most likely meant, as a button that runs it with the same
        arguments where they fit one ("/trem await" offers /term await)."""
        guess = self.router.closest(command.name)
        if guess is None:
            return Reply.text(t(lang, "unknown_command", name=shown), private=True)
        args = command.args.strip()
        text = t(lang, "unknown_command_guess", name=shown, guess=guess)
        if "\n" in args or len(f"{guess} {args}".encode()) > BUTTON_PAYLOAD_MAX_BYTES:
            # Code or a long text: the reply cannot carry it, so say how to send it again.
            return Reply.text(text + " " + t(lang, "unknown_command_again", guess=guess), private=True)
        line = f"/{guess} {args}".rstrip()
        return Reply(blocks=(Paragraph.plain(text),),
                     buttons=((Button(cut_line(line, LABEL_MAX), guess, args),),),
                     private=True)

    async def stream(self, command: Command, *, lang: Lang | None = None) -> AsyncIterator[Reply]:
        """`lang`: the language an adapter already read for this command (`lang_for`) to render
        its own messages; passed on, it is not read twice (with PostgreSQL each read is a round
        trip to the server)."""
        await self.turns.turn()  # a burst of updates starts one per loop iteration
        if lang is None:
            lang = await self._safe_lang(command)
        ctx = Context(command=command, lang=lang, core=self)
        name = command.name.strip()
        if not name:
            yield Reply.text(t(lang, "not_a_command"), private=True)
            return
        spec = self.router.get(name)
        if spec is None:
            shown = name if len(name) <= 32 and name.isprintable() else name[:32] + "…"
            yield self._unknown(command, shown, lang)
            return
        if len(command.args) > MAX_ARGS_CHARS:
            yield Reply.text(t(lang, "too_long", size=len(command.args), limit=MAX_ARGS_CHARS),
                             private=True)
            return
        if (spec.access is Access.CHAT_ADMIN and command.chat.kind is ChatKind.GROUP
                and not command.is_admin):
            yield Reply.text(t(lang, "admin_only"), private=True)
            return
        async for reply in self.router.dispatch(ctx, spec):
            yield reply

    async def prefill(self, command: Command) -> str | None:
        """What a form for the command's multi-line option starts with (None: empty). Never
        raises: a form opens anyway."""
        return await self._ask_spec(command, "prefill", lambda spec: spec.prefill)

    async def choices(self, command: Command) -> Choices | None:
        """What to ask before running the command from a message (None: nothing)."""
        return await self._ask_spec(command, "choices", lambda spec: spec.choose)

    async def _ask_spec(self, command: Command, what: str,
                        hook: Callable[[CommandSpec], Callable[[Context], Awaitable[T]] | None]
                        ) -> T | None:
        """Call the command's optional form hook; None when it has none. Never raises: a hook's
        failure is logged and reads as None, so the form opens anyway."""
        spec = self.router.get(command.name)
        call = hook(spec) if spec is not None else None
        if call is None:
            return None
        try:
            return await call(Context(command, await self._safe_lang(command), self))
        except Exception:
            log.exception("core: %s of /%s failed for %s", what, command.name, command.user.key)
            return None

    async def handle(self, command: Command) -> Reply:
        """The final reply of a command (progress replies are dropped)."""
        last: Reply | None = None
        async for reply in self.stream(command):
            last = reply
        return last or Reply.text(t(self.default_lang, "internal_error"), private=True)

    async def stream_text(self, text: str, chat: ChatRef, user: UserRef, *,
                          is_admin: bool = False, bot_username: str | None = None,
                          lang: Lang | None = None) -> AsyncIterator[Reply]:
        """A typed line: `/name args`, or a friendly hint for empty and non-command text.
        `lang` as for `stream`."""
        command = Command.from_text(text, chat, user, is_admin=is_admin,
                                    bot_username=bot_username)
        if command is None:
            base = Command("", "", chat, user, is_admin=is_admin)
            key = "empty_input" if not text.strip() else "not_a_command"
            if lang is None:
                lang = await self._safe_lang(base)
            yield Reply.text(t(lang, key), private=True)
            return
        async for reply in self.stream(command, lang=lang):
            yield reply

    async def handle_text(self, text: str, chat: ChatRef, user: UserRef, *,
                          is_admin: bool = False) -> Reply:
        last: Reply | None = None
        async for reply in self.stream_text(text, chat, user, is_admin=is_admin):
            last = reply
        return last or Reply.text(t(self.default_lang, "internal_error"), private=True)

    async def _safe_lang(self, command: Command) -> Lang:
        try:
            return await self.lang_for(command)
        except Exception:
            log.exception("core: could not read language for %s", command.user.key)
            return self.default_lang

    # -- messages the bot starts itself ------------------------------------------------------

    def register_deliverer(self, platform: str, deliverer: Deliverer) -> None:
        self.services.deliver.register(platform, deliverer)

    def delivers_to(self) -> frozenset[str]:
        """Platforms with a registered deliverer (the scheduler posts only to those)."""
        return self.services.deliver.delivers_to()

    async def deliver(self, chat: ChatRef, reply: Reply) -> str | None:
        return await self.services.deliver.deliver(chat, reply)

    # -- background work the features own ---------------------------------------------------

    def run_in_background(self, service: BackgroundService) -> None:
        """Declare a long-lived service (at registration); the host runs it in its TaskGroup."""
        self._background.append(service)

    def services_to_run(self) -> tuple[BackgroundService, ...]:
        return tuple(self._background)


async def _guard_errors(ctx: Context, call_next: Next) -> AsyncIterator[Reply]:
    """Errors we cause are logged with context; the user sees a friendly apology, never a
    traceback, and a stream that already showed progress still ends with a final reply."""
    try:
        async for reply in call_next(ctx):
            yield reply
    except Exception:
        cmd = ctx.command
        log.exception("core: /%s failed for %s in %s (args %d chars)",
                      cmd.name, cmd.user.key, cmd.chat.key, len(cmd.args))
        yield Reply.text(ctx.t("internal_error"), private=True)
