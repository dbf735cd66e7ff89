"""The task timeline picture: rows, states, caps, both voices, from the sandbox's records."""

from __future__ import annotations

import io
import pickle

from PIL import Image

from bot.pictures import _style as style
from bot.pictures._timeline import MAX_ROWS, TimelineChart, render_timeline, states, ticks
from tests.pictures.timelines import Rec, Tl, blocking, busy, concurrent, many


def decode(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img.convert("RGB")


def colours(img: Image.Image) -> set[tuple[int, int, int]]:
    return {c for _, c in img.getcolors(maxcolors=1 << 20)}


def test_chart_has_one_row_per_task_in_order_of_first_run():
    """Tasks become rows in the order they first ran; all times are kept."""
    chart = TimelineChart.from_timeline(concurrent())
    assert [r.name for r in chart.rows] == ["Task-1", "worker-A", "worker-B"]
    assert chart.end_us == 301_400
    assert not chart.blocked and chart.more == 0


def test_long_steps_and_sleeps_block_the_loop():
    """A time.sleep or a step of 50 ms or more is blocking; each stuck span becomes a band."""
    chart = TimelineChart.from_timeline(blocking())
    by_name = {r.name: r for r in chart.rows}
    assert all(b.blocking for b in by_name["Task-2"].bars)
    assert not any(b.blocking for b in by_name["Task-1"].bars)
    assert chart.blocked == ((300, 500_600), (500_700, 1_001_000), (1_001_100, 1_501_400))


def test_short_loop_callbacks_are_left_out_and_long_ones_get_a_loop_row():
    """Only a loop callback long enough to block shows, on a `loop` row after the tasks."""
    tl = Tl([Rec("s", "Task-1", 0, 10), Rec("s", "loop", 20, 30), Rec("s", "loop", 100, 90_000)])
    chart = TimelineChart.from_timeline(tl)
    assert [r.name for r in chart.rows] == ["Task-1", "loop"]
    assert chart.rows[1].bars[0].blocking


def test_rows_are_capped_and_the_rest_counted():
    """More tasks than MAX_ROWS show as MAX_ROWS rows plus a count of the others."""
    chart = TimelineChart.from_timeline(many(MAX_ROWS + 5))
    assert len(chart.rows) == MAX_ROWS and chart.more == 5


def test_picture_is_a_phone_sized_png_that_grows_with_rows():
    """960 px wide; a chart with more rows is taller, and the cap bounds the height."""
    small = decode(render_timeline(TimelineChart.from_timeline(concurrent())))
    capped = decode(render_timeline(TimelineChart.from_timeline(many(40))))
    huge = decode(render_timeline(TimelineChart.from_timeline(many(400))))
    assert small.width == capped.width == style.WIDTH
    assert small.height < capped.height == huge.height < 900


def test_each_state_drawn_has_its_colour_and_no_other_state_does():
    """Running and waiting colours appear for a concurrent run; blocking only where it happened."""
    calm = colours(decode(render_timeline(TimelineChart.from_timeline(concurrent()))))
    stuck = colours(decode(render_timeline(TimelineChart.from_timeline(blocking()))))
    assert {style.RUNNING, style.WAITING} <= calm
    assert not {style.BLOCKING, style.BLOCKED_BAND} & calm
    assert {style.RUNNING, style.BLOCKING, style.BLOCKING_DARK, style.BLOCKED_BAND} <= stuck


def test_dense_short_steps_are_drawn_pale_and_named_in_the_legend():
    """Hundreds of 60 µs steps are a pale bar (ran a little), not solid running."""
    chart = TimelineChart.from_timeline(busy())
    assert states(chart) == ["bursts"]  # and no waiting: the pale bars cover the grey line
    assert style.RUNNING not in colours(decode(render_timeline(chart)))


def test_a_lone_short_step_is_drawn_in_the_full_colour():
    """One 300 µs step on an 80 ms axis (2-3 px) is a solid mark, not a pale bin."""
    tl = Tl([Rec("s", "Task-1", 1000, 1300), Rec("s", "loop", 5000, 80_000)])
    chart = TimelineChart.from_timeline(tl)
    assert states(chart) == ["running", "blocking", "band"]
    assert style.RUNNING in colours(decode(render_timeline(chart)))


def test_legend_names_only_the_states_shown():
    """The legend lists running and waiting for a calm run, and the blocking pair when blocked."""
    assert states(TimelineChart.from_timeline(concurrent())) == ["running", "waiting"]
    assert states(TimelineChart.from_timeline(blocking())) == ["running", "waiting", "blocking", "band"]


def test_both_voices_render_differently_at_the_same_size():
    """Hinglish and English pictures differ (the words) but keep the layout's width."""
    chart = TimelineChart.from_timeline(blocking())
    hi, en = decode(render_timeline(chart, "hi")), decode(render_timeline(chart, "en"))
    assert hi.width == en.width and hi.tobytes() != en.tobytes()


def test_same_chart_gives_the_same_bytes():
    """Rendering is deterministic: equal charts are equal images (what the cache relies on)."""
    a = render_timeline(TimelineChart.from_timeline(concurrent()), "en")
    b = render_timeline(TimelineChart.from_timeline(concurrent()), "en")
    assert a == b


def test_chart_survives_pickling_as_itself():
    """What the worker receives equals what was sent (charts travel as plain tuples)."""
    for tl in (concurrent(), blocking(), busy(), Tl()):
        chart = TimelineChart.from_timeline(tl)
        assert pickle.loads(pickle.dumps(chart)) == chart


def test_empty_timeline_says_no_task_ran():
    """No records still gives a small valid picture rather than an error."""
    chart = TimelineChart.from_timeline(Tl())
    img = decode(render_timeline(chart, "en"))
    assert chart.rows == () and img.width == style.WIDTH and img.height < 300
    assert style.RUNNING not in colours(img)


def test_very_long_names_keep_both_ends():
    """A name too wide for the label column is cut in the middle, so worker-1 and worker-2 differ."""
    face = style.font(26)
    a = style.ellipsise_middle("a-very-long-task-name-for-worker-1", face, 220)
    b = style.ellipsise_middle("a-very-long-task-name-for-worker-2", face, 220)
    assert "…" in a and a != b and a.endswith("1") and face.getlength(a) <= 220
    decode(render_timeline(TimelineChart.from_timeline(many(3, "x" * 60)), "en"))


def test_ticks_are_round_and_switch_to_seconds_past_two_seconds():
    """Axis marks are round numbers up to the end; long runs are labelled in seconds."""
    assert ticks(301_400) == ([0, 100_000, 200_000, 300_000], "ms")
    marks, unit = ticks(2_500_000)
    assert unit == "s" and marks[-1] <= 2_500_000 and len(marks) <= 6
    assert ticks(300)[0][-1] <= 300
    late = [3_000_000, 3_250_000, 3_500_000, 3_750_000, 4_000_000]
    assert ticks(4_012_000, start_us=3_004_000) == (late, "s")


def test_axis_skips_a_long_synchronous_start():
    """Tasks that start after seconds of plain code get the width; a short lead keeps 0."""
    late = Tl([Rec("s", "Task-1", 3_000_000, 3_000_100), Rec("s", "Task-1", 4_000_000, 4_000_100)])
    assert TimelineChart.from_timeline(late).start_us == 3_000_000
    assert TimelineChart.from_timeline(concurrent()).start_us == 0
    stuck_late = Tl([Rec("s", "loop", 2_000_000, 2_100_000)])  # only the loop, and late
    assert TimelineChart.from_timeline(stuck_late).start_us == 2_000_000
    decode(render_timeline(TimelineChart.from_timeline(late)))


BLOCKER = """
import asyncio, time

async def blocker():
    time.sleep(0.08)

async def friend():
    await asyncio.sleep(0.01)

async def main():
    await asyncio.gather(blocker(), friend())

asyncio.run(main())
"""


async def test_a_real_sandbox_timeline_becomes_a_chart_with_its_blocking(sandbox):
    """The records a real run writes give rows per task and a band where time.sleep held the loop."""
    result = await sandbox.run(BLOCKER)
    chart = TimelineChart.from_timeline(result.timeline)
    assert {"Task-1", "Task-2", "Task-3"} <= {r.name for r in chart.rows}
    assert chart.blocked and chart.blocked[0][1] - chart.blocked[0][0] >= 80_000
    assert style.BLOCKED_BAND in colours(decode(render_timeline(chart, "en")))
