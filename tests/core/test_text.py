"""One line cut to a platform's limit: the one rule every label, echo and description follows."""

from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import ELLIPSIS, cut_line, utf16_len


def test_text_within_the_limit_is_only_put_on_one_line():
    """Newlines and runs of spaces collapse; nothing is cut, no "…" added."""
    assert cut_line("  await\n\n  a   coroutine \t", 40) == "await a coroutine"


def test_exactly_at_the_limit_is_kept_whole():
    """A text as long as the limit stays; one character more is cut to the limit with "…"."""
    assert cut_line("x" * 10, 10) == "x" * 10
    assert cut_line("x" * 11, 10) == "x" * 9 + ELLIPSIS


def test_a_cut_never_leaves_a_space_before_the_ellipsis():
    """The cut falls after a word: the space before "…" goes."""
    assert cut_line("Timeouts (asyncio.timeout, wait_for)", 27) == "Timeouts (asyncio.timeout,…"


def test_a_limit_smaller_than_the_ellipsis_gives_nothing_or_the_ellipsis():
    """Limit 0: an empty string (nothing fits); limit 1: "…" alone; a fitting text is kept."""
    assert cut_line("abc", 0) == ""
    assert cut_line("abc", 1) == ELLIPSIS
    assert cut_line("", 0) == ""
    assert cut_line("   ", 0) == ""


def test_emoji_are_not_split_from_their_sequence():
    """A skin tone, a ZWJ family and a flag are cut whole or kept whole."""
    thumbs = "\U0001f44d\U0001f3fd"  # thumbs up, medium skin tone
    assert cut_line("ok " + thumbs + " yes", 5) == "ok…"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert cut_line("a" + family + "b", 4) == "a…"
    flags = "\U0001f1ee\U0001f1f3\U0001f1ec\U0001f1e7"  # India, United Kingdom
    assert cut_line(flags + "x", 4) == "\U0001f1ee\U0001f1f3" + ELLIPSIS
    assert cut_line("cafe\u0301 ok", 5) == "caf…"  # "é" as e + a combining accent: both go


def test_a_utf16_measure_counts_emoji_as_two():
    """Counted in UTF-16 units, an emoji takes two and the cut comes earlier than in characters."""
    text = "\U0001f600" * 5
    assert cut_line(text, 5) == text
    cut = cut_line(text, 5, measure=utf16_len)
    assert cut == "\U0001f600\U0001f600" + ELLIPSIS and utf16_len(cut) == 5


@given(st.text(), st.integers(min_value=0, max_value=60))
def test_a_cut_never_exceeds_the_limit_and_stays_one_line(text: str, limit: int):
    """Whatever the text, the result fits, holds no line break and ends without " …"."""
    for measure in (len, utf16_len):
        out = cut_line(text, limit, measure=measure)
        assert measure(out) <= limit
        assert out == " ".join(out.split())
        assert not out.endswith(" " + ELLIPSIS)
