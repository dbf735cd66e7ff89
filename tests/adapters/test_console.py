"""The console adapter in-process: same core, plain text out."""

import io

from bot.adapters.console import ConsoleAdapter
from bot.core.types import ChatRef, Reply


async def test_once_prints_the_final_reply(core):
    """`once` renders the reply of one command line."""
    out = io.StringIO()
    await ConsoleAdapter(core, out).once("/term coroutine")
    assert "Coroutine · 10/15" in out.getvalue()


async def test_interactive_reads_multiline_fenced_input(core):
    """An open ``` fence continues over lines until it closes, then runs as one command."""
    out = io.StringIO()
    await ConsoleAdapter(core, out).interactive(io.StringIO("/help ```\nterm\n```\n/term await\n"))
    text = out.getvalue()
    assert "await · 11/15" in text


async def test_console_is_the_deliverer_for_console_chats(core):
    """Posts the bot starts itself reach the console through the deliver port."""
    out = io.StringIO()
    ConsoleAdapter(core, out)
    await core.deliver(ChatRef("console", "local"), Reply.text("term of the day"))
    assert "term of the day" in out.getvalue()


async def test_a_fence_on_the_lines_after_submit_is_its_code(core):
    """`/submit <id>`, then a ``` fence on the next lines: one submission (here: no sandbox,
    so the reply says it cannot be graded, never "no code found")."""
    out = io.StringIO()
    await ConsoleAdapter(core, out).interactive(io.StringIO(
        "/lang en\n/submit fix-blocking\n```py\nprint(1)\n```\n/run\n/term await\n"))
    text = out.getvalue()
    assert "Code cannot be graded right now" in text and "No code found" not in text
    assert "await · 11/15" in text  # a line read ahead is still answered
