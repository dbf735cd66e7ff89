"""`python -m bot`: settings -> logging -> content -> storage, sandbox, pictures -> services ->
core -> adapters. Every implementation of a core port is built here, once, and handed to the
core in one frozen `Services`.

`python -m bot --once "/term await"` handles one command line with the console adapter (no
platform adapter, no scheduler, no stdin), prints the reply as plain text and exits 0. Nothing
posts after it, so a command that would (a timed round) says it needs the running bot. A
startup error (a bad setting, broken content, an unusable database, a SQLite file another
process holds) is one line on stderr and exit status 2.

`python -m bot migrate-storage --to postgresql://...` copies the SQLite database at
STORAGE__PATH into PostgreSQL (again and again, without duplicates) and prints the counts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import urlsplit

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
    parser.add_argument("command", nargs="?", choices=["migrate-storage"],
                        help="migrate-storage: copy the SQLite database at STORAGE__PATH into"
                             " the PostgreSQL database given by --to")
    parser.add_argument("--to", metavar="URL", help="migrate-storage: postgresql://...")
    args = parser.parse_args(argv)
    if args.command == "migrate-storage" and not args.to:
        parser.error("migrate-storage needs --to postgresql://user:password@host:port/dbname")
    if args.to and args.command != "migrate-storage":
        parser.error("--to belongs to migrate-storage")
    return args


async def amain(settings: Settings, once: str | None) -> int:
    from bot.adapters.console import ConsoleAdapter
    from bot.core.app import Core
    from bot.core.challenges import Challenges
    from bot.core.content import ContentError, Library
    from bot.core.demos import load_demos
    from bot.core.services import DailyPace, Services, bank_beside
    from bot.host import watch_children_with_pidfds
    from bot.pictures import Pictures
    from bot.pictures.port import PictureService
    from bot.sandbox import RemoteSandbox, Sandbox, StoredCooldowns
    from bot.storage import StorageUnavailable, open_store

    watch_children_with_pidfds()  # before the sandbox starts its first process
    try:
        library = await asyncio.to_thread(Library.from_dir, settings.content.path)
    except ContentError as exc:
        raise StartupError(f"content is broken: {exc} (run: python -m bot.lint content/)"
                           ) from None
    if not library.terms:
        raise StartupError(f"no cards found under {settings.content.path}/terms")
    url = settings.storage.url.get_secret_value() if settings.storage.url else None
    try:
        storage = await open_store(url=url, path=settings.storage.path)
    except StorageUnavailable as exc:
        raise StartupError(str(exc)) from None
    try:
        demos = await asyncio.to_thread(load_demos, settings.content.path)
        bank = await asyncio.to_thread(bank_beside, library)
        challenges = await asyncio.to_thread(Challenges.from_dir, settings.content.path)
        # The sandbox (and its warm pool) lives as long as the core serves; it fails closed.
        # With SANDBOX__URL, runs go to the sandbox service(s) there, never to a local sandbox.
        # The per-user cooldown is kept in the store: every process of the bot sees it.
        cooldowns = StoredCooldowns(storage, settings.sandbox.cooldown_s)
        opened = (RemoteSandbox.open(settings.sandbox.remote(), cooldowns=cooldowns)
                  if settings.sandbox.url
                  else Sandbox.open(settings.sandbox.config(), cooldowns=cooldowns))
        # So do the picture workers (started on the first picture; none without the font).
        async with opened as sandbox, Pictures() as pictures:
            practice = settings.practice
            services = Services.of(
                storage, quiz_bank=bank, sandbox=sandbox, demos=demos, challenges=challenges,
                # --once prints text: no picture would be seen.
                pictures=None if once is not None else PictureService.if_drawable(pictures),
                daily_pace=DailyPace(concurrency=practice.daily_concurrency,
                                     rate_per_second=practice.daily_rate_per_second,
                                     lease_seconds=practice.daily_lease_seconds))
            core = Core(library, services, default_lang=settings.default_lang)
            from bot.host import instrument

            instrument(core)
            if sandbox.available or settings.sandbox.url:  # a service may come up later
                core.runtime.register_sandbox(sandbox)
            if once is not None:
                await ConsoleAdapter(core, serving=False).once(once)
                return 0
            from bot.host import serve

            return await serve(settings, core)
    finally:
        await storage.close()


async def migrate_storage(settings: Settings, to: str) -> int:
    from bot.storage import StorageUnavailable, is_postgres_url
    from bot.storage.copy import copy_sqlite_to_postgres

    if not is_postgres_url(to):
        raise StartupError("migrate-storage --to needs postgresql://user:password@host:port/dbname")
    try:
        counts = await copy_sqlite_to_postgres(settings.storage.path, to)
    except StorageUnavailable as exc:
        raise StartupError(str(exc)) from None
    for count in counts:
        print(count.line())
    return 0


def _url_password(url: str | None) -> list[str]:
    password = urlsplit(url).password if url else None
    return [password] if password else []


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"async-guru: {exc}", file=sys.stderr)
        return 2
    from bot.adapters import registry

    url = settings.storage.url.get_secret_value() if settings.storage.url else None
    secrets = [*registry.secrets(settings), *_url_password(url), *_url_password(args.to)]
    if settings.sandbox.token is not None:
        secrets.append(settings.sandbox.token.get_secret_value())
    # --once prints a reply for a person or a script: keep routine log lines out of the way.
    logs.configure("WARNING" if args.once is not None and settings.log.level == "INFO"
                   else settings.log.level, secrets)
    try:
        if args.command == "migrate-storage":
            return asyncio.run(migrate_storage(settings, args.to))
        return asyncio.run(amain(settings, args.once))
    except StartupError as exc:
        print(f"async-guru: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
