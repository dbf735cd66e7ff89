"""The sandbox as its own service: `python -m bot.sandbox --listen HOST:PORT` (or `unix:/path`).

It wraps the local `Sandbox` (same probe, warm pool, slots, bounded queue and limits, the host's
own SANDBOX__* settings) and serves it over HTTP:

- `POST /run`: a `RunRequest` as JSON; the answer streams NDJSON (see `_wire`): the queue
  position first when the run has to wait, then the result. A request's budget is capped by
  this host's limits. Per-user cooldowns stay with the bot (the service runs cooldown-free), so
  a bot that spreads its runs over several services still keeps one cooldown per user.
- `GET /load`: availability, load and the limits a run gets here (for /inside and the client).
- `GET /healthz`: 200 while code can run here, else 503 with the reason; no token needed (a
  container healthcheck has none), and it says nothing about the runs.

Every other path needs `Authorization: Bearer $SANDBOX__TOKEN` when a token is set; without one
the service listens only on loopback or on a unix socket (whose mode says who may connect).
SIGTERM stops accepting, tells each client in flight that the service is stopping, and kills
their sandboxes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import os
import signal
import socket
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace

from aiohttp import web

from bot.core.ports.sandbox import Busy, CoolingDown, Queued, Unavailable
from bot.sandbox import _wire
from bot.sandbox._limits import Config
from bot.sandbox._service import Sandbox

log = logging.getLogger(__name__)

STOPPING = "the sandbox service is stopping"


class ServiceError(Exception):
    """The service refuses to start; str() says why, for the operator."""


@dataclass(frozen=True, slots=True)
class Listen:
    """Where to listen: `HOST:PORT` (`[::1]:PORT` for IPv6) or `unix:/path/to.sock`."""

    host: str = ""
    port: int = 0
    path: str | None = None

    @classmethod
    def parse(cls, text: str) -> Listen:
        if text.startswith("unix:"):
            path = text.removeprefix("unix:")
            if not path.startswith("/"):
                raise ValueError(f"a unix socket needs an absolute path: unix:/path, got {text!r}")
            return cls(path=path)
        host, sep, port = text.rpartition(":")
        if not sep or not host or not port.isdigit() or int(port) > 65535:
            raise ValueError(f"expected HOST:PORT or unix:/path, got {text!r}")
        return cls(host=host.removeprefix("[").removesuffix("]"), port=int(port))

    @property
    def loopback(self) -> bool:
        if self.path is not None or self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False  # a name other than localhost may resolve anywhere


class SandboxServer:
    """The HTTP face of one local `Sandbox`."""

    def __init__(self, sandbox: Sandbox, *, token: str | None, max_body: int) -> None:
        self.sandbox = sandbox
        self._token = token.encode() if token else None
        self._max_body = max_body
        self.stopping = asyncio.Event()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self._max_body)
        app.router.add_post("/run", self._run)
        app.router.add_get("/load", self._load)
        app.router.add_get("/healthz", self._healthz)
        return app

    def _authorized(self, request: web.Request) -> bool:
        if self._token is None:
            return True
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        # Constant time in the token's content: a wrong guess learns nothing of the right one.
        return hmac.compare_digest(given.encode(), self._token) and scheme.lower() == "bearer"

    @staticmethod
    def _refuse(status: int, error: str, reason: str) -> web.Response:
        return web.Response(status=status, body=_wire.line(_wire.Line(error=error, reason=reason)),
                            content_type="application/json")

    async def _healthz(self, request: web.Request) -> web.Response:
        if self.sandbox.available and not self.stopping.is_set():
            return web.Response(text="ok\n")
        return web.Response(status=503, text=f"{self.sandbox.reason or STOPPING}\n")

    async def _load(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._refuse(401, "unauthorized", "wrong or missing token")
        sandbox = self.sandbox
        health = _wire.Health(available=sandbox.available, reason=sandbox.reason, load=sandbox.load(),
                              limits=sandbox.config.limits, max_wall_s=sandbox.config.max_wall_s)
        return web.Response(body=_wire.encode(health), content_type="application/json")

    async def _run(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return self._refuse(401, "unauthorized", "wrong or missing token")
        too_large = f"the request is larger than this service takes ({self._max_body // 1024} KB)"
        if (request.content_length or 0) > self._max_body:
            return self._refuse(413, "too_large", too_large)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:  # no length given, and the body ran past the cap
            return self._refuse(413, "too_large", too_large)
        try:
            run_request = _wire.decode_request(body)
        except _wire.WireError as exc:
            return self._refuse(400, "bad_request", str(exc))
        answer = _Answer(request)
        # The run's events are written from this task, each as soon as the sandbox yields it:
        # the pool's refill (a fork, ~1 ms of this loop) then comes after the result is sent,
        # not before. Heartbeats and the stop come from a task beside it.
        keeper = _Keeper(asyncio.current_task(), answer, self.stopping)
        keeping = asyncio.create_task(keeper.run())
        try:
            async with contextlib.aclosing(self.sandbox.submit(run_request)) as events:
                async for event in events:
                    if isinstance(event, Queued):
                        await answer.send(_wire.line(_wire.Line(queued=event.position)))
                    else:
                        return await answer.end(_wire.line(_wire.Line(result=event)))
            raise AssertionError("the sandbox ended a run without a result")
        except Busy as exc:
            return await answer.end(_wire.line(_wire.Line(error="busy", retry_after=exc.retry_after)))
        except (Unavailable, CoolingDown) as exc:  # no cooldown here: kept for completeness
            return await answer.end(_wire.line(_wire.Line(error="unavailable", reason=str(exc))))
        except asyncio.CancelledError:
            # Cancelled by the keeper (the service stops): the run and its sandbox are gone;
            # the client learns why. Any other cancel (the client left) goes on up.
            if not keeper.stopped or asyncio.current_task().uncancel() > 0:
                raise
            return await answer.end(_wire.line(_wire.Line(error="unavailable", reason=STOPPING)))
        finally:
            keeping.cancel()


class _Answer:
    """A run's NDJSON answer, begun (its headers sent) only when a line must go out before the
    end: a queue position or a heartbeat. A run that neither waits nor lasts a heartbeat (most
    runs) is answered whole, headers and result in one write: the client wakes once for it,
    not three times (headers, result, end of the chunked body), each a wake-up of the bot's
    process that a loaded host makes wait for a CPU."""

    def __init__(self, request: web.Request) -> None:
        self._request = request
        self._stream: web.StreamResponse | None = None
        self._lock = asyncio.Lock()  # the handler and its keeper both write

    async def send(self, data: bytes) -> None:
        """A line before the end (the answer is begun if it was not)."""
        async with self._lock:
            if self._stream is None:
                stream = web.StreamResponse(headers={"Content-Type": _wire.CONTENT_TYPE})
                await stream.prepare(self._request)
                self._stream = stream
            await self._stream.write(data)

    async def end(self, data: bytes) -> web.StreamResponse:
        """The last line, and the response for the handler to return."""
        async with self._lock:
            if self._stream is None:
                return web.Response(body=data, headers={"Content-Type": _wire.CONTENT_TYPE})
            await self._stream.write_eof(data)  # the last line and the end in one write
            return self._stream


class _Keeper:
    """Beside a run's handler: an empty line every HEARTBEAT_S (a silent connection is a dead
    one to the client), and the handler cancelled when the service stops."""

    def __init__(self, handler: asyncio.Task, answer: _Answer, stopping: asyncio.Event):
        self.handler = handler
        self.answer = answer
        self.stopping = stopping
        self.stopped = False

    async def run(self) -> None:
        while True:
            try:
                async with asyncio.timeout(_wire.HEARTBEAT_S):
                    await self.stopping.wait()
            except TimeoutError:
                try:
                    await self.answer.send(b"\n")
                except (ConnectionError, RuntimeError):  # the client left: its handler is cancelled
                    return
                continue
            self.stopped = True
            self.handler.cancel()
            return


def watch_children_with_pidfds() -> None:
    """Python 3.11 watches each child (every sandbox) with a thread of its own, which blocks the
    loop while it starts; a pidfd is polled like a socket (3.12+ does this by default). The bot
    does the same in its own process."""
    if sys.version_info >= (3, 12) or not hasattr(os, "pidfd_open"):
        return
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:  # seccomp or an old kernel
        return
    watcher = asyncio.PidfdChildWatcher()
    watcher.attach_loop(asyncio.get_running_loop())
    asyncio.set_child_watcher(watcher)


async def serve(listen: Listen, config: Config, *, token: str | None, max_body: int,
                socket_mode: int = 0o660, socket_gid: int | None = None,
                ready: Callable[[str, Sandbox], None] | None = None) -> int:
    """Serve until SIGTERM or SIGINT; `ready(address, sandbox)` is called once listening."""
    if not listen.loopback and not token:
        raise ServiceError(f"refusing to listen on {listen.host}:{listen.port} without a token: "
                           "set SANDBOX__TOKEN, or listen on loopback or a unix socket")
    watch_children_with_pidfds()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with Sandbox.open(replace(config, cooldown_s=0.0)) as sandbox:
        server = SandboxServer(sandbox, token=token, max_body=max_body)
        runner = web.AppRunner(server.app(), handler_cancellation=True, access_log=None,
                               shutdown_timeout=2.0)
        await runner.setup()
        address = None
        try:
            address = await _start_site(runner, listen, socket_mode, socket_gid)
            log.info("sandbox service: listening on %s", address)
            if ready is not None:
                ready(address, sandbox)
            await stop.wait()
            log.info("sandbox service: stopping")
            server.stopping.set()
        finally:
            await runner.cleanup()
            if listen.path is not None and address is not None:  # ours, not one found there
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(listen.path)
    return 0


async def _start_site(runner: web.AppRunner, listen: Listen, mode: int, gid: int | None) -> str:
    if listen.path is None:
        try:
            await web.TCPSite(runner, listen.host, listen.port).start()
        except OSError as exc:
            raise ServiceError(f"cannot listen on {listen.host}:{listen.port}: {exc.strerror}") from None
        host, port = runner.addresses[0][:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    path = listen.path
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            raise ServiceError(f"{path} exists and is not a socket: not replacing it")
        if _answers(path):
            raise ServiceError(f"another service is listening on unix:{path}")
        os.unlink(path)  # left by a service that did not stop cleanly
    # The umask makes the socket's mode right from its first moment, not only after a chmod.
    old = os.umask(0o777 & ~mode)
    try:
        await web.UnixSite(runner, path).start()
    except OSError as exc:
        raise ServiceError(f"cannot listen on unix:{path}: {exc.strerror}") from None
    finally:
        os.umask(old)
    if gid is not None:
        os.chown(path, -1, gid)
    os.chmod(path, mode)
    return f"unix:{path}"


def _answers(path: str) -> bool:
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True
