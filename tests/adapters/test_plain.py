"""The plain-text renderer the console uses."""

from bot.adapters.plain import render
from bot.core.types import Button, CodeBlock, Heading, Paragraph, Reply, Span, Style


def test_buttons_print_as_the_commands_they_stand_for():
    """Every button shows its label and the command line that does the same."""
    text = render(Reply.text("x", title="t") if False else Reply(
        blocks=(Paragraph.plain("hi"),), buttons=((Button("Next ▶", "term", "await"),),)))
    assert "[Next ▶]" in text and "/term await" in text


def test_code_is_indented_and_headings_bracketed():
    """Code keeps its lines (indented) and headings stand out without ANSI codes."""
    text = render(Reply(blocks=(Heading("Rules"), CodeBlock("async def f():\n    pass"),
                                Paragraph((Span("a "), Span("b", Style.BOLD)), bullet=True))))
    assert "[Rules]" in text and "    async def f():\n        pass" in text
    assert "  • a b" in text and "\x1b" not in text


def test_long_button_label_never_touches_its_command():
    """A label longer than the column still leaves a gap before the command line."""
    text = render(Reply(buttons=((Button("x" * 60, "answer", "1 1"),),)))
    assert "] /answer 1 1" in text.replace("]  /", "] /")


def test_a_picture_and_a_file_print_as_the_text_they_stand_beside():
    """The console has no pictures: it prints the reply's text, the text timeline included,
    and nothing of the PNG or the file."""
    from bot.core.types import CodeBlock, Document, Heading, Image, Paragraph, Reply

    timeline = (Heading("Timeline"), CodeBlock("Task-1  ██░░██"))
    reply = Reply(blocks=(Paragraph.plain("done"), *timeline),
                  image=Image("timeline.png", b"\x89PNG", "a picture", replaces=timeline),
                  document=Document("output.txt", "secret whole output"))
    out = render(reply)
    assert "Task-1  ██░░██" in out and "[Timeline]" in out
    assert "PNG" not in out and "secret" not in out
