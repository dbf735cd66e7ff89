"""Outgoing HTTP proxies, read from the environment the way aiohttp and curl read them.

`HTTPS_PROXY` / `HTTP_PROXY` (or their lower-case forms; lower case wins) name the proxy for
each target scheme, and `NO_PROXY` lists hosts reached directly (`*` for all). The Telegram
transport gets this from aiohttp itself (`trust_env`); discord.py takes one explicit proxy for
its REST calls and its gateway alike, so its adapter asks here, for the REST base's host.
Credentials go in the proxy URL (`http://user:password@host:port`): aiohttp sends them on.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass


def proxy_for(target: str) -> str | None:
    """The proxy URL the environment names for `target` (a URL), or None: no proxy for its
    scheme, or its host matches NO_PROXY."""
    parts = urlsplit(target)
    if parts.hostname and proxy_bypass(parts.hostname):
        return None
    return getproxies().get(parts.scheme) or None
