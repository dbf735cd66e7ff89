"""Value objects of the core boundary."""

import pytest

from bot.core.types import (
    BUTTON_PAYLOAD_MAX_BYTES,
    Button,
    CodeBlock,
    Command,
    Heading,
    Paragraph,
    Reply,
    Span,
    Style,
)
from tests.conftest import ALICE, DM


def test_command_keeps_code_verbatim():
    """Arguments keep their newlines and indentation, so code for /run arrives intact."""
    text = "/run import asyncio\nasync def main():\n    await asyncio.sleep(0)\n"
    command = Command.from_text(text, DM, ALICE)
    assert command.name == "run"
    assert command.args == "import asyncio\nasync def main():\n    await asyncio.sleep(0)\n"


def test_command_ending_at_newline_keeps_following_code():
    """`/run` followed directly by a newline keeps the whole snippet as the argument."""
    command = Command.from_text("/run\nprint(1)\n  x = 2", DM, ALICE)
    assert (command.name, command.args) == ("run", "print(1)\n  x = 2")


def test_command_name_is_case_insensitive_and_mention_aware():
    """`/Term@MyBot await` is /term; a command addressed to another bot is not ours."""
    assert Command.from_text("/Term@MyBot await", DM, ALICE, bot_username="mybot").name == "term"
    assert Command.from_text("/term@otherbot await", DM, ALICE, bot_username="mybot") is None


def test_plain_text_is_not_a_command():
    """Text without a leading slash is not parsed as a command."""
    assert Command.from_text("hello /term", DM, ALICE) is None


def test_button_payload_limit_is_enforced_when_built():
    """A payload over Telegram's 64-byte callback limit is refused at construction."""
    Button("ok", "term", "a" * (BUTTON_PAYLOAD_MAX_BYTES - 5))
    with pytest.raises(ValueError):
        Button("too long", "term", "a" * BUTTON_PAYLOAD_MAX_BYTES)


def test_button_round_trips_through_its_payload():
    """A button's payload turns back into the same command line."""
    button = Button("Next", "term", "event-loop")
    again = Button.from_payload(button.payload)
    assert again.command_line == button.command_line == "/term event-loop"


def test_reply_plain_fallback_has_every_block():
    """The plain-text fallback carries title, headings, code, bullets and the link."""
    reply = Reply(
        blocks=(Heading("Rules"), Paragraph((Span("Only "), Span("async", Style.CODE)), bullet=True),
                CodeBlock("await asyncio.sleep(1)", "python")),
        title="await", url="https://docs.python.org/3/",
    )
    assert reply.plain() == ("await\nRules\n• Only async\nawait asyncio.sleep(1)\n"
                             "https://docs.python.org/3/")


def test_a_reply_shown_with_its_picture_leaves_out_what_the_picture_replaces():
    """The text timeline stays in the reply (the fallback) and goes only where the picture goes."""
    from bot.core.types import CodeBlock, Heading, Image, Paragraph, Reply

    timeline = (Heading("Timeline"), CodeBlock("a ██"))
    reply = Reply(blocks=(Paragraph.plain("ok"), *timeline, Paragraph.plain("why")),
                  image=Image("timeline.png", b"png", "a timeline", replaces=timeline))
    assert "a ██" in reply.plain()
    assert reply.with_picture_shown().blocks == (Paragraph.plain("ok"), Paragraph.plain("why"))
    assert Reply(blocks=timeline).with_picture_shown().blocks == timeline


def test_attachment_names_are_plain_file_names():
    """No folder, no hidden file, and an image is a .png."""
    import pytest

    from bot.core.types import Document, Image

    for bad in ("../x.png", ".hidden.png", "a/b.png", "timeline.jpg"):
        with pytest.raises(ValueError):
            Image(bad, b"", "alt")
    with pytest.raises(ValueError):
        Document("../output.txt", "text")
    assert Document("output.txt", "é").data == "é".encode()
