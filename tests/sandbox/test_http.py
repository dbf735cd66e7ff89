"""The sandbox service's HTTP client against small real servers on a unix socket: connections
are kept and reused, one the server closed is replaced without the caller noticing, and an
answer cut short or gone silent is a clear failure, never a hang."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.sandbox import _http

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


@contextlib.asynccontextmanager
async def server(path: Path, handler: Handler) -> AsyncIterator[list[int]]:
    """A unix server; `handler(reader, writer, n)` serves its n-th connection (from 1). Yields
    the list of connections' numbers as they come."""
    seen: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(len(seen) + 1)
        try:
            await handler(reader, writer, seen[-1])
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_unix_server(serve, str(path))
    try:
        yield seen
    finally:
        listening.close()


async def answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answer: bytes) -> None:
    """Read requests (without bodies) and answer each with `answer`, until the client goes."""
    while True:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()


def client(path: Path, **changes) -> _http.Client:
    options = {"token": "t0ken", "connect_timeout_s": 1.0, "read_timeout_s": 1.0, "max_buffer": 1024}
    return _http.Client(f"unix:{path}", **{**options, **changes})


async def get(http: _http.Client) -> bytes:
    async with await http.request("GET", "/load") as response:
        assert response.status == 200
        return await response.read()


async def test_a_connection_is_kept_and_reused(tmp_path: Path):
    sock = tmp_path / "s.sock"
    got: list[bytes] = []

    async def handler(reader, writer, n):
        while True:
            got.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(OK)

    async with server(sock, handler) as seen:
        http = client(sock)
        assert [await get(http) for _ in range(3)] == [b"ok\n"] * 3
        await http.close()
    assert seen == [1]
    assert got[0].startswith(b"GET /load HTTP/1.1\r\n") and b"Authorization: Bearer t0ken\r\n" in got[0]


async def test_a_kept_connection_the_server_closed_is_reopened(tmp_path: Path):
    """The server closes each connection after one answer (as at its keep-alive timeout): the
    next request goes over a new one, and the caller sees only answers."""
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)

    async with server(sock, handler) as seen:
        http = client(sock)
        for _ in range(3):
            assert await get(http) == b"ok\n"
            await asyncio.sleep(0.05)  # the close arrives while the connection is idle
        await http.close()
    assert seen == [1, 2, 3]


async def test_a_kept_connection_closed_as_a_request_is_sent_is_retried_once(tmp_path: Path):
    """The close and the next request cross (no time to see it while idle): the request goes
    again over a new connection, once."""
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(OK)
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")  # the second request: dropped, unanswered

    async with server(sock, handler) as seen:
        http = client(sock)
        assert [await get(http), await get(http)] == [b"ok\n", b"ok\n"]
        await http.close()
    assert seen == [1, 2]


async def test_a_new_connection_closed_without_an_answer_fails(tmp_path: Path):
    """Not retried on a connection that was new: the service itself drops requests."""
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")

    async with server(sock, handler) as seen:
        http = client(sock)
        with pytest.raises(_http.Lost, match="closed"):
            await get(http)
        await http.close()
    assert seen == [1]


@pytest.mark.parametrize("cut", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"result\": ",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"que",
])
async def test_a_half_written_answer_is_a_failure_not_a_hang(tmp_path: Path, cut: bytes):
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(cut)

    async with server(sock, handler):
        http = client(sock, read_timeout_s=30.0)
        async with asyncio.timeout(5), await http.request("POST", "/run", b"{}") as response:
            with pytest.raises(_http.Lost, match="closed"):
                await response.readline()
        await http.close()


async def test_an_answer_gone_silent_times_out(tmp_path: Path):
    sock = tmp_path / "s.sock"
    release = asyncio.Event()

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\n\r\n")
        await release.wait()

    async with server(sock, handler):
        http = client(sock, read_timeout_s=0.3)
        async with await http.request("POST", "/run", b"{}") as response:
            assert await response.readline() == b"\n"  # a heartbeat
            with pytest.raises(TimeoutError):
                await response.readline()
        release.set()
        await http.close()


async def test_chunked_lines_are_read_one_by_one_and_the_connection_kept(tmp_path: Path):
    sock = tmp_path / "s.sock"
    body = b'{"queued": 1}\n\n{"result": 2}\n'
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:5], body[5:17], body[17:]))

    async def handler(reader, writer, n):
        await answer_each(reader, writer, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          + chunked + b"0\r\n\r\n")

    async with server(sock, handler) as seen:
        http = client(sock)
        for _ in range(2):
            async with await http.request("POST", "/run", b"{}") as response:
                lines = [await response.readline() for _ in range(4)]
        await http.close()
    assert lines == [b'{"queued": 1}\n', b"\n", b'{"result": 2}\n', b""]
    assert seen == [1]


async def test_an_answer_not_read_to_its_end_closes_its_connection(tmp_path: Path):
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await answer_each(reader, writer, b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\na\nb\nc\n")

    async with server(sock, handler) as seen:
        http = client(sock)
        async with await http.request("GET", "/x") as response:
            assert await response.readline() == b"a\n"
        assert await get(http) == b"a\nb\nc\n"
        await http.close()
    assert seen == [1, 2]


async def test_a_line_past_the_buffer_is_refused(tmp_path: Path):
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n" + b"x" * 4096)

    async with server(sock, handler):
        http = client(sock, max_buffer=1024)
        with pytest.raises(_http.Lost, match="over 1024 bytes"):  # with the head, or at the read
            async with await http.request("GET", "/load") as response:
                await response.readline()
        await http.close()


async def test_bytes_that_are_not_http_are_refused(tmp_path: Path):
    sock = tmp_path / "s.sock"

    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")

    async with server(sock, handler):
        http = client(sock)
        with pytest.raises(_http.Lost, match="not an HTTP answer"):
            await http.request("GET", "/load")
        await http.close()


async def test_nothing_listening_is_unreachable_with_the_reason(tmp_path: Path):
    http = client(tmp_path / "none.sock")
    with pytest.raises(_http.Unreachable, match="No such file"):
        await http.request("GET", "/load")


def test_a_url_prefix_and_host_go_into_the_request():
    http = _http.Client("http://[::1]:8080/sandbox/", token=None, connect_timeout_s=1,
                        read_timeout_s=1, max_buffer=1024)
    assert http._request_bytes("GET", "/load", None) == (
        b"GET /sandbox/load HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n")


@pytest.mark.parametrize("token", ["two\r\nlines", "caf\u00e9"])
def test_a_token_that_cannot_go_in_a_header_is_refused(token: str):
    with pytest.raises(ValueError, match="SANDBOX__TOKEN"):
        _http.Client("unix:/x.sock", token=token, connect_timeout_s=1, read_timeout_s=1, max_buffer=1024)
