"""PTB's networking on aiohttp instead of httpx.

PTB talks to the Bot API through a `BaseRequest` and invites other HTTP libraries behind it
(python-telegram-bot#4560). Under load, httpx/httpcore cost this bot about 40% of its event
loop's time for ~100 sendMessage/s (a failed `import sniffio` on every request among it), while
discord.py's aiohttp sent as many requests for a tenth of that. One HTTP stack, the cheap one.

Bodies are JSON, one of the four ways the Bot API takes parameters ("application/json, except
for uploading files"), encoded and decoded by orjson. PTB's default form-encodes instead, and
form encoding is slow where a bot spends its bytes: `urlencode` quotes a 3 KiB card byte by byte
in Python, and aiohttp's `FormData` built a multipart writer for every call besides; together
they were 7% of the loop's busy time. A file still goes as multipart, as the API requires.

The proxy the environment names is read once per target host, not by aiohttp's `trust_env`:
that reads the environment and `~/.netrc` in a worker thread twice for every request, two
thread hand-offs per sendMessage that, on a busy host, waited for a CPU each time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.adapters._proxy import proxy_for

DEFAULT_NONE: Any = BaseRequest.DEFAULT_NONE  # "not passed": use this instance's own timeout
# The body goes to aiohttp in pieces of this size; aiohttp asks for the next piece once the
# socket took the previous ones, so a stalled upload shows as a piece that is not asked for.
CHUNK = 64 * 1024
POOL_TIMED_OUT = ("Pool timeout: All connections in the connection pool are occupied. Request was "
                  "*not* sent to Telegram. Consider adjusting the connection pool size or the "
                  "pool timeout.")


class AiohttpRequest(BaseRequest):
    """PTB's `BaseRequest` on one aiohttp session per instance (PTB builds one instance for
    getUpdates and one for everything else).

    Its arguments, their defaults and their meaning are those of the same names in PTB's
    `HTTPXRequest` (keyword-only here; HTTP/2, socket options, SOCKS and `httpx_kwargs` have no
    counterpart). A timeout passed to `do_request` wins over the instance's; None is no limit:

    - `read_timeout`: the longest wait for (more of) the answer once the request is sent.
      For getUpdates, PTB's Bot adds the long-poll timeout to it.
    - `write_timeout`: the longest wait for the socket to take more of the request body;
      `media_write_timeout` instead for a request that uploads a file.
    - `connect_timeout`: opening the TCP connection (to the proxy, when there is one).
    - `pool_timeout`: waiting for one of `connection_pool_size` connections to be free; when it
      runs out, the request is not sent.
    - `proxy`: an `http://[user:password@]host:port` URL. Without it, `HTTPS_PROXY` /
      `HTTP_PROXY` and `NO_PROXY` from the environment apply, read as aiohttp reads them
      (`bot.adapters._proxy`) when a session starts; credentials go in the proxy's URL.

    Running out of a timeout raises PTB's `TimedOut`; any other transport failure raises its
    `NetworkError`.
    """

    __slots__ = ("_connect", "_env_proxies", "_media_write", "_pool", "_pool_size", "_proxy",
                 "_read", "_session", "_slots", "_write")

    def __init__(self, *, connection_pool_size: int = 256, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, proxy: str | None = None,
                 media_write_timeout: float | None = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._media_write = media_write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._proxy = proxy
        self._env_proxies: dict[str, str | None] = {}  # scheme://host -> the environment's proxy
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The semaphore is the pool (and its timeout); aiohttp's connector then never makes
            # a request wait, so its own connect timeout stays the TCP connect alone.
            self._slots = asyncio.Semaphore(self._pool_size)
            self._env_proxies = {}  # read afresh with each session
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None = DEFAULT_NONE,
        write_timeout: float | None = DEFAULT_NONE,
        connect_timeout: float | None = DEFAULT_NONE,
        pool_timeout: float | None = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session, slots = self._session, self._slots
        if session is None or session.closed or slots is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        if write_timeout is DEFAULT_NONE:
            write_timeout = self._media_write if files else self._write
        timeout = aiohttp.ClientTimeout(
            total=None, connect=None,
            sock_connect=self._connect if connect_timeout is DEFAULT_NONE else connect_timeout,
            sock_read=self._read if read_timeout is DEFAULT_NONE else read_timeout,
        )
        body, headers = await _body(request_data)
        try:
            async with asyncio.timeout(self._pool if pool_timeout is DEFAULT_NONE else pool_timeout):
                await slots.acquire()
        except TimeoutError as exc:
            raise TimedOut(POOL_TIMED_OUT) from exc
        clock = _WriteClock(write_timeout)
        try:
            async with asyncio.timeout(None) as clock.deadline:
                async with session.request(
                        method, url, headers=headers, timeout=timeout,
                        data=None if body is None else clock.paced(body),
                        proxy=self._proxy or self._proxy_from_env(url)) as response:
                    return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            clock.done = True
            slots.release()

    def _proxy_from_env(self, url: str) -> str | None:
        scheme, _, rest = url.partition("://")
        origin = f"{scheme}://{rest.partition('/')[0]}"
        if origin not in self._env_proxies:
            self._env_proxies[origin] = proxy_for(origin)
        return self._env_proxies[origin]

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """orjson first; anything it refuses (invalid UTF-8, say) gets PTB's own lenient parse
        and its error."""
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)


class _WriteClock:
    """The write timeout of one request: while the body goes out, each piece must be taken by
    the socket within `timeout` of the previous one (httpx's per-write timeout)."""

    __slots__ = ("deadline", "done", "timeout")

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.deadline: asyncio.Timeout | None = None
        self.done = False  # the request is over: aiohttp's writer may still be resuming

    def _set(self, when: float | None) -> None:
        if self.deadline is not None and not self.done and not self.deadline.expired():
            self.deadline.reschedule(when)

    async def paced(self, body: bytes) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        for start in range(0, len(body), CHUNK):
            if self.timeout is not None:
                self._set(loop.time() + self.timeout)
            yield body[start:start + CHUNK]
        self._set(None)  # the socket took it all: from here on, the read timeout applies


async def _body(request_data: RequestData | None) -> tuple[bytes | None, dict[str, str] | None]:
    """The encoded body and its headers. An explicit length keeps the paced body unchunked."""
    if request_data is None:
        return None, None
    if request_data.contains_files:
        form = _multipart(request_data)()
        sink = _Sink()
        await form.write(sink)
        body, kind = b"".join(sink.parts), form.headers["Content-Type"]
    else:
        # `parameters` are plain JSON values already (PTB turned its objects into dicts).
        body, kind = orjson.dumps(request_data.parameters), "application/json"
    return body, {"Content-Type": kind, "Content-Length": str(len(body))}


class _Sink:
    """Collects what aiohttp's multipart writer writes (it only calls `write`)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    async def write(self, chunk: bytes) -> None:
        self.parts.append(bytes(chunk))


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
