"""The host: one asyncio process, one TaskGroup owning every long-lived task."""

from __future__ import annotations

import logging

from bot.adapters.console import ConsoleAdapter
from bot.core.app import Core
from bot.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings, core: Core) -> int:
    """Run until end of input (console) or until cancelled. Platform adapters plug in here."""
    configured = [name for name, token in (("discord", settings.discord.token),
                                           ("telegram", settings.telegram.token)) if token]
    if configured:
        log.error("host: tokens set for %s, but this build has no adapter for them yet;"
                  " serving the console instead", ", ".join(configured))
    log.info("host: console adapter ready")
    await ConsoleAdapter(core).interactive()
    return 0
