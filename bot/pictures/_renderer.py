"""Rendering off the event loop: a small pool of worker processes, started on first use.

Drawing a picture is 10-50 ms of CPU in Pillow, much of it holding the GIL; done in the bot's
process it would stall every chat for that long. A worker process keeps the loop free (measured
by bench/pictures.py). Workers are spawned, not forked: a fork of the bot would copy its threads'
locks and its sockets. Equal inputs give equal bytes, so repeated pictures (a demo's timeline,
the cards' diagrams) come from an LRU cache without a round trip.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bot.pictures import _style
from bot.pictures._diagrams import DIAGRAMS, render_diagram
from bot.pictures._stats import StatsPicture, render_stats
from bot.pictures._style import PictureError
from bot.pictures._timeline import TimelineChart, render_timeline


def _warm() -> None:
    # A picture can wait a few ms; the chats cannot: on a busy host the kernel gives the bot's
    # loop the CPU first (the same idea as the sandbox's nice 19, milder: pictures are ours).
    os.nice(NICE)
    # Ctrl-C reaches the whole process group; the bot's shutdown (aclose) stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Each worker opens the fonts once, before its first job.
    for size in (22, 24, 26, 32):
        _style.font(size)
        _style.font(size, bold=True)


NICE = 10


class Pictures:
    """Renders pictures in up to `workers` processes; `async with Pictures() as pictures:` (or
    `await pictures.aclose()`) owns them. Safe to create before the loop runs: nothing starts
    until the first picture is asked for."""

    def __init__(self, workers: int = 1, cache_size: int = 64, timeout_s: float = 10.0) -> None:
        self.workers = workers
        self.cache_size = cache_size
        self.timeout_s = timeout_s
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict[Hashable, bytes] = OrderedDict()
        self._diagrams: dict[tuple[str, str], bytes] = {}  # a few, fixed: never evicted
        self._closed = False
        self.renders = 0
        self.hits = 0

    async def __aenter__(self) -> Pictures:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def timeline(self, chart: TimelineChart, lang: str = "hi") -> bytes:
        """The task timeline as PNG bytes; equal charts hit the cache."""
        return await self._cached(("timeline", chart, lang), render_timeline, chart, lang)

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
        """`fn(*args)` in a worker; `fn` must be a module-level function (it is pickled)."""
        if self._closed:
            raise PictureError("pictures are closed")
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, multiprocessing.get_context("spawn"),
                                             initializer=_warm)
        pool = self._pool
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout_s):
                data = await loop.run_in_executor(pool, fn, *args)
        except TimeoutError as exc:
            raise PictureError(f"{fn.__name__} took over {self.timeout_s} s") from exc
        except BrokenProcessPool as exc:
            # A dead worker breaks the whole pool: drop it, the next picture starts a new one.
            if pool is self._pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise PictureError(f"a picture worker died during {fn.__name__}") from exc
        except Exception as exc:
            raise PictureError(f"{fn.__name__} failed: {exc!r}") from exc
        self.renders += 1
        return data

    async def _cached(self, key: Hashable, fn: Callable[..., bytes], *args: Any) -> bytes:
        if (data := self._cache.get(key)) is not None:
            self._cache.move_to_end(key)
            self.hits += 1
            return data
        data = await self.render(fn, *args)
        self._cache[key] = data
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return data

    async def aclose(self) -> None:
        """Stops the workers (waiting for them in a thread, never on the loop)."""
        self._closed = True
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
