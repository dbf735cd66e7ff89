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
"""

from __future__ import annotations

from types import MappingProxyType

import aiohttp
import orjson
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON_BODY = MappingProxyType({"Content-Type": "application/json"})


class AiohttpRequest(BaseRequest):
    """One aiohttp session per instance (PTB builds one for getUpdates and one for the rest).

    Timeouts map onto aiohttp's: `connect` covers waiting for a free pooled connection plus
    the TCP connect (PTB's pool + connect), `sock_read` is PTB's read timeout. aiohttp has no
    write timeout; a request body here is a few KiB at most, so a stalled write surfaces as a
    read timeout instead.
    """

    __slots__ = ("_connect", "_pool", "_pool_size", "_read", "_session")

    def __init__(self, *, connection_pool_size: int = 256, read_timeout: float | None = 5.0,
                 connect_timeout: float | None = 5.0, pool_timeout: float | None = 1.0) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
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
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None, sock_read=read, sock_connect=connect,
            connect=None if connect is None or pool is None else connect + pool,
        )
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and request_data.contains_files:
            data = _multipart(request_data)
        elif request_data is not None:
            # `parameters` are plain JSON values already (PTB turned its objects into dicts).
            data, headers = orjson.dumps(request_data.parameters), JSON_BODY
        try:
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """orjson first; anything it refuses (invalid UTF-8, say) gets PTB's own lenient parse
        and its error."""
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
