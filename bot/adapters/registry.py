"""The platform adapters this build knows, each declared once: its name, its section of the
settings (set token = configured), how to build it, the secrets to keep out of the logs, and
its "connected" probe for /inside and /healthz.

The host builds what is configured from here, and `__main__` takes the secrets to redact from
here, so a new platform is its package plus one `Platform` in `PLATFORMS` (and its section in
the settings). Each build imports its SDK only when called: an unconfigured platform costs
nothing at startup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pydantic import SecretStr

from bot.adapters.base import Adapter

if TYPE_CHECKING:
    from bot.adapters.discord import DiscordAdapter
    from bot.adapters.telegram import TelegramAdapter
    from bot.core.app import Core
    from bot.settings import DiscordSettings, Settings, TelegramSettings


class _Section(Protocol):
    token: SecretStr | None


S = TypeVar("S", bound=_Section)
A = TypeVar("A", bound=Adapter)


@dataclass(frozen=True)
class Platform(Generic[S, A]):
    name: str
    section: Callable[[Settings], S]
    build: Callable[[S, Core], A]
    secrets: Callable[[S], Iterable[SecretStr | None]]
    # True once the adapter serves; None: connected while run() runs.
    connected: Callable[[A], bool] | None = None

    def configured(self, settings: Settings) -> bool:
        return self.section(settings).token is not None


@dataclass(frozen=True)
class Plugged:
    """A built adapter and its probe, ready for the host's supervisor."""

    adapter: Adapter
    probe: Callable[[], bool] | None = None


def _telegram(settings: TelegramSettings, core: Core) -> TelegramAdapter:
    from bot.adapters.telegram import TelegramAdapter

    return TelegramAdapter(settings, core)


def _discord(settings: DiscordSettings, core: Core) -> DiscordAdapter:
    from bot.adapters.discord import DiscordAdapter

    return DiscordAdapter(settings, core)


PLATFORMS: tuple[Platform[Any, Any], ...] = (
    Platform(
        name="telegram", section=lambda s: s.telegram, build=_telegram,
        # The token is part of every Bot API URL; the webhook secret is a header's value.
        secrets=lambda tg: (tg.token, tg.webhook_secret),
        connected=lambda adapter: adapter.ready.is_set()),
    Platform(
        name="discord", section=lambda s: s.discord, build=_discord,
        secrets=lambda dc: (dc.token,),
        # discord.py reconnects by itself inside run(): the gateway's state, not run()'s.
        connected=lambda adapter: adapter.is_connected()),
)


def build(settings: Settings, core: Core,
          platforms: Iterable[Platform[Any, Any]] = PLATFORMS) -> list[Plugged]:
    """The adapters whose tokens are set, each registered as the core's deliverer for its
    platform; none when no token is set (the host serves the console then)."""
    plugged = []
    for platform in platforms:
        if platform.configured(settings):
            adapter = platform.build(platform.section(settings), core)
            probe = partial(platform.connected, adapter) if platform.connected else None
            plugged.append(Plugged(adapter, probe))
    return plugged


def secrets(settings: Settings, platforms: Iterable[Platform[Any, Any]] = PLATFORMS) -> list[str]:
    """Every configured secret of every platform, for the log redaction."""
    return [secret.get_secret_value() for platform in platforms
            for secret in platform.secrets(platform.section(settings)) if secret is not None]
