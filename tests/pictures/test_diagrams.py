"""The event-loop and blocking cards' diagrams: stable, both voices, drawn once per process."""

from __future__ import annotations

import pytest

from bot.pictures import _style as style
from bot.pictures._diagrams import DIAGRAMS, READY_CHIP, blocking_charts, render_diagram
from bot.pictures._renderer import PictureError, Pictures
from tests.pictures.test_timeline import colours, decode


@pytest.mark.parametrize("card", sorted(DIAGRAMS))
def test_diagram_is_stable_and_phone_sized(card: str):
    """The same card and voice give the same bytes every time, 960 px wide, in both voices."""
    for lang in ("hi", "en"):
        first = render_diagram(card, lang)
        assert render_diagram(card, lang) == first
        assert decode(first).width == style.WIDTH and 400 < decode(first).height < 900
    assert render_diagram(card, "hi") != render_diagram(card, "en")


def test_event_loop_diagram_shows_the_three_states_in_the_timelines_colours():
    """Running, ready and waiting tasks are drawn in the colours the timeline uses."""
    seen = colours(decode(render_diagram("event-loop", "en")))
    assert {style.RUNNING, READY_CHIP, style.WAITING} <= seen
    assert style.BLOCKING not in seen


def test_blocking_diagram_puts_both_halves_on_one_scale():
    """time.sleep's tasks block one after another for 1.5 s; the awaited ones finish at 0.5 s."""
    slept, awaited = blocking_charts()
    assert slept.end_us == 1_500_000 and awaited.end_us < 600_000
    assert slept.blocked == ((0, 1_500_000),) and not awaited.blocked
    seen = colours(decode(render_diagram("blocking", "hi")))
    assert {style.RUNNING, style.WAITING, style.BLOCKING, style.BLOCKED_BAND} <= seen


async def test_diagrams_are_rendered_once_per_voice():
    """A second ask for a card's diagram is served from memory, even with the LRU cache off."""
    async with Pictures(cache_size=0) as pictures:
        first = await pictures.diagram("event-loop", "en")
        assert await pictures.diagram("event-loop", "en") is first
        assert (pictures.renders, pictures.hits) == (1, 1)
        assert first == render_diagram("event-loop", "en")


async def test_a_card_without_a_diagram_is_a_picture_error():
    """Asking for a card that has no diagram fails at once, without starting a worker."""
    async with Pictures() as pictures:
        with pytest.raises(PictureError):
            await pictures.diagram("await", "en")
        assert pictures.started == 0
