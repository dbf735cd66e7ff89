"""Rendering in worker processes under a running loop: results, cache, failures, shutdown."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bot.pictures._protocol import NICE
from bot.pictures._renderer import PictureError, Pictures
from bot.pictures._timeline import TimelineChart, render_timeline
from tests.pictures.timelines import blocking, busy, concurrent


def _die() -> bytes:
    os._exit(3)


def _pid() -> bytes:
    return str(os.getpid()).encode()


def _chatty() -> bytes:
    print("a library that prints")
    return b"picture"


def _slow() -> bytes:
    time.sleep(30)
    return b""


async def test_timeline_renders_in_a_worker_with_the_same_bytes_as_inline():
    """The async API returns exactly what the renderer makes, from another process."""
    chart = TimelineChart.from_timeline(concurrent())
    async with Pictures() as pictures:
        data = await pictures.timeline(chart, "en")
        worker = int(await pictures.render(_pid))
    assert data == render_timeline(chart, "en")
    assert worker != os.getpid()


async def test_equal_charts_come_from_the_cache_and_old_ones_are_evicted():
    """A repeated chart is not rendered again; the cache holds at most cache_size pictures."""
    a, b = TimelineChart.from_timeline(concurrent()), TimelineChart.from_timeline(blocking())
    async with Pictures(cache_size=1) as pictures:
        first = await pictures.timeline(a, "en")
        assert await pictures.timeline(TimelineChart.from_timeline(concurrent()), "en") is first
        assert (pictures.renders, pictures.hits) == (1, 1)
        await pictures.timeline(b, "en")
        await pictures.timeline(a, "en")
        assert pictures.renders == 3


async def test_the_loop_keeps_ticking_while_pictures_render():
    """While 10 pictures render the loop goes on: a 5 ms ticker ticks many times per picture,
    where a render on the loop would let it tick about once per picture."""
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async with Pictures(cache_size=0) as pictures:
        await pictures.render(_pid)  # the worker's start-up is not what is measured
        async with asyncio.TaskGroup() as tg:
            task = tg.create_task(ticker())
            await asyncio.gather(*(pictures.timeline(TimelineChart.from_timeline(busy()), lang)
                                   for lang in ("hi", "en") * 5))
            task.cancel()
    assert pictures.renders == 11 and ticks >= 2 * 10


async def test_a_dead_worker_gives_a_picture_error_and_the_next_picture_works():
    """A crashed worker is reported as PictureError; a fresh pool serves the next call."""
    async with Pictures() as pictures:
        with pytest.raises(PictureError):
            await pictures.render(_die)
        assert await pictures.timeline(TimelineChart.from_timeline(concurrent()))
        assert pictures.started == 2


async def test_a_render_over_the_time_limit_gives_a_picture_error():
    """A picture slower than timeout_s is given up on, not awaited forever."""
    start = time.perf_counter()
    async with Pictures(timeout_s=0.5) as pictures:
        await pictures.render(_pid)
        with pytest.raises(PictureError):
            await pictures.render(_slow)
        assert await pictures.render(_pid)
        assert pictures.started == 2
    assert time.perf_counter() - start < 10  # the hung worker was killed, not waited out


async def test_closed_pictures_refuse_work_and_nothing_starts_before_the_first_picture():
    """No worker exists until asked for; after aclose() every call is a PictureError."""
    pictures = Pictures()
    assert pictures.started == 0
    await pictures.aclose()
    with pytest.raises(PictureError):
        await pictures.timeline(TimelineChart.from_timeline(concurrent()))


def _nice_and_sigint() -> bytes:
    import signal

    return f"{os.nice(0)} {signal.getsignal(signal.SIGINT) == signal.SIG_IGN}".encode()


async def test_workers_run_at_lower_priority_and_leave_ctrl_c_to_the_bot():
    """A worker yields the CPU to the bot's loop and ignores SIGINT (the bot closes it)."""
    async with Pictures() as pictures:
        nice, ignored = (await pictures.render(_nice_and_sigint)).decode().split()
    assert int(nice) >= os.nice(0) + NICE or int(nice) == 19
    assert ignored == "True"


def children() -> set[int]:
    """Live child processes of this test process."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                out.add(int(entry))
    return out


async def test_closing_leaves_no_process_behind():
    """After aclose no worker (nor any helper process) of ours is left, even after a crash."""
    before = children()
    async with Pictures(workers=2) as pictures:
        await asyncio.gather(pictures.render(_pid), pictures.render(_pid))
        with pytest.raises(PictureError):
            await pictures.render(_die)
        assert children() - before
    assert children() - before == set()


async def test_a_print_in_the_worker_does_not_corrupt_the_answers(capfd: pytest.CaptureFixture[str]):
    """Whatever a library prints goes to stderr; the answer and the next ones stay intact."""
    async with Pictures() as pictures:
        assert await pictures.render(_chatty) == b"picture"
        assert await pictures.render(_chatty) == b"picture"
    assert "a library that prints" in capfd.readouterr().err
