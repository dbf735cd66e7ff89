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
REFILL_AFTER_S = 0.01


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
    """The HTTP face of one local `Sandbox`. Built on aiohttp's low-level server: three routes
    need no router, application or middlewares, and a trivial run is ~50 µs of Python shorter
    on a quiet host for it (measured, bench/sandbox_service.py)."""

    def __init__(self, sandbox: Sandbox, *, token: str | None, max_body: int) -> None:
        self.sandbox = sandbox
        self._token = token.encode() if token else None
        self._max_body = max_body
        self.stopping = asyncio.Event()
        self._runs: set[asyncio.Task] = set()  # the handlers of the runs in flight
        self._routes = {("POST", "/run"): self._run, ("GET", "/load"): self._load,
                        ("GET", "/healthz"): self._healthz}

    def server(self) -> web.Server:
        return web.Server(self._handle, handler_cancellation=True, access_log=None)

    def stop(self) -> None:
        """Refuse what comes next, and end the runs in flight (each client learns why)."""
        self.stopping.set()
        for task in self._runs:
            task.cancel()

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        handler = self._routes.get((request.method, request.path))
        if handler is not None:
            return await handler(request)
        if any(path == request.path for _, path in self._routes):
            return web.Response(status=405, text="method not allowed\n")
        return web.Response(status=404, text="not found\n")

    def _authorized(self, request: web.BaseRequest) -> bool:
        if self._token is None:
            return True
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        # Constant time in the token's content: a wrong guess learns nothing of the right one.
        return hmac.compare_digest(given.encode(), self._token) and scheme.lower() == "bearer"

    @staticmethod
    def _refuse(status: int, error: str, reason: str) -> web.Response:
        return web.Response(status=status, body=_wire.line(_wire.Line(error=error, reason=reason)),
                            content_type="application/json")

    async def _healthz(self, request: web.BaseRequest) -> web.Response:
        if self.sandbox.available and not self.stopping.is_set():
            return web.Response(text="ok\n")
        return web.Response(status=503, text=f"{self.sandbox.reason or STOPPING}\n")

    async def _load(self, request: web.BaseRequest) -> web.Response:
        if not self._authorized(request):
            return self._refuse(401, "unauthorized", "wrong or missing token")
        sandbox = self.sandbox
        health = _wire.Health(available=sandbox.available, reason=sandbox.reason, load=sandbox.load(),
                              limits=sandbox.config.limits, max_wall_s=sandbox.config.max_wall_s)
        return web.Response(body=_wire.encode(health), content_type="application/json")

    async def _read(self, request: web.BaseRequest) -> bytes | None:
        """The body, or None past the cap (with a length given or not)."""
        if (request.content_length or 0) > self._max_body:
            return None
        body = bytearray()
        while chunk := await request.content.read(self._max_body + 1 - len(body)):
            body += chunk
            if len(body) > self._max_body:
                return None
        return bytes(body)

    async def _run(self, request: web.BaseRequest) -> web.StreamResponse:
        if not self._authorized(request):
            return self._refuse(401, "unauthorized", "wrong or missing token")
        if self.stopping.is_set():
            return self._refuse(503, "unavailable", STOPPING)
        body = await self._read(request)
        if body is None:
            return self._refuse(413, "too_large", "the request is larger than this service takes "
                                f"({self._max_body // 1024} KB)")
        try:
            run_request = _wire.decode_request(body)
        except _wire.WireError as exc:
            return self._refuse(400, "bad_request", str(exc))
        # The run's events are written from this task, each as soon as the sandbox yields it:
        # the pool's refill (a fork, ~1 ms of this loop) then comes after the result is sent,
        # not before. No task beside it: a heartbeat is a timer (a task only once it fires), and
        # the stop cancels this one.
        task = asyncio.current_task()
        assert task is not None
        answer = _Answer(request)
        self._runs.add(task)
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
            # Cancelled by stop(): the run and its sandbox are gone; the client learns why. Any
            # other cancel (the client left) goes on up.
            if not self.stopping.is_set() or task.uncancel() > 0:
                raise
            return await answer.end(_wire.line(_wire.Line(error="unavailable", reason=STOPPING)))
        finally:
            self._runs.discard(task)
            answer.close()


class _Answer:
    """A run's NDJSON answer, begun (its headers sent) only when a line must go out before the
    end: a queue position or a heartbeat. A run that neither waits nor lasts a heartbeat (most
    runs) is answered whole, headers and result in one write: the client wakes once for it,
    not three times (headers, result, end of the chunked body), each a wake-up of the bot's
    process that a loaded host makes wait for a CPU.

    A heartbeat (an empty line; a silent connection is a dead one to the client) goes out every
    HEARTBEAT_S until close(): a timer, turned into a task of this answer's only when it fires,
    so a short run starts no task beside its handler."""

    def __init__(self, request: web.BaseRequest) -> None:
        self._request = request
        self._stream: web.StreamResponse | None = None
        self._lock = asyncio.Lock()  # the handler and the heartbeat both write
        loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = loop.call_later(_wire.HEARTBEAT_S, self._beat)
        self._beating: asyncio.Task[None] | None = None

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
        self.close()
        async with self._lock:
            if self._stream is None:
                return web.Response(body=data, headers={"Content-Type": _wire.CONTENT_TYPE})
            await self._stream.write_eof(data)  # the last line and the end in one write
            return self._stream

    def close(self) -> None:
        """No more heartbeats."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._beating is not None and self._beating is not asyncio.current_task():
            self._beating.cancel()

    def _beat(self) -> None:
        self._beating = asyncio.create_task(self._heartbeats(), name="sandbox-service:heartbeat")

    async def _heartbeats(self) -> None:
        while True:
            try:
                await self.send(b"\n")
            except (ConnectionError, RuntimeError):  # the client left: its handler is cancelled
                return
            await asyncio.sleep(_wire.HEARTBEAT_S)


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
    # The pool refills REFILL_AFTER_S after a run: by then the bot has read the answer (a fork and
    # a sandbox starting at once took the CPU it needed to wake: ~0.4 ms of a trivial run here).
    service_config = replace(config, cooldown_s=0.0, refill_after_s=REFILL_AFTER_S)
    async with Sandbox.open(service_config) as sandbox:
        server = SandboxServer(sandbox, token=token, max_body=max_body)
        runner = web.ServerRunner(server.server(), shutdown_timeout=2.0)
        await runner.setup()
        address = None
        try:
            address = await _start_site(runner, listen, socket_mode, socket_gid)
            log.info("sandbox service: listening on %s", address)
            if ready is not None:
                ready(address, sandbox)
            await stop.wait()
            log.info("sandbox service: stopping")
            server.stop()
        finally:
            await runner.cleanup()
            if listen.path is not None and address is not None:  # ours, not one found there
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(listen.path)
    return 0


async def _start_site(runner: web.BaseRunner, listen: Listen, mode: int, gid: int | None) -> str:
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
