"""What every platform adapter shares: the `Adapter` protocol the host supervises, and
`AdapterFatal`, the one error that stops an adapter for good. Adapters import these from here,
never from the host: the host imports adapters, not the other way round."""

from __future__ import annotations

from typing import Protocol


class AdapterFatal(Exception):
    """The adapter cannot work with this configuration (e.g. the platform rejected the token):
    restarting would not help."""


class Adapter(Protocol):
    """A platform adapter, run by the host under a supervisor. Its "connected" probe for
    /inside and /healthz is declared in `bot.adapters.registry`: /healthz shows "starting"
    until the probe says yes; without one, an adapter counts as connected while `run()` runs."""

    name: str

    async def run(self) -> None:
        """Connect and serve until cancelled. Raise AdapterFatal for a configuration the
        platform rejects; any other exception means "try again later". On cancellation, stop
        taking updates and close the platform session before re-raising."""
