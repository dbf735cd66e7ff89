"""The pictures' words: both voices for every key, and every unbroken line fits the width."""

from __future__ import annotations

import pytest

from bot.pictures import _style as style
from bot.pictures._text import WORDS, word

# Lines drawn whole (never wrapped or cut), with the face they are drawn in.
WHOLE = {"timeline_title": (32, True), "stats_title": (32, True), "loop_title": (30, True),
         "block_title": (30, True), "block_sync": (24, True), "block_async": (24, True),
         "loop_note": (24, False), "running": (24, False), "bursts": (24, False), "waiting": (24, False),
         "blocking": (24, False), "band": (24, False)}


def test_every_key_has_both_voices():
    """No picture falls back to the other voice for a missing word."""
    assert all(set(entry) == {"hi", "en"} and all(entry.values()) for entry in WORDS.values())


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_unbroken_lines_fit_the_picture(lang: str):
    """Titles and legend labels fit in 960 px less the margins, in both voices."""
    for key, (size, bold) in WHOLE.items():
        assert style.font(size, bold).getlength(word(lang, key)) <= style.WIDTH - 2 * style.PAD - 60, key


def test_fields_are_filled_and_an_unknown_voice_reads_hinglish():
    """Placeholders are formatted; a voice the pictures lack gets the default, Hinglish."""
    assert word("en", "more_tasks", n=3) == "+3 more tasks"
    assert word("xx", "running") == word("hi", "running")
