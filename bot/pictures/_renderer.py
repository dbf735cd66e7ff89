"""Rendering off the event loop: a few worker processes, started on first use.

Drawing a picture is 10-50 ms of CPU in Pillow, much of it holding the GIL; done in the bot's
process it would stall every chat for that long. Each worker is a child process that the loop
talks to through its pipes (bot/pictures/_worker.py): no thread in the bot's process, so nothing
contends for the GIL while a picture renders (measured by bench/pictures.py), and a worker that
hangs is killed, which a process pool cannot do. Equal inputs give equal bytes, so repeated
pictures (a demo's timeline, the cards' diagrams) come from memory without a round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from bot.pictures._diagrams import DIAGRAMS, render_diagram
from bot.pictures._protocol import HEAD
from bot.pictures._stats import StatsPicture, render_stats
from bot.pictures._style import PictureError
from bot.pictures._timeline import TimelineChart, render_timeline

CLOSE_S = 2.0  # a worker told to stop (stdin closed) gets this long before it is killed


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls) -> _Worker:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.pictures._worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        return cls(proc)

    async def call(self, fn: Callable[..., bytes], args: tuple) -> bytes:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        job = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.write(HEAD.pack(len(job)) + job)
        await self.proc.stdin.drain()
        size = HEAD.unpack(await self.proc.stdout.readexactly(HEAD.size))[0]
        ok, value = pickle.loads(await self.proc.stdout.readexactly(size))
        if not ok:
            raise PictureError(f"{fn.__name__} failed in the worker: {value}")
        return value

    async def stop(self) -> None:
        if self.proc.returncode is None and self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            async with asyncio.timeout(CLOSE_S):
                await self.proc.wait()
        except TimeoutError:
            self.kill()
            await self.proc.wait()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()


class Pictures:
    """Renders pictures in up to `workers` child processes; `async with Pictures() as pictures:`
    (or `await pictures.aclose()`) owns them. Safe to create before the loop runs: no process
    starts until the first picture is asked for."""

    def __init__(self, workers: int = 1, cache_size: int = 64, timeout_s: float = 10.0) -> None:
        self.workers = workers
        self.cache_size = cache_size
        self.timeout_s = timeout_s
        self._idle: list[_Worker] = []
        self._slots = asyncio.Semaphore(workers)
        self._busy: set[_Worker] = set()
        self._dead: set[_Worker] = set()
        self._cache: OrderedDict[Hashable, bytes] = OrderedDict()
        self._diagrams: dict[tuple[str, str], bytes] = {}  # a few, fixed: never evicted
        self._closed = False
        self.renders = 0
        self.hits = 0
        self.started = 0  # worker processes started so far (a restart after a crash counts)

    async def __aenter__(self) -> Pictures:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def timeline(self, chart: TimelineChart, lang: str = "hi", *, key: Hashable | None = None
                       ) -> bytes:
        """The task timeline as PNG bytes; equal charts hit the cache. A `key` stands for the
        chart instead (a demo's id: its tasks do the same every run, a few µs apart), so runs
        with equal keys share one picture."""
        cache_key = ("timeline", chart if key is None else ("key", key), lang)
        return await self._cached(cache_key, render_timeline, chart, lang)

    async def diagram(self, card: str, lang: str = "hi") -> bytes:
        """The diagram of a card (`card in DIAGRAMS`), drawn once per voice and kept for good."""
        if card not in DIAGRAMS:
            raise PictureError(f"no diagram for the card {card!r}")
        key = (card, lang)
        if (data := self._diagrams.get(key)) is None:
            data = self._diagrams[key] = await self.render(render_diagram, card, lang)
        else:
            self.hits += 1
        return data

    async def stats(self, data: StatsPicture, lang: str = "hi") -> bytes:
        """The /stats picture; not cached: it changes with every answer."""
        return await self.render(render_stats, data, lang)

    async def render(self, fn: Callable[..., bytes], *args: Any) -> bytes:
        """`fn(*args)` in a worker; `fn` must be a module-level function (it is pickled by name)."""
        if self._closed:
            raise PictureError("pictures are closed")
        async with self._slots:
            worker = self._idle.pop() if self._idle else None
            try:
                if worker is None:
                    worker = await _Worker.start()
                    self.started += 1
                self._busy.add(worker)
                async with asyncio.timeout(self.timeout_s):
                    data = await worker.call(fn, args)
            except PictureError:
                self._release(worker)  # the worker is fine: the picture's input was not
                raise
            except BaseException as exc:
                # Dead, hung, cancelled mid-answer or unable to start: its pipes may hold half a
                # message, so it is never reused. The next picture starts a fresh one.
                if worker is not None:
                    self._busy.discard(worker)
                    worker.kill()  # the loop's child watcher reaps it; aclose waits for it
                    self._dead.add(worker)
                if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                    raise
                raise PictureError(f"{fn.__name__}: no picture ({type(exc).__name__}: {exc})") from exc
            self._release(worker)
        self.renders += 1
        return data

    def _release(self, worker: _Worker | None) -> None:
        if worker is None:
            return
        self._busy.discard(worker)
        if self._closed:
            worker.kill()
        else:
            self._idle.append(worker)

    async def _cached(self, key: Hashable, fn: Callable[..., bytes], *args: Any) -> bytes:
        if (data := self._cache.get(key)) is not None:
            self._cache.move_to_end(key)
            self.hits += 1
            return data
        data = await self.render(fn, *args)
        if self.cache_size > 0:
            self._cache[key] = data
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return data

    async def aclose(self) -> None:
        """Stops every worker: idle ones are asked to exit, busy ones are killed."""
        self._closed = True
        idle, self._idle = self._idle, []
        busy, self._busy = list(self._busy), set()
        dead, self._dead = list(self._dead), set()
        for worker in busy:
            worker.kill()
        await asyncio.gather(*(w.stop() for w in idle + busy + dead))
