"""A small HTTP proxy on 127.0.0.1 for tests: it relays plain-HTTP requests in absolute form
(`GET http://host:port/path`, websocket upgrades included) to the fakes, recording the request
line and Proxy-Authorization of every request it relays. It does not tunnel (`CONNECT`): the
fakes speak plain HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import pytest

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class FakeProxy:
    def __init__(self) -> None:
        self.seen: list[str] = []  # "POST http://127.0.0.1:1234/x HTTP/1.1", ...
        self.auth: list[str | None] = []  # the Proxy-Authorization header of each of them
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> FakeProxy:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        return self

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:  # the relays see their sockets end and return
            writer.close()
        await asyncio.wait_for(asyncio.gather(*self._relays, return_exceptions=True), 5)
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    def saw(self, fragment: str) -> bool:
        return any(fragment in line for line in self.seen)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._relays.add(task)
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            _, target, _ = self._record(head)
            url = urlsplit(target)  # one origin per connection, as aiohttp pools them
            if url.hostname is None:  # a CONNECT, or not a proxy request at all
                writer.write(b"HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n")
                return
            up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
            self._writers.add(up_writer)
            await asyncio.gather(self._forward(head, reader, up_writer), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()
            self._relays.discard(task)

    def _record(self, head: bytes) -> tuple[str, str, str]:
        line, _, rest = head.partition(b"\r\n")
        method, target, version = line.decode().split(" ", 2)
        self.seen.append(line.decode())
        self.auth.append(_header(rest, b"proxy-authorization"))
        return method, target, version

    async def _forward(self, head: bytes, reader: asyncio.StreamReader,
                       up_writer: asyncio.StreamWriter) -> None:
        """Each request in origin form with its body; after an upgrade (or a chunked body),
        the rest of the bytes as they come."""
        while True:
            method, target, version = head.partition(b"\r\n")[0].decode().split(" ", 2)
            url = urlsplit(target)
            path = (url.path or "/") + (f"?{url.query}" if url.query else "")
            headers = head.partition(b"\r\n")[2]
            up_writer.write(f"{method} {path} {version}\r\n".encode() + headers)
            if _header(headers, b"upgrade") or _header(headers, b"transfer-encoding"):
                await _pipe(reader, up_writer)
                return
            up_writer.write(await reader.readexactly(int(_header(headers, b"content-length") or 0)))
            await up_writer.drain()
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:  # the client closed the connection
                up_writer.close()
                return
            self._record(head)


def _header(headers: bytes, name: bytes) -> str | None:
    for line in headers.split(b"\r\n"):
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip().decode()
    return None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(OSError):
            writer.close()


def clear_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variable of the machine running the tests leaks into them."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
