"""The host: one asyncio process, one TaskGroup owning every long-lived task.

Each platform adapter runs under a supervisor: a TaskGroup cancels all siblings when one child
raises, so the supervisor catches every error but cancellation, restarts the adapter with
exponential backoff, and disables it for good on `AdapterFatal` (an invalid token). One adapter
failing never stops the other.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Protocol

from bot.adapters.console import ConsoleAdapter
from bot.core.app import Core
from bot.settings import Settings

log = logging.getLogger(__name__)

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0


class AdapterFatal(Exception):
    """The adapter cannot work with this configuration (e.g. the platform rejected the token):
    restarting would not help."""


class Adapter(Protocol):
    name: str

    async def run(self) -> None:
        """Connect and serve until cancelled. Raise AdapterFatal for a configuration the
        platform rejects; any other exception means "try again later"."""


async def supervise(adapter: Adapter, *, first: float = BACKOFF_FIRST,
                    maximum: float = BACKOFF_MAX) -> None:
    delay = first
    while True:
        try:
            await adapter.run()
            log.info("host: adapter %s stopped", adapter.name)
            return
        except asyncio.CancelledError:
            raise
        except AdapterFatal as exc:
            log.error("host: adapter %s disabled: %s", adapter.name, exc)
            return
        except Exception as exc:
            wait = delay * random.uniform(0.8, 1.2)
            log.warning("host: adapter %s failed (%s: %s); restarting in %.1f s",
                        adapter.name, type(exc).__name__, exc, wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, maximum)


def platform_adapters(settings: Settings, core: Core) -> list[Adapter]:
    """The adapters whose tokens are set."""
    adapters: list[Adapter] = []
    if settings.discord.token is not None:
        from bot.adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(settings.discord, core))
    return adapters


async def serve(settings: Settings, core: Core) -> int:
    adapters = platform_adapters(settings, core)
    if not adapters:
        configured = [n for n, tok in (("discord", settings.discord.token),
                                       ("telegram", settings.telegram.token)) if tok]
        if configured:
            log.error("host: tokens set for %s, but this build has no adapter for them;"
                      " serving the console instead", ", ".join(configured))
        log.info("host: no platform token set: console adapter")
        await ConsoleAdapter(core).interactive()
        return 0
    async with asyncio.TaskGroup() as tg:
        for adapter in adapters:
            tg.create_task(supervise(adapter), name=f"adapter:{adapter.name}")
    return 0
