"""PTB's requests over aiohttp: JSON bodies (multipart for files), JSON answers parsed as PTB
would, and PTB's errors for timeouts and dead servers (its retry and error handling depend on
them)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.adapters.telegram._request import AiohttpRequest


@pytest.fixture
async def server():
    """A tiny HTTP server that records what it received; `delay` slows its answers."""
    seen: list[dict] = []
    state = {"delay": 0.0}

    async def handle(request: web.Request) -> web.Response:
        await asyncio.sleep(state["delay"])
        entry = {"method": request.method, "type": request.content_type, "fields": {},
                 "files": {}, "agent": request.headers.get("User-Agent", "")}
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
