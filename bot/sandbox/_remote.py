"""`RemoteSandbox`: the core's sandbox port, served by one or more sandbox services
(`python -m bot.sandbox --listen ...`, see _server.py) instead of sandboxes of this process.

It behaves as the local `Sandbox` does: the same requests, the queue position before the
result, the service's limits and timeline in the result, Busy when every service's queue is
full, the per-user cooldown (kept here, so it holds whichever service runs the code). It fails
closed: a wrong token, an unreachable service or one whose sandbox is off is `Unavailable` with
a reason the user's reply shows; code never runs in this process instead.

Runs are spread over the services (the one with the fewest of our runs in flight first) and
fail over to the next one while nothing has started: a service that cannot be reached, refuses
the token, has no sandbox or a full queue. Once a service accepted a run, losing it mid-run is
`Unavailable` (the run is not repeated elsewhere).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.core.monitor import SandboxLoad
from bot.core.ports.sandbox import Busy, Limits, Queued, RunRequest, RunResult, Unavailable
from bot.sandbox import _http, _wire
from bot.sandbox._admit import Cooldowns, admit

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 3 * _wire.HEARTBEAT_S  # the service sends a line at least every HEARTBEAT_S
LINE_BYTES = 4 * 1024 * 1024  # a result line: 64 KB of output escaped, plus a timeline


@dataclass(frozen=True, slots=True)
class RemoteConfig:
    """Where the sandbox services are (SANDBOX__URL, SANDBOX__TOKEN) and how to treat them."""

    urls: tuple[str, ...]
    token: str | None = None
    cooldown_s: float = 3.0  # per user, between two runs (as the local sandbox)
    connect_timeout_s: float = 3.0
    poll_s: float = 5.0  # how often /load is read (availability and load for /inside)
    down_s: float = 5.0  # after a failure, a service is tried after the others for this long


class _Refused(Exception):
    """This service will not run the request; the next one may."""


class _Endpoint:
    def __init__(self, url: str, config: RemoteConfig) -> None:
        self.url = url
        self.http = _http.Client(url, token=config.token, connect_timeout_s=config.connect_timeout_s,
                                 read_timeout_s=READ_TIMEOUT_S, max_buffer=LINE_BYTES)
        self.in_flight = 0
        self.down_until = 0.0
        self.health: _wire.Health | None = None
        self.problem: str | None = "not asked yet"

    def failed(self, problem: str, down_s: float) -> str:
        self.problem = problem
        self.down_until = asyncio.get_running_loop().time() + down_s
        return problem

    def answered(self) -> None:
        self.problem = None
        self.down_until = 0.0


class RemoteSandbox:
    """The core's sandbox port (`SandboxPort`) over HTTP; see the module docstring."""

    def __init__(self, config: RemoteConfig, *, cooldowns: Cooldowns | None = None) -> None:
        if not config.urls:
            raise ValueError("a remote sandbox needs at least one service URL (SANDBOX__URL)")
        self.config = config
        self.reason: str | None = "not started"
        self._endpoints: list[_Endpoint] = []
        self._turn = 0
        # Per user; in the shared store when the bot runs as several processes.
        self._cooldowns = cooldowns or Cooldowns(self.config.cooldown_s)

    @property
    def available(self) -> bool:
        return self.reason is None

    @classmethod
    @asynccontextmanager
    async def open(cls, config: RemoteConfig, *, cooldowns: Cooldowns | None = None
                   ) -> AsyncIterator[RemoteSandbox]:
        """Ask every service once, then keep asking every `poll_s` until the block ends (a
        service that comes up later turns running code on; one that goes away, off)."""
        remote = cls(config, cooldowns=cooldowns)
        remote._endpoints = [_Endpoint(url, config) for url in config.urls]
        try:
            await remote.probe()
            poller = asyncio.create_task(remote._poll(), name="sandbox:remote-poll")
            try:
                yield remote
            finally:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
        finally:
            for endpoint in remote._endpoints:
                await endpoint.http.close()

    async def probe(self) -> None:
        """Read every service's /load; available when one of them can run code."""
        await asyncio.gather(*(self._ask(endpoint) for endpoint in self._endpoints))
        problems = [e.problem for e in self._endpoints if e.problem is not None]
        was = self.reason
        self.reason = None if len(problems) < len(self._endpoints) else _summary(problems)
        if self.reason != was:
            if self.reason is None:
                log.info("sandbox: running code on %s", ", ".join(
                    e.url for e in self._endpoints if e.problem is None))
            else:
                log.warning("sandbox: UNAVAILABLE, /run and /demo are off: %s", self.reason)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.config.poll_s)
            await self.probe()

    async def _ask(self, endpoint: _Endpoint) -> None:
        try:
            async with await endpoint.http.request("GET", "/load") as response:
                if response.status == 401:
                    raise _Refused(_wrong_token(endpoint))
                if response.status != 200:
                    raise _Refused(f"{endpoint.url} answered HTTP {response.status}")
                health = _wire.decode_health(await response.read())
        except (_http.Unreachable, _http.Lost, TimeoutError, _wire.WireError, _Refused) as exc:
            endpoint.health = None
            endpoint.failed(_problem(endpoint, exc), self.config.down_s)
            return
        endpoint.health = health
        if health.available:
            endpoint.answered()
        else:
            endpoint.failed(f"{endpoint.url}: {health.reason}", self.config.down_s)

    # -- running code ---------------------------------------------------------------------

    async def submit(self, request: RunRequest | str, *, user_key: str | None = None,
                     wall_s: float | None = None) -> AsyncIterator[Queued | RunResult]:
        """Yields `Queued(position)` if the request has to wait, then the `RunResult`. Raises
        Unavailable, CoolingDown (per user; None = no cooldown) or Busy (every queue is full)."""
        loop = asyncio.get_running_loop()
        request = admit(request, wall_s, reason=None if self.available else self.reason)
        body = _wire.encode(request)
        # Taken before the request is sent, as the local sandbox does on admission: a second
        # request of the same user meanwhile is cooling down. Given back if nothing runs.
        taken = await self._cooldowns.take(user_key)  # raises CoolingDown
        problems: list[str] = []
        busy: list[int] = []
        for endpoint in self._order(loop.time()):
            endpoint.in_flight += 1
            try:
                async with contextlib.AsyncExitStack() as stack:
                    try:
                        lines = await stack.enter_async_context(_Stream.open(endpoint, body))
                        first = await lines.next()
                    except _Refused as exc:
                        problems.append(endpoint.failed(str(exc), self.config.down_s))
                        continue
                    if first.error == "busy":
                        busy.append(first.retry_after or 1)
                        continue
                    if first.error is not None:
                        problems.append(endpoint.failed(f"{endpoint.url}: {first.reason}",
                                                        self.config.down_s))
                        continue
                    # Accepted: from here this service runs it, or it fails; never a second run.
                    endpoint.answered()
                    line = first
                    while line.result is None:
                        if line.queued is not None:
                            yield Queued(line.queued)
                        elif line.error == "busy":  # only ever first; kept for completeness
                            raise Busy(line.retry_after or 1)
                        else:
                            raise Unavailable(f"{endpoint.url}: {line.reason or 'no reason given'}")
                        line = await lines.next()
                    await lines.finish()
                    yield line.result
                    return
            finally:
                endpoint.in_flight -= 1
        await self._cooldowns.give_back(taken)  # nothing ran: no cooldown from this request
        if busy:  # the others failed: the one with room soonest says when to come back
            raise Busy(min(busy))
        raise Unavailable(_summary(problems))

    async def run(self, request: RunRequest | str, *, wall_s: float | None = None) -> RunResult:
        """Run without a cooldown, waiting in the queue as long as needed."""
        async for event in self.submit(request, wall_s=wall_s):
            if isinstance(event, RunResult):
                return event
        raise AssertionError("submit ended without a result")

    @property
    def limits(self) -> Limits | None:
        """What a run gets without a budget: the first service's that can run code (as of the
        last poll); None while none can."""
        for endpoint in self._endpoints:
            if endpoint.health is not None and endpoint.health.available:
                return endpoint.health.limits
        return None

    def load(self) -> SandboxLoad:
        """Queued, running and capacity over every service that can run code, as of the last
        poll (at most `poll_s` old)."""
        loads = [e.health.load for e in self._endpoints if e.health is not None and e.health.available]
        return SandboxLoad(queued=sum(x.queued for x in loads), running=sum(x.running for x in loads),
                           capacity=sum(x.capacity for x in loads))

    def _order(self, now: float) -> list[_Endpoint]:
        """Services that did not fail lately first, the least busy (with us) first; ties taken
        in turn, so two services share the runs of a quiet bot too."""
        self._turn += 1
        count = len(self._endpoints)
        ranked = sorted(range(count), key=lambda i: (
            self._endpoints[i].down_until > now, self._endpoints[i].in_flight, (i - self._turn) % count))
        return [self._endpoints[i] for i in ranked]


class _Stream:
    """The NDJSON lines of one run's answer (heartbeats skipped)."""

    def __init__(self, endpoint: _Endpoint, response: _http.Response) -> None:
        self.endpoint = endpoint
        self.response = response

    @classmethod
    @asynccontextmanager
    async def open(cls, endpoint: _Endpoint, body: bytes) -> AsyncIterator[_Stream]:
        """POST the request; raises _Refused when the service cannot be reached or refuses it
        before running (the next service may take it), Unavailable when no service would take
        it (too large, malformed)."""
        try:
            response = await endpoint.http.request("POST", "/run", body)
        except (_http.Unreachable, _http.Lost, TimeoutError) as exc:
            raise _Refused(_problem(endpoint, exc)) from None
        async with response:
            if response.status in (400, 413):
                reason = await _reason(response)
                raise Unavailable(f"the sandbox service refused the request: {reason}")
            if response.status == 401:
                raise _Refused(_wrong_token(endpoint))
            if response.status != 200:
                raise _Refused(f"{endpoint.url} answered HTTP {response.status}")
            yield cls(endpoint, response)

    async def finish(self) -> None:
        """Read the answer's end (it follows the result at once): the connection is then
        reused for the next run instead of closed, which costs both sides a new one."""
        with contextlib.suppress(_http.Lost, TimeoutError):
            await self.response.read()

    async def next(self) -> _wire.Line:
        try:
            while True:
                raw = await self.response.readline()
                if not raw:
                    raise Unavailable(f"{self.endpoint.url} ended the answer before the result")
                if raw.strip():
                    return _wire.decode_line(raw)
        except (_http.Lost, TimeoutError, _wire.WireError) as exc:
            if isinstance(exc, _wire.WireError):
                detail = f"an answer this bot cannot read ({exc})"
            elif isinstance(exc, TimeoutError):
                detail = "the service went silent (no heartbeat)"
            else:
                detail = str(exc)
            raise Unavailable(f"{self.endpoint.url}: {detail}") from None


async def _reason(response: _http.Response) -> str:
    try:
        line = _wire.decode_line(await response.read())
    except (_http.Lost, TimeoutError, _wire.WireError):
        return f"HTTP {response.status}"
    return line.reason or f"HTTP {response.status}"


def _wrong_token(endpoint: _Endpoint) -> str:
    return f"{endpoint.url} refused this bot's token (SANDBOX__TOKEN)"


def _problem(endpoint: _Endpoint, exc: BaseException) -> str:
    if isinstance(exc, _Refused | _wire.WireError):
        return str(exc)
    if isinstance(exc, _http.Unreachable):
        return f"{endpoint.url} cannot be reached ({exc})"
    if isinstance(exc, TimeoutError):
        return f"{endpoint.url} did not answer in time"
    return f"{endpoint.url}: {exc}"


def _summary(problems: list[str]) -> str:
    return "the sandbox service is unavailable: " + "; ".join(problems or ["no service answered"])
