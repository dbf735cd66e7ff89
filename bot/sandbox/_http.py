"""A lean HTTP/1.1 client for the sandbox service: kept-alive connections per service, each a
bare asyncio protocol whose answers httptools (llhttp, the parser behind uvicorn and Node)
parses. A run waits on two wake-ups of the bot's process (the request sent, the answer read);
aiohttp's client added ~0.25 ms of Python to each round trip on a quiet 2-core host, over half
of what the service costs beyond a local run (measured, bench/sandbox_service.py).

It speaks only what the service needs: one request at a time per connection, a body given
whole, the answer read by lines (NDJSON) or whole, chunked or with a length, over TCP, TLS or
a unix socket."""

from __future__ import annotations

import asyncio
import ssl

import httptools
from yarl import URL

IDLE_S = 30.0  # a connection idle longer is closed, not reused (the service keeps one ~75 s)
MAX_IDLE = 16  # connections kept open per service beyond those in use


class Unreachable(Exception):
    """No connection could be made; str() says why (from the OS), or that it timed out."""


class Lost(Exception):
    """The connection broke, or the answer is not HTTP this client can read; str() says how."""


class Client:
    """Requests to one service (`http://host:port/prefix`, `https://...` or `unix:/path`)."""

    def __init__(self, url: str, *, token: str | None, connect_timeout_s: float,
                 read_timeout_s: float, max_buffer: int) -> None:
        if token is not None and not (token.isascii() and token.isprintable() and " " not in token):
            raise ValueError("the sandbox token must be printable ASCII without spaces (SANDBOX__TOKEN)")
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s
        self.max_buffer = max_buffer
        self._idle: list[tuple[float, _Connection]] = []
        self._ssl: ssl.SSLContext | None = None
        if url.startswith("unix:"):
            self._unix: str | None = url.removeprefix("unix:")
            host_header, self._prefix = "sandbox", ""
        else:
            parsed = URL(url)
            if parsed.scheme not in ("http", "https") or not parsed.host:
                raise ValueError(f"expected http://host:port, https://... or unix:/path, got {url!r}")
            self._unix = None
            self._host, self._port = parsed.host, parsed.port
            if parsed.scheme == "https":
                self._ssl = ssl.create_default_context()
            host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
            host_header = f"{host}:{parsed.explicit_port}" if parsed.explicit_port else host
            self._prefix = parsed.raw_path.rstrip("/")
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self._head = f"HTTP/1.1\r\nHost: {host_header}\r\n{auth}".encode("ascii")

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _, connection in idle:
            connection.close()

    async def request(self, method: str, path: str, body: bytes | None = None) -> Response:
        """Send a request and return its answer once the status and headers are in; use it as
        `async with response:`. Raises Unreachable (no connection), Lost or TimeoutError (no
        answer's head). The connection is kept for the next request if the whole answer was
        read, else closed."""
        data = self._request_bytes(method, path, body)
        loop = asyncio.get_running_loop()
        while True:
            connection, reused = await self._acquire(loop)
            connection.send(data)
            try:
                await connection.head()
            except Lost:
                # The service closed this kept connection as we sent on it (it closes only idle
                # ones: the request went unread): again on the next kept one, at worst a new one.
                connection.close()
                if reused and not connection.got_bytes:
                    continue
                raise
            except BaseException:
                connection.close()
                raise
            return Response(self, connection)

    def _release(self, connection: _Connection) -> None:
        if not connection.reusable():
            connection.close()
            return
        connection.detach()
        self._idle.append((asyncio.get_running_loop().time(), connection))
        if len(self._idle) > MAX_IDLE:
            self._idle.pop(0)[1].close()

    def _request_bytes(self, method: str, path: str, body: bytes | None) -> bytes:
        start = f"{method} {self._prefix}{path} ".encode("ascii") + self._head
        if body is None:
            return start + b"\r\n"
        return b"%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
            start, len(body), body)

    async def _acquire(self, loop: asyncio.AbstractEventLoop) -> tuple[_Connection, bool]:
        now = loop.time()
        while self._idle:
            since, connection = self._idle.pop()  # the most recently used: the likeliest alive
            if connection.alive and now - since < IDLE_S:
                return connection, True
            connection.close()
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                if self._unix is not None:
                    _, connection = await loop.create_unix_connection(
                        lambda: _Connection(self), self._unix)
                else:
                    _, connection = await loop.create_connection(
                        lambda: _Connection(self), self._host, self._port, ssl=self._ssl)
        except TimeoutError:
            raise Unreachable("timed out") from None
        except OSError as exc:
            raise Unreachable(exc.strerror or str(exc) or type(exc).__name__) from None
        return connection, False


class Response:
    """One answer: its status, then its body, whole or by lines."""

    def __init__(self, client: Client, connection: _Connection) -> None:
        self._client = client
        self._connection = connection
        self.status = connection.status

    async def __aenter__(self) -> Response:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._client._release(self._connection)

    async def read(self) -> bytes:
        """The whole body. Raises Lost or TimeoutError."""
        connection = self._connection
        while not connection.complete:
            await connection.more()
        body = bytes(connection.body)
        connection.body.clear()
        return body

    async def readline(self) -> bytes:
        """The next line with its b"\\n" (the last one may lack it), b"" at the end of the body.
        Raises Lost (also for a line past the buffer) or TimeoutError."""
        connection = self._connection
        while True:
            end = connection.body.find(b"\n")
            if end >= 0 or connection.complete:
                end = end + 1 if end >= 0 else len(connection.body)
                line = bytes(connection.body[:end])
                del connection.body[:end]
                return line
            await connection.more()


class _Connection(asyncio.Protocol):
    """One connection: the parser of the answer in progress and what it has read so far."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._transport: asyncio.Transport | None = None
        self._parser: httptools.HttpResponseParser | None = None
        self._wake: asyncio.Future[None] | None = None
        self.alive = True
        self.error: Lost | None = None
        self.got_bytes = False  # of the answer in progress
        self.status = 0
        self.headed = False
        self.complete = False
        self.keep_alive = False
        self.body = bytearray()

    # -- the request side ----------------------------------------------------------------

    def send(self, data: bytes) -> None:
        assert self._transport is not None
        self._parser = httptools.HttpResponseParser(self)
        self.got_bytes = self.headed = self.complete = False
        self.body.clear()
        self._transport.write(data)

    async def head(self) -> None:
        while not self.headed:
            await self.more()

    async def more(self) -> None:
        """Wait for the next bytes (at most the read timeout since the last ones)."""
        if self.error is not None:
            raise self.error
        self._wake = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(self._client.read_timeout_s):
                await self._wake
        finally:
            self._wake = None
        if self.error is not None:
            raise self.error

    def reusable(self) -> bool:
        return self.alive and self.complete and self.keep_alive and self.error is None and not self.body

    def detach(self) -> None:
        self._parser = None

    def close(self) -> None:
        self.alive = False
        if self._transport is not None:
            self._transport.close()

    # -- asyncio.Protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._parser is None:  # bytes nobody asked for: this connection can't be trusted
            self._fail("unexpected bytes between answers")
            return
        self.got_bytes = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(f"not an HTTP answer ({exc})")
            return
        if len(self.body) > self._client.max_buffer:  # unread: whole or not, it is too much
            self.complete = False
            self._fail(f"an answer line over {self._client.max_buffer} bytes")
            return
        self._wakeup()

    def eof_received(self) -> bool:
        self._fail("the service closed the connection")
        return False  # close our end too

    def connection_lost(self, exc: Exception | None) -> None:
        self.alive = False
        if not self.complete:
            self._fail("the connection was lost" if exc is None else f"the connection was lost ({exc})")

    def _fail(self, why: str) -> None:
        self.alive = False
        if self.error is None and not self.complete:  # a complete answer stays readable
            self.error = Lost(why)
        if self._transport is not None:
            self._transport.close()
        self._wakeup()

    def _wakeup(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    # -- httptools callbacks -------------------------------------------------------------

    def on_headers_complete(self) -> None:
        assert self._parser is not None
        self.status = self._parser.get_status_code()
        self.keep_alive = self._parser.should_keep_alive()
        self.headed = True

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.complete = True

