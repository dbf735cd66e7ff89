"""content/about.yml: loaded with the cards, refused when broken, measured as Telegram does."""

from pathlib import Path

import pytest

from bot.core.about import SHORT_MAX, load_about, too_long
from bot.core.content import ContentError, Library
from bot.core.text import utf16_len
from tests.conftest import CONTENT


def test_the_real_content_describes_the_bot_in_both_voices(library: Library):
    """The library built from content/ carries both texts in both voices, within the limits."""
    about = library.about
    assert about is not None
    assert about.description.hi != about.description.en and about.short.hi != about.short.en
    assert too_long(about) == []
    assert Library.from_dir(CONTENT).about == about


def test_a_folder_without_about_has_none(tmp_path: Path):
    """about.yml is optional for a content tree (the lint fixtures have none)."""
    assert load_about(tmp_path) is None


def test_a_file_that_does_not_parse_is_about001(tmp_path: Path):
    """Broken YAML is a content error with its code, not a traceback at startup."""
    (tmp_path / "about.yml").write_text("description: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_about(tmp_path)
    assert err.value.code == "ABOUT001"


def test_lengths_count_utf16_units_as_telegram_does():
    """An emoji counts twice: a short text of 120 characters, one an emoji, is too long."""
    assert utf16_len("a🙂") == 3
    from bot.core.about import About
    from bot.core.content import Voiced

    text = "a" * (SHORT_MAX - 1) + "🙂"
    about = About(description=Voiced(hi="d", en="d"), short=Voiced(hi=text, en="s"))
    assert len(text) == SHORT_MAX and too_long(about) == [f"short.hi is {SHORT_MAX + 1} characters, "
                                                              f"over {SHORT_MAX}"]
