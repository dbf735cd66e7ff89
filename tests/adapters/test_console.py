"""The console adapter in-process: same core, plain text out."""

import io

from bot.adapters.console import ConsoleAdapter
from bot.core.types import ChatRef, Reply


async def test_once_prints_the_final_reply(core):
    """`once` renders the reply of one command line."""
    out = io.StringIO()
    await ConsoleAdapter(core, out).once("/term coroutine")
    assert "Coroutine · 10/24" in out.getvalue()


async def test_interactive_reads_multiline_fenced_input(core):
    """An open ``` fence continues over lines until it closes, then runs as one command."""
    out = io.StringIO()
    await ConsoleAdapter(core, out).interactive(io.StringIO("/help ```\nterm\n```\n/term await\n"))
    text = out.getvalue()
    assert "await · 11/24" in text


async def test_console_is_the_deliverer_for_console_chats(core):
    """Posts the bot starts itself reach the console through the deliver port."""
    out = io.StringIO()
    ConsoleAdapter(core, out)
    await core.deliver(ChatRef("console", "local"), Reply.text("term of the day"))
    assert "term of the day" in out.getvalue()
