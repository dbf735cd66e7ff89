"""The registry: each platform declared once, built when its token is set, its secrets listed
for the log redaction; a new platform is one more `Platform`."""

from __future__ import annotations

import asyncio
import contextlib

from pydantic import BaseModel, SecretStr

from bot.adapters import registry
from bot.adapters.registry import PLATFORMS, Platform
from bot.core.app import Core
from bot.core.types import ChatRef, Reply
from bot.settings import Settings


def test_every_known_platform_is_declared_once():
    """Telegram and Discord, each under one name."""
    names = [p.name for p in PLATFORMS]
    assert sorted(names) == ["discord", "telegram"] and len(set(names)) == len(names)


async def test_nothing_is_built_without_a_token(core: Core):
    """No token set: no platform adapter (the host serves the console then), none registered."""
    assert registry.build(Settings(_env_file=None), core) == []
    assert not core.services.deliver.delivers_to()


def test_secrets_are_every_token_and_the_webhook_secret():
    """The tokens of both platforms and Telegram's webhook secret; nothing for unset ones."""
    assert registry.secrets(Settings(_env_file=None)) == []
    settings = Settings(_env_file=None, discord={"token": "d-token"},
                        telegram={"token": "1:t-token", "mode": "webhook",
                                  "webhook_url": "https://bot.example/hook",
                                  "webhook_secret": "hook-secret"})
    assert sorted(registry.secrets(settings)) == ["1:t-token", "d-token", "hook-secret"]


class _ChatSettings(BaseModel):
    token: SecretStr | None = None
    signing_secret: SecretStr | None = None


class _ChatAdapter:
    """A whole (tiny) platform adapter: serves until cancelled, delivers to a list."""

    name = "chat"

    def __init__(self, settings: _ChatSettings, core: Core) -> None:
        self.settings, self.serving, self.posted = settings, False, []
        core.register_deliverer("chat", self)

    async def run(self) -> None:
        self.serving = True
        try:
            await asyncio.Event().wait()
        finally:
            self.serving = False

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        self.posted.append((chat, reply))


async def test_a_new_platform_is_one_entry(core: Core):
    """Declared once, a platform is built when configured, gets its probe, registers its
    delivery and has its secrets redacted, with no change anywhere else."""
    section = {"value": _ChatSettings()}
    chat = Platform(name="chat", section=lambda s: section["value"], build=_ChatAdapter,
                    secrets=lambda c: (c.token, c.signing_secret),
                    connected=lambda adapter: adapter.serving)
    platforms = (*PLATFORMS, chat)
    settings = Settings(_env_file=None)
    assert registry.build(settings, core, platforms) == []
    section["value"] = _ChatSettings(token=SecretStr("c-token"), signing_secret=SecretStr("sig"))
    [plugged] = registry.build(settings, core, platforms)
    assert isinstance(plugged.adapter, _ChatAdapter) and plugged.probe is not None
    assert registry.secrets(settings, platforms) == ["c-token", "sig"]
    await core.deliver(ChatRef("chat", "1"), Reply.text("hello"))
    assert [c.id for c, _ in plugged.adapter.posted] == ["1"]
    assert plugged.probe() is False
    task = asyncio.create_task(plugged.adapter.run())
    await asyncio.sleep(0)
    assert plugged.probe() is True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert plugged.probe() is False
