"""The console adapter: the same core in a terminal. Used when no platform token is set, and
always for `python -m bot --once "..."`."""

from __future__ import annotations

import asyncio
import getpass
import sys
import threading
from typing import TextIO

from bot.adapters.plain import render
from bot.core.app import Core
from bot.core.types import ChatKind, ChatRef, Reply, UserRef

PROMPT = "async-guru> "


def console_identity() -> tuple[ChatRef, UserRef]:
    """One stable identity: the same user across runs, so progress and settings persist."""
    try:
        name = getpass.getuser()
    except Exception:  # no user name in some containers
        name = "you"
    return ChatRef("console", "local", ChatKind.PRIVATE), UserRef("console", "local", name)


class ConsoleAdapter:
    name = "console"

    def __init__(self, core: Core, out: TextIO | None = None, *, serving: bool = True) -> None:
        """`serving=False`: one command, then the process ends (`python -m bot --once`). Nothing
        could post into the console afterwards, so it is no deliverer: a command that posts
        later (a timed round) then says it needs the running bot instead of starting."""
        self.core = core
        self.out = out or sys.stdout
        self.chat, self.user = console_identity()
        if serving:
            core.register_deliverer("console", self)

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        self._print(reply)

    def _print(self, reply: Reply) -> None:
        self.out.write(render(reply))
        self.out.flush()

    async def once(self, text: str) -> None:
        """Handle one command line and print its final reply."""
        self._print(await self.core.handle_text(text, self.chat, self.user, is_admin=True))

    async def run(self) -> None:
        """The host's Adapter protocol: serve stdin until it ends."""
        await self.interactive()

    async def interactive(self, stdin: TextIO | None = None) -> None:
        """Read commands until end of input. A line with an open ``` fence continues until it
        closes, so multi-line code can be typed or pasted."""
        lines = _LineReader(stdin or sys.stdin)
        interactive = (stdin or sys.stdin).isatty()
        if interactive:
            self.out.write("async-guru console. Try /learn, /term await or /help. Ctrl-D exits.\n")
        pending: str | None = None  # a line read ahead that turned out to be a command of its own
        while True:
            if interactive and pending is None:
                self.out.write(PROMPT)
                self.out.flush()
            line, pending = (pending, None) if pending is not None else (await lines.get(), None)
            if line is None:
                return
            text = line
            if self._awaits_code(text):
                # `/submit fix-blocking` and then a ``` fence on the next line: one command.
                if interactive:
                    self.out.write("... ```\n")
                    self.out.flush()
                more = await lines.get()
                if more is not None and more.lstrip().startswith("```"):
                    text = text.rstrip("\n") + "\n" + more
                else:
                    pending = more
            while text.count("```") % 2 == 1:
                more = await lines.get()
                if more is None:
                    break
                text += more
            async for reply in self.core.stream_text(text.rstrip("\n"), self.chat, self.user,
                                                     is_admin=True):
                self._print(reply)


    def _awaits_code(self, line: str) -> bool:
        """A command that takes code (a multi-line option), typed with at most an id: its code
        may follow in a fence on the next lines."""
        stripped = line.strip()
        if not stripped.startswith("/") or "```" in stripped:
            return False
        name, _, args = stripped[1:].partition(" ")
        spec = self.core.router.get(name)
        return (spec is not None and any(o.multiline for o in spec.options)
                and len(args.split()) <= 1)


class _LineReader:
    """stdin lines from a daemon thread: reading never blocks the event loop, and a pending
    read never keeps the process alive at exit."""

    def __init__(self, stream: TextIO) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._eof = False
        loop = asyncio.get_running_loop()

        def pump() -> None:
            try:
                for line in stream:
                    loop.call_soon_threadsafe(self._queue.put_nowait, line)
            finally:
                loop.call_soon_threadsafe(self._queue.put_nowait, None)

        threading.Thread(target=pump, name="console-stdin", daemon=True).start()

    async def get(self) -> str | None:
        """The next line, or None at end of input (and every time after it)."""
        if self._eof:
            return None
        line = await self._queue.get()
        self._eof = line is None
        return line
