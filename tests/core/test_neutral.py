"""Program output is neutralised once, in the core, before any adapter sees it."""

from bot.core.neutral import ZWSP, clip, neutralise, output_block
from bot.core.types import CodeBlock


def test_ansi_escapes_are_removed():
    """Colour codes, cursor moves and terminal titles vanish; the text stays."""
    assert neutralise("\x1b[31mred\x1b[0m \x1b[2J\x1b]0;title\x07done \x9b1mx") == "red done x"


def test_control_characters_are_shown_not_executed():
    """Control characters become visible escapes; newline and tab are kept, CR becomes a newline."""
    assert neutralise("a\x00b\x07c\x08\td\r\ne\rf") == "a\\x00b\\x07c\\x08\td\ne\nf"


def test_bidi_overrides_are_removed():
    """Right-to-left overrides and isolates cannot reorder what the reader sees."""
    assert neutralise("abc\u202edcb\u2066x\u2069\u200f") == "abcdcbx"


def test_everyone_here_and_username_pings_are_defused():
    """A zero-width space after '@' keeps the text readable but pings nobody."""
    out = neutralise("@everyone @here hi @alice_bot, mail a@b.c")
    assert "@everyone" not in out and "@here" not in out and "@alice_bot" not in out
    assert out.replace(ZWSP, "") == "@everyone @here hi @alice_bot, mail a@b.c"


def test_discord_user_role_and_channel_mentions_are_broken():
    """<@123>, <@!123>, <@&123>, <#123> and </cmd:1> no longer parse as mentions."""
    out = neutralise("<@123> <@!123> <@&456> <#789> </run:1>")
    for raw in ("<@", "<#", "</"):
        assert raw not in out
    assert out.replace(ZWSP, "") == "<@123> <@!123> <@&456> <#789> </run:1>"


def test_code_fences_cannot_close_the_block():
    """No run of three backticks survives, so the output cannot break out of its code block."""
    out = neutralise("```\n**bold** @x\n````py")
    assert "```" not in out
    assert out.replace(ZWSP, "").startswith("```\n**bold**")


def test_output_block_is_a_neutralised_code_block():
    """The one way output enters a reply is a CodeBlock of neutralised text."""
    assert output_block("\x1b[1m@here```") == CodeBlock(neutralise("@here```"))


def test_clip_keeps_head_and_tail_and_counts_the_cut():
    """Long output keeps its beginning and its last lines (a traceback's error line)."""
    text = "\n".join(f"line {i}" for i in range(200)) + "\nValueError: boom"
    shown, cut = clip(text, 300, 20)
    assert shown.startswith("line 0\n") and shown.endswith("ValueError: boom")
    assert "…" in shown and len(shown) <= 310 and cut > 150


def test_clip_leaves_short_text_alone():
    """Text within the limits is returned as is, nothing cut."""
    assert clip("a\nb", 100, 10) == ("a\nb", 0)


def test_clip_counts_a_shortened_line_as_not_shown_in_full():
    """One line longer than the message is shortened, and counted; so is each line left out."""
    assert clip("a" * 1000, 300, 20)[1] == 1
    shown, cut = clip("a" * 1000 + "\nb\nc", 300, 20)
    assert shown.startswith("a" * 200) and cut == 1  # b and c fit in the tail
    assert clip("a" * 1000 + "\n" + "b" * 1000, 300, 20)[1] == 2
