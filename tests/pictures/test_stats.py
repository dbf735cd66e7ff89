"""The /stats picture: mastery levels, the grid, the due marks and the streak strip."""

from __future__ import annotations

from datetime import date, timedelta

from bot.pictures import _style as style
from bot.pictures._renderer import Pictures
from bot.pictures._stats import MAX_TILES, StatsPicture, TermProgress, render_stats
from tests.pictures.test_timeline import colours, decode

TODAY = date(2026, 12, 6)


def picture(terms: tuple[TermProgress, ...], streak: int = 0) -> StatsPicture:
    return StatsPicture.from_streak(terms, TODAY, TODAY if streak else None, streak, max(streak, 3))


def test_levels_go_from_unseen_to_mostly_right():
    """A term is unseen, read, quizzed, or mostly right once half its answers or more are right."""
    assert TermProgress("a").level == 0
    assert TermProgress("a", seen=True).level == 1
    assert TermProgress("a", seen=True, quizzed=3, right=1).level == 2
    assert TermProgress("a", quizzed=4, right=2).level == 3
    assert TermProgress("a", quizzed=2, right=0).level == 2


def test_from_streak_marks_the_streaks_days_ending_on_its_last_day():
    """A store keeping only (streak, last day) still gives the strip its days."""
    data = StatsPicture.from_streak((), TODAY, TODAY - timedelta(days=1), 3, 5)
    assert data.active_days == {TODAY - timedelta(days=n) for n in (1, 2, 3)}
    assert StatsPicture.from_streak((), TODAY, None, 0, 5).active_days == frozenset()


def test_each_level_shows_its_colour_and_due_terms_their_mark():
    """Every level drawn has its fill; a due term adds the vermilion mark; streak days are green."""
    terms = (TermProgress("Await", seen=True), TermProgress("Blocking", quizzed=3, right=1, due=True),
             TermProgress("Event loop", quizzed=2, right=2), TermProgress("Coroutine"))
    seen = colours(decode(render_stats(picture(terms, streak=2), "en")))
    assert set(style.LEVELS) | {style.BLOCKING, style.ACTIVE} <= seen


def test_no_streak_no_green_day():
    """Without a streak no day of the strip is filled."""
    img = decode(render_stats(picture((TermProgress("Await", seen=True),)), "en"))
    assert style.ACTIVE not in colours(img)


def test_grid_grows_by_rows_of_four_and_is_capped():
    """Five terms take two rows; past MAX_TILES the picture stops growing."""
    one = decode(render_stats(picture(tuple(TermProgress(f"t{i}") for i in range(4)))))
    two = decode(render_stats(picture(tuple(TermProgress(f"t{i}") for i in range(5)))))
    cap = decode(render_stats(picture(tuple(TermProgress(f"t{i}") for i in range(MAX_TILES)))))
    over = decode(render_stats(picture(tuple(TermProgress(f"t{i}") for i in range(MAX_TILES + 9)))))
    assert one.width == two.width == style.WIDTH and one.height < two.height
    assert cap.size == over.size


def test_empty_stats_and_both_voices_render():
    """No terms still renders; Hinglish and English differ in words, not in size."""
    data = picture((TermProgress("Event loop starvation and friends", quizzed=1, right=1),), streak=4)
    hi, en = decode(render_stats(data, "hi")), decode(render_stats(data, "en"))
    assert hi.size == en.size and hi.tobytes() != en.tobytes()
    assert decode(render_stats(picture(()), "en")).width == style.WIDTH


async def test_stats_render_through_the_worker():
    """The async API gives the same bytes as the renderer."""
    data = picture((TermProgress("Await", seen=True),), streak=1)
    async with Pictures() as pictures:
        assert await pictures.stats(data, "en") == render_stats(data, "en")
