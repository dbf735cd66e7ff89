"""Every string the bot says exists in both voices."""

import string

from bot.core.i18n import STRINGS, t


def test_every_string_has_both_voices_with_the_same_fields():
    """Hinglish and English versions exist and take the same placeholders."""
    fields = string.Formatter()
    for key, entry in STRINGS.items():
        assert set(entry) == {"hi", "en"}, key
        names = [{f for _, f, _, _ in fields.parse(entry[lang]) if f} for lang in ("hi", "en")]
        assert names[0] == names[1], key


def test_hinglish_is_what_the_default_voice_says():
    """`t` returns the voice asked for."""
    assert t("hi", "btn_next") == "Agla ▶" and t("en", "btn_next") == "Next ▶"
