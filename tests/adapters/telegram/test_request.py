"""PTB's requests over aiohttp: JSON bodies (multipart for files), JSON answers parsed as PTB
would, PTB's errors for timeouts and dead servers (its retry and error handling depend on
them), HTTPXRequest's timeouts (read, write, media write, connect, pool) and its proxy."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.adapters.telegram._request import AiohttpRequest
from tests.adapters.fake_proxy import FakeProxy, clear_proxy_env

BIG = 16 * 1024 * 1024  # more than loopback's socket buffers hold: an unread upload stalls


@pytest.fixture
async def server():
    """A tiny HTTP server that records what it received; `delay` slows its answers."""
    seen: list[dict] = []
    state = {"delay": 0.0}

    async def handle(request: web.Request) -> web.Response:
        await asyncio.sleep(state["delay"])
        entry = {"method": request.method, "type": request.content_type, "fields": {},
                 "files": {}, "agent": request.headers.get("User-Agent", ""),
                 "length": request.content_length, "chunked": "chunked" in
                 request.headers.get("Transfer-Encoding", "")}
        if request.method == "POST":
            if request.content_type == "multipart/form-data":
                async for part in await request.multipart():
                    if part.filename:
                        entry["files"][part.name] = (part.filename, await part.read())
                    else:
                        entry["fields"][part.name] = await part.text()
            elif request.content_type == "application/json":
                entry["fields"] = await request.json()
            else:
                entry["fields"] = dict(await request.post())
        seen.append(entry)
        return web.json_response({"ok": True, "result": True}, status=200)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", seen, state
    finally:
        await runner.cleanup()


def _data(**values) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


async def test_fields_go_as_one_json_body(server) -> None:
    url, seen, _ = server
    async with AiohttpRequest() as request:
        status, body = await request.do_request(
            f"{url}/sendMessage", "POST",
            _data(chat_id=5, text="héllo <b> & ✓", disable_notification=True, skipped=None,
                  reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x")]]),
                  parse_mode=ParseMode.HTML))
    assert status == 200 and b'"ok": true' in body
    assert seen[0]["type"] == "application/json"
    # Typed JSON values: objects nested (not JSON text inside JSON), enums by value, None left out.
    assert seen[0]["fields"] == {
        "chat_id": 5, "text": "héllo <b> & ✓", "disable_notification": True, "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "x"}]]}}
    assert seen[0]["agent"].startswith("python-telegram-bot")
    assert seen[0]["length"] > 0 and not seen[0]["chunked"]


def test_answers_are_parsed_like_ptbs_own() -> None:
    payload = '{"ok": true, "result": {"text": "héllo ✓", "id": 9007199254740993}}'.encode()
    assert AiohttpRequest.parse_json_payload(payload) == BaseRequest.parse_json_payload(payload)
    # Bytes orjson refuses (not UTF-8) get PTB's lenient decoding, as before.
    assert AiohttpRequest.parse_json_payload(b'{"ok": true, "r": "\xff"}') == {"ok": True,
                                                                            "r": "\ufffd"}
    with pytest.raises(TelegramError, match="Invalid server response"):
        AiohttpRequest.parse_json_payload(b"<html>502 Bad Gateway</html>")


async def test_a_file_goes_as_multipart(server) -> None:
    url, seen, _ = server
    document = InputFile(b"print('hi')\n", filename="snippet.py")
    async with AiohttpRequest() as request:
        await request.do_request(f"{url}/sendDocument", "POST",
                                 _data(chat_id=7, document=document))
    assert seen[0]["type"] == "multipart/form-data"
    assert seen[0]["fields"]["chat_id"] == "7"
    assert seen[0]["files"] == {"document": ("snippet.py", b"print('hi')\n")}


async def test_a_get_without_data(server) -> None:
    url, seen, _ = server
    async with AiohttpRequest() as request:
        status, _ = await request.do_request(f"{url}/file/x", "GET")
    assert status == 200 and seen[0]["method"] == "GET"


async def test_a_slow_answer_is_ptbs_timed_out(server) -> None:
    url, _, state = server
    state["delay"] = 1.0
    async with AiohttpRequest(read_timeout=5.0) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{url}/getMe", "POST", read_timeout=0.1)
        # The per-call timeout wins over the default: a long poll reads longer.
        status, _ = await request.do_request(f"{url}/getMe", "POST", read_timeout=3.0)
    assert status == 200


async def test_a_dead_server_is_ptbs_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"http://127.0.0.1:{port}/getMe", "POST")
    assert not isinstance(caught.value, TimedOut)


async def test_not_initialized_and_reinitialized(server) -> None:
    url, _, _ = server
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{url}/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # twice is harmless (PTB shuts down bot and app)
    await request.initialize()  # and it comes back, as PTB's own does
    status, _ = await request.do_request(f"{url}/getMe", "POST")
    await request.shutdown()
    assert status == 200


async def test_the_bot_uses_it_end_to_end(server) -> None:
    """PTB's Bot over this backend: a call's parameters arrive and its result is parsed."""
    url, seen, _ = server
    bot = Bot("123:abc", base_url=f"{url}/bot", request=AiohttpRequest(),
              get_updates_request=AiohttpRequest(connection_pool_size=1))
    async with bot.request:
        assert await bot.send_chat_action(5, "typing") is True
    assert seen[-1]["fields"] == {"chat_id": 5, "action": "typing"}


# -- timeouts as HTTPXRequest documents them ------------------------------------------------

async def _listening(backlog: int, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


@pytest.fixture
async def stalled() -> AsyncIterator[str]:
    """A server that takes connections and never reads what is sent to it."""
    release = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hold, sock=await _listening(8, rcvbuf=4096))
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        release.set()
        server.close()


async def _timed_out_within(seconds: float, call) -> float:
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await asyncio.wait_for(call, 30)  # a hang shows as TimeoutError, not TimedOut
    elapsed = time.monotonic() - started
    assert elapsed < seconds
    return elapsed


async def test_a_stalled_upload_times_out_after_the_write_timeout(stalled) -> None:
    """A body the server stops reading fails with TimedOut after write_timeout, not after the
    (long) read timeout or never."""
    async with AiohttpRequest(write_timeout=0.5, media_write_timeout=60, read_timeout=60) as request:
        elapsed = await _timed_out_within(8, request.do_request(
            f"{stalled}/sendMessage", "POST", _data(chat_id=1, text="x" * BIG)))
    assert elapsed >= 0.5


async def test_a_stalled_file_upload_times_out_after_the_media_write_timeout(stalled) -> None:
    """A request with a file gets media_write_timeout; a per-call write_timeout wins over both."""
    photo = InputFile(b"\x89PNG" * (BIG // 4), filename="big.png")
    async with AiohttpRequest(write_timeout=60, media_write_timeout=0.5, read_timeout=60) as request:
        await _timed_out_within(8, request.do_request(f"{stalled}/sendPhoto", "POST",
                                                      _data(chat_id=1, photo=photo)))
    async with AiohttpRequest(write_timeout=60, media_write_timeout=60, read_timeout=60) as request:
        await _timed_out_within(8, request.do_request(f"{stalled}/sendPhoto", "POST",
                                                      _data(chat_id=1, photo=photo), write_timeout=0.5))


async def test_a_slow_upload_that_moves_outlasts_the_write_timeout() -> None:
    """The write timeout bounds each wait for the socket, not the whole upload (as httpx's)."""
    done = asyncio.Event()

    async def slow_reader(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        match = re.search(rb"content-length: *(\d+)", head, re.I)
        assert match
        left = int(match.group(1))
        while left > 0:
            left -= len(await reader.read(min(left, 64 * 1024)))
            await asyncio.sleep(0.03)  # about 2 MiB/s
        body = b'{"ok": true, "result": true}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        done.set()
        writer.close()

    server = await asyncio.start_server(slow_reader, sock=await _listening(8, rcvbuf=64 * 1024))
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with AiohttpRequest(write_timeout=2.5, read_timeout=30) as request:
            started = time.monotonic()
            status, _ = await request.do_request(f"{url}/sendMessage", "POST",
                                                 _data(chat_id=1, text="x" * 12 * 1024 * 1024))
            elapsed = time.monotonic() - started
    finally:
        server.close()
    assert status == 200 and done.is_set()
    assert elapsed > 2.5, f"the upload took {elapsed:.2f} s: too quick to show anything"


async def test_the_pool_timeout_is_its_own_limit(server) -> None:
    """With every connection busy, a request waits pool_timeout (not pool + connect), then
    fails with PTB's pool message and is never sent."""
    url, seen, state = server
    state["delay"] = 2.0
    async with AiohttpRequest(connection_pool_size=1, pool_timeout=0.2, connect_timeout=5) as request:
        first = asyncio.create_task(request.do_request(f"{url}/getMe", "POST"))
        await asyncio.sleep(0.1)  # it holds the only connection
        started = time.monotonic()
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request.do_request(f"{url}/getChat", "POST")
        assert time.monotonic() - started < 1.5
        status, _ = await first
    assert status == 200 and len(seen) == 1


async def test_the_connect_timeout_bounds_a_connect_nobody_answers() -> None:
    """A server whose accept queue is full drops the SYN: the connect gives up after
    connect_timeout with TimedOut."""
    sock = await _listening(0)
    address = sock.getsockname()
    fillers = []
    try:
        for _ in range(4):  # fill the accept queue; later SYNs are dropped
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(address)
            fillers.append(filler)
        await asyncio.sleep(0.2)
        async with AiohttpRequest(connect_timeout=0.5, pool_timeout=10, read_timeout=10) as request:
            elapsed = await _timed_out_within(5, request.do_request(
                f"http://{address[0]}:{address[1]}/getMe", "POST"))
        assert elapsed >= 0.5
    finally:
        for filler in fillers:
            filler.close()
        sock.close()


# -- proxies ---------------------------------------------------------------------------------

@pytest.fixture
async def proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeProxy]:
    clear_proxy_env(monkeypatch)
    fake = await FakeProxy().start()
    yield fake
    await fake.close()


async def test_the_proxy_argument_carries_the_requests(server, proxy, monkeypatch) -> None:
    """`proxy=` sends every request through that proxy, with the URL's credentials, whatever
    the environment says."""
    url, seen, _ = server
    monkeypatch.setenv("NO_PROXY", "*")
    with_auth = proxy.url.replace("http://", "http://bot:s%3Acret@")
    async with AiohttpRequest(proxy=with_auth) as request:
        status, _ = await request.do_request(f"{url}/getMe", "POST", _data(chat_id=1))
    assert status == 200 and seen[0]["fields"] == {"chat_id": 1}
    assert proxy.seen == [f"POST {url}/getMe HTTP/1.1"]
    assert proxy.auth == ["Basic Ym90OnM6Y3JldA=="]  # bot:s:cret


async def test_http_proxy_from_the_environment_and_no_proxy(server, proxy, monkeypatch) -> None:
    """HTTP_PROXY is used without any argument; a host listed in NO_PROXY is reached directly."""
    url, seen, _ = server
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with AiohttpRequest() as request:
        await request.do_request(f"{url}/getMe", "POST")
    assert proxy.seen == [f"POST {url}/getMe HTTP/1.1"]
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    async with AiohttpRequest() as request:
        await request.do_request(f"{url}/getChat", "POST")
    assert len(proxy.seen) == 1 and len(seen) == 2


async def test_a_request_hands_no_work_to_a_thread(server, proxy, monkeypatch) -> None:
    """The environment's proxy is read once per host, not in a worker thread per request (as
    aiohttp's trust_env does, with ~/.netrc): on a busy host each hand-off waits for a CPU."""
    url, seen, _ = server
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    def no_threads(*args: object) -> None:
        raise AssertionError("a request handed work to a thread")

    monkeypatch.setattr(asyncio.get_running_loop(), "run_in_executor", no_threads)
    async with AiohttpRequest() as request:
        for method in ("getMe", "getChat", "getMe"):
            await request.do_request(f"{url}/{method}", "POST")
    assert len(proxy.seen) == 3 and len(seen) == 3
