"""The sandbox service (`python -m bot.sandbox --listen ...`) as a real process: where it agrees
to listen, its socket's mode, its token, what it refuses, its heartbeats, and a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import time
from pathlib import Path

import aiohttp
import pytest

from bot.core.ports.sandbox import RunRequest, Unavailable
from bot.sandbox import _wire
from bot.sandbox._server import Listen
from tests.sandbox.fixtures import descendants
from tests.sandbox.service import remote, sandbox_service, start


@pytest.mark.parametrize(("text", "listen", "loopback"), [
    ("127.0.0.1:8000", Listen("127.0.0.1", 8000), True),
    ("localhost:0", Listen("localhost", 0), True),
    ("[::1]:9", Listen("::1", 9), True),
    ("0.0.0.0:8000", Listen("0.0.0.0", 8000), False),
    ("sandbox.example:8000", Listen("sandbox.example", 8000), False),
    ("unix:/run/sb/sock", Listen(path="/run/sb/sock"), True),
])
def test_listen_addresses_parse(text: str, listen: Listen, loopback: bool):
    assert Listen.parse(text) == listen
    assert Listen.parse(text).loopback is loopback


@pytest.mark.parametrize("text", ["8000", "host:port", ":80", "unix:relative.sock", "h:70000"])
def test_a_bad_listen_address_is_refused(text: str):
    with pytest.raises(ValueError):
        Listen.parse(text)


async def test_a_non_loopback_address_without_a_token_is_refused(tmp_path: Path):
    """Anyone who can reach it could run code: it refuses to start, says why, exits 2."""
    proc = await start("0.0.0.0:0", tmp_path)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2 and out == b""
    assert b"without a token" in err and b"SANDBOX__TOKEN" in err


@pytest.mark.parametrize(("setting", "mode"), [({}, 0o660), ({"SANDBOX__SOCKET_MODE": "0600"}, 0o600)])
async def test_the_unix_socket_has_the_mode_asked_for(tmp_path: Path, setting: dict, mode: int):
    """0660 by default (a group shares it, e.g. across containers), 0600 when asked; a socket
    left behind by a service that did not stop cleanly is replaced, and removed at the end."""
    path = tmp_path / "sb.sock"
    import socket

    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(str(path))  # nothing listens on it any more
    async with sandbox_service(f"unix:{path}", tmp_path, **setting) as service:
        assert service.address == f"unix:{path}"
        info = os.stat(path)
        assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == mode
    assert not path.exists()


async def test_a_file_in_the_sockets_place_is_not_replaced(tmp_path: Path):
    path = tmp_path / "sb.sock"
    path.write_text("keep me")
    proc = await start(f"unix:{path}", tmp_path)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2 and b"not a socket" in err
    assert path.read_text() == "keep me"


async def test_healthz_needs_no_token_and_everything_else_does(tmp_path: Path):
    """A container healthcheck reads /healthz without the token; /load and /run refuse a missing
    or wrong token (401) and answer the right one."""
    async with sandbox_service("127.0.0.1:0", tmp_path, SANDBOX__TOKEN="s3cret") as service, \
            aiohttp.ClientSession(service.address) as http:
        service.require()
        async with http.get("/healthz") as response:
            assert (response.status, await response.text()) == (200, "ok\n")
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            async with http.get("/load", headers=headers) as response:
                assert response.status == 401
            async with http.post("/run", data=b'{"program": "print(1)"}', headers=headers) as response:
                assert response.status == 401
        async with http.get("/load", headers={"Authorization": "Bearer s3cret"}) as response:
            health = _wire.decode_health(await response.read())
        assert health.available and health.load.capacity >= 1 and health.limits.wall_s == 3.0


async def test_an_unknown_path_or_method_is_refused(tmp_path: Path):
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, \
            aiohttp.ClientSession(service.address) as http:
        async with http.get("/nothing") as response:
            assert response.status == 404
        async with http.get("/run") as response:
            assert response.status == 405
        async with http.post("/load", data=b"{}") as response:
            assert response.status == 405


async def test_a_body_too_large_is_refused(tmp_path: Path):
    """Past SANDBOX__MAX_BODY_KB the service refuses the request (413), with or without a length
    given, and the bot's reply says why; a request within it still runs."""
    async with sandbox_service("127.0.0.1:0", tmp_path, SANDBOX__MAX_BODY_KB="16") as service, \
            remote(service.address) as sb, aiohttp.ClientSession(service.address) as http:
        service.require()
        big = "x = 1\n" * 4000  # 24 KB
        with pytest.raises(Unavailable, match="larger than this service takes"):
            await sb.run(big)

        async def chunks():
            for _ in range(24):
                yield b" " * 1024

        async with http.post("/run", data=chunks()) as response:  # chunked: no length up front
            assert response.status == 413
        assert (await sb.run("x = 1\n" * 1000 + "print(x)")).output == "1\n"


async def test_a_malformed_request_is_refused_with_a_reason(tmp_path: Path):
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, \
            aiohttp.ClientSession(service.address) as http:
        body = b'{"program": "x", "files": [["../../etc/passwd", "x"]]}'
        async with http.post("/run", data=body) as response:
            assert response.status == 400
            assert "bad extra file name" in _wire.decode_line(await response.read()).reason


async def test_a_run_that_does_not_wait_is_answered_in_one_piece(tmp_path: Path):
    """A run that neither queues nor lasts a heartbeat gets its whole answer at once: a length
    up front and the result line as the body (not a chunked stream begun before the run)."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, \
            aiohttp.ClientSession(service.address) as http:
        service.require()
        async with http.post("/run", data=_wire.encode(RunRequest.of("print(1)"))) as response:
            body = await response.read()
            assert response.headers["Content-Type"] == _wire.CONTENT_TYPE
            assert "Transfer-Encoding" not in response.headers
            assert int(response.headers["Content-Length"]) == len(body)
    assert body.count(b"\n") == 1 and _wire.decode_line(body).result.output == "1\n"


async def test_a_long_run_sends_heartbeats(tmp_path: Path):
    """While a run goes on, an empty line every HEARTBEAT_S keeps the connection alive and tells
    the client the service is still there."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, \
            aiohttp.ClientSession(service.address) as http:
        service.require()
        request = RunRequest.of("import time\ntime.sleep(%s)\nprint('woke')" % (_wire.HEARTBEAT_S + 1),
                                wall_s=_wire.HEARTBEAT_S + 5)
        async with http.post("/run", data=_wire.encode(request)) as response:
            lines = [line async for line in response.content]
    assert lines[0] == b"\n"
    assert _wire.decode_line(lines[-1]).result.output == "woke\n"


async def test_sigterm_stops_runs_in_flight_and_leaves_nothing(tmp_path: Path):
    """SIGTERM: the client of a run in flight learns the service is stopping (unavailable, not a
    hang), its sandbox is killed, and the service exits 0 at once."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, remote(service.address) as sb:
        service.require()
        run = asyncio.create_task(sb.run(RunRequest.of(
            "import time\nprint('started', flush=True)\ntime.sleep(60)", wall_s=50)))
        await asyncio.sleep(1.5)
        # The run's sandbox (every process of the service's but the service itself). Looked at
        # by pid, not by uid: other sandboxes may be running on this host meanwhile.
        sandbox = set(descendants(service.proc.pid))
        assert sandbox
        stopped = time.monotonic()
        service.proc.send_signal(signal.SIGTERM)
        with pytest.raises(Unavailable, match="stopping"):
            await run
        assert await asyncio.wait_for(service.proc.wait(), 10) == 0
        assert time.monotonic() - stopped < 5
    assert alive_after(sandbox, 3.0) == set()


def alive_after(pids: set[int], wait_s: float) -> set[int]:
    """Those of `pids` still there after `wait_s` (a killed process takes a moment to go)."""
    deadline = time.monotonic() + wait_s
    while (alive := {p for p in pids if os.path.exists(f"/proc/{p}")}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


async def test_a_client_that_goes_away_ends_its_run(tmp_path: Path):
    """A bot that drops the connection mid-run (it stopped, or was killed) does not leave the run
    taking a slot until its wall time: the service kills that sandbox at once."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service:
        service.require()
        request = RunRequest.of("import time\nprint('started', flush=True)\ntime.sleep(60)", wall_s=50)
        async with aiohttp.ClientSession(service.address) as http:
            response = await http.post("/run", data=_wire.encode(request))
            await asyncio.sleep(1.5)
            sandbox = set(descendants(service.proc.pid))
            assert sandbox
            response.close()  # the connection goes with it
        assert alive_after(sandbox, 3.0) == set()
        async with remote(service.address) as sb:  # and the slot is free again
            assert (await sb.run("print('next')")).output == "next\n"
