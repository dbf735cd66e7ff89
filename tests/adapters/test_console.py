"""The console adapter in-process: same core, plain text out."""

import io
import re

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


async def test_a_timed_round_plays_out_in_the_console(core):
    """`/quiz round 3` prints three timed questions, each answerable as typed, then the board."""
    from datetime import UTC, datetime

    from bot.core.features._rounds import ROUND_SECONDS, RoundRunner
    from tests.conftest import rewire
    from tests.core.features.conftest import FakeClock

    clock = FakeClock(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    rewire(core, clock=clock)
    out = io.StringIO()
    console = ConsoleAdapter(core, out)
    await console.once("/quiz round 3")
    runner = next(s for s in core.services_to_run() if isinstance(s, RoundRunner))
    await runner.tick()
    post_id = re.search(r"/answer (\d+) <n>", out.getvalue())[1]
    await console.once(f"/answer {post_id} 1")  # typed, as the buttons stand for
    for _ in range(3):
        clock.advance(seconds=ROUND_SECONDS + 3)
        await runner.tick()
    text = out.getvalue()
    assert [n for n in ("1/3", "2/3", "3/3") if n in text] == ["1/3", "2/3", "3/3"]
    board = text[text.index("scoreboard"):]
    assert "/1" in board  # the typed answer is on the board


async def test_one_shot_refuses_a_timed_round_and_leaves_none_running(core):
    """With nothing serving after the command (`--once`), no one would post a round's
    questions: `/quiz round` says it needs the running bot, in both voices, and starts none."""
    out = io.StringIO()
    console = ConsoleAdapter(core, out, serving=False)
    assert "console" not in core.delivers_to()
    await console.once("/quiz round 3")
    text = " ".join(out.getvalue().split())  # the console wraps long lines
    assert "make run" in text and "Round shuru" not in text
    await console.once("/lang en")
    out.seek(0), out.truncate()
    await console.once("/quiz round 3")
    text = " ".join(out.getvalue().split())
    assert "A timed round needs the running bot" in text and "make run" in text
    assert "Round on" not in text
    assert await core.services.quiz.rounds_running() == []
    out.seek(0), out.truncate()
    await console.once("/quiz")  # a single question still works one-shot
    assert "/answer" in out.getvalue()


async def test_a_fence_on_the_lines_after_submit_is_its_code(core):
    """`/submit <id>`, then a ``` fence on the next lines: one submission (here: no sandbox,
    so the reply says it cannot be graded, never "no code found")."""
    out = io.StringIO()
    await ConsoleAdapter(core, out).interactive(io.StringIO(
        "/lang en\n/submit fix-blocking\n```py\nprint(1)\n```\n/run\n/term await\n"))
    text = out.getvalue()
    assert "Code cannot be graded right now" in text and "No code found" not in text
    assert "await · 11/24" in text  # a line read ahead is still answered
