"""`python -m bot`: settings -> logging -> content -> storage, sandbox -> services -> core ->
adapters. Every implementation of a core port is built here, once, and handed to the core in
one frozen `Services`.

`python -m bot --once "/term await"` handles one command line with the console adapter (no
platform adapter, no scheduler, no stdin), prints the reply as plain text and exits 0. A
startup error (a bad setting, broken content, an unusable database path) is one line on stderr
and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys

from bot import logs
from bot.settings import Settings, SettingsError, load_settings


class StartupError(Exception):
    pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="async-guru: a chat bot that teaches asynchronous Python.",
    )
    parser.add_argument("--once", metavar="TEXT",
                        help='handle one command with the console adapter, e.g. "/term await"')
    return parser.parse_args(argv)


async def amain(settings: Settings, once: str | None) -> int:
    from bot.adapters.console import ConsoleAdapter
    from bot.core.app import Core
    from bot.core.challenges import Challenges
    from bot.core.content import ContentError, Library
    from bot.core.demos import load_demos
    from bot.core.services import DailyPace, Services, bank_beside
    from bot.host import watch_children_with_pidfds
    from bot.sandbox import RemoteSandbox, Sandbox
    from bot.storage import Storage

    watch_children_with_pidfds()  # before the sandbox starts its first process
    try:
        library = await asyncio.to_thread(Library.from_dir, settings.content.path)
    except ContentError as exc:
        raise StartupError(f"content is broken: {exc} (run: python -m bot.lint content/)"
                           ) from None
    if not library.terms:
        raise StartupError(f"no cards found under {settings.content.path}/terms")
    try:
        storage = await Storage.open(settings.storage.path)
    except (OSError, sqlite3.Error) as exc:
        raise StartupError(
            f"cannot open the database STORAGE__PATH={settings.storage.path}: {exc}") from None
    try:
        demos = await asyncio.to_thread(load_demos, settings.content.path)
        bank = await asyncio.to_thread(bank_beside, library)
        challenges = await asyncio.to_thread(Challenges.from_dir, settings.content.path)
        # The sandbox (and its warm pool) lives as long as the core serves; it fails closed.
        # With SANDBOX__URL, runs go to the sandbox service(s) there, never to a local sandbox.
        opened = (RemoteSandbox.open(settings.sandbox.remote()) if settings.sandbox.url
                  else Sandbox.open(settings.sandbox.config()))
        async with opened as sandbox:
            practice = settings.practice
            services = Services.of(
                storage, quiz_bank=bank, sandbox=sandbox, demos=demos, challenges=challenges,
                daily_pace=DailyPace(concurrency=practice.daily_concurrency,
                                     rate_per_second=practice.daily_rate_per_second))
            core = Core(library, services, default_lang=settings.default_lang)
            from bot.host import instrument

            instrument(core)
            if sandbox.available or settings.sandbox.url:  # a service may come up later
                core.runtime.register_sandbox(sandbox)
            if once is not None:
                await ConsoleAdapter(core).once(once)
                return 0
            from bot.host import serve

            return await serve(settings, core)
    finally:
        await storage.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"async-guru: {exc}", file=sys.stderr)
        return 2
    from bot.adapters import registry

    secrets = registry.secrets(settings)
    if settings.sandbox.token is not None:
        secrets.append(settings.sandbox.token.get_secret_value())
    # --once prints a reply for a person or a script: keep routine log lines out of the way.
    logs.configure("WARNING" if args.once is not None and settings.log.level == "INFO"
                   else settings.log.level, secrets)
    try:
        return asyncio.run(amain(settings, args.once))
    except StartupError as exc:
        print(f"async-guru: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
