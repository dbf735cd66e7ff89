"""The core's pictures port served by real worker processes: core values in, PNG bytes out,
every failure the port's NoPicture."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.ports.pictures import NoPicture, StatsSheet, TermMastery
from bot.core.timeline import Record, Timeline
from bot.pictures import Pictures, _style
from bot.pictures.port import PictureService
from tests.adapters.pictures import png_size


def two_tasks() -> Timeline:
    return Timeline([Record("s", "a", 0, 2_000), Record("s", "b", 1_000, 3_000),
                     Record("s", "a", 100_000, 101_000), Record("s", "b", 200_000, 201_000)])


async def test_a_timeline_stats_and_a_diagram_come_back_as_pngs():
    """Each of the port's pictures is a 960 px wide PNG."""
    async with Pictures() as pictures:
        port = PictureService(pictures)
        sheet = StatsSheet((TermMastery("Await", seen=True, quizzed=2, right=1, due=True),),
                           date(2026, 12, 6), frozenset({date(2026, 12, 5), date(2026, 12, 6)}), 2, 3)
        for png in (await port.timeline(two_tasks(), "en"), await port.stats(sheet, "hi"),
                    await port.diagram("event-loop", "en")):
            assert png_size(png)[0] == 960


async def test_equal_keys_share_one_timeline_picture():
    """A keyed timeline (a demo) is drawn once: a later run with other timings gets the same
    picture without a render."""
    async with Pictures() as pictures:
        port = PictureService(pictures)
        first = await port.timeline(two_tasks(), "en", key=("demo", "x"))
        other = Timeline([Record("s", "a", 0, 5_000), Record("s", "b", 0, 9_000)])
        assert await port.timeline(other, "en", key=("demo", "x")) is first
        assert pictures.renders == 1 and pictures.hits == 1


async def test_an_unknown_diagram_is_no_picture():
    """A card without a diagram is the port's NoPicture, not the package's own error."""
    async with Pictures() as pictures:
        port = PictureService(pictures)
        assert not port.has_diagram("await") and port.has_diagram("blocking")
        with pytest.raises(NoPicture):
            await port.diagram("await", "en")


def test_without_the_font_pictures_are_off(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """No fonts-dejavu-core: no service (the core sends text only), said in the log."""
    monkeypatch.setattr("bot.pictures.port.REGULAR", tmp_path / "none.ttf")
    assert PictureService.if_drawable(Pictures()) is None
    assert _style.REGULAR.name == "DejaVuSans.ttf"  # the module itself is untouched


async def test_a_picture_that_takes_too_long_is_no_picture():
    """A reply waits for its picture at most `wait_s` (a queue behind a busy worker included),
    then goes as text: the port says NoPicture."""
    async with Pictures() as pictures:
        port = PictureService(pictures, wait_s=0.001)
        with pytest.raises(NoPicture, match="within"):
            await port.stats(StatsSheet((), date(2026, 12, 6)), "en")
        port.wait_s = 10.0
        assert png_size(await port.stats(StatsSheet((), date(2026, 12, 6)), "en"))[0] == 960
