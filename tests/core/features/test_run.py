"""/run through the real core and a real sandbox: output, endings in words, neutralisation,
timelines, the error explainer on real errors, and failing closed."""

from dataclasses import replace

import pytest

from bot.core.app import Core
from bot.core.features.run import extract_code
from bot.core.neutral import ZWSP
from bot.core.types import ChatRef, CodeBlock, Command, UserRef
from bot.sandbox import Sandbox
from tests.conftest import BOB, cmd, rewire
from tests.sandbox.fixtures import test_config


def codes(reply) -> list[str]:
    return [b.code for b in reply.blocks if isinstance(b, CodeBlock)]


def buttons(reply) -> list[str]:
    return [b.command_line for row in reply.buttons for b in row]


def test_code_comes_from_a_fence_or_the_text():
    """A ```py fence wins (text around it ignored); else the text; inline backticks unwrapped."""
    assert extract_code("look:\n```py\nprint(1)\nprint(2)\n```\nthanks") == "print(1)\nprint(2)"
    assert extract_code("```python\nx = 1```") == "x = 1"
    assert extract_code("```\nprint(3)\n```") == "print(3)"
    assert extract_code("`print(4)`") == "print(4)"
    assert extract_code("print('```')") == "print('```')"
    assert extract_code("for i in range(2):\n    print(i)") == "for i in range(2):\n    print(i)"


async def test_run_prints_output_and_how_it_ended(sandbox_core: Core):
    """A snippet's output comes back as a code block with the ending in words."""
    reply = await sandbox_core.handle(cmd("/run\n```py\nfor i in range(3):\n    print(i)\n```"))
    assert codes(reply) == ["0\n1\n2"]
    assert "exit code 0" in reply.plain()


async def test_exit_code_and_time_limit_are_said_in_words(sandbox_core: Core):
    """A non-zero exit and a time-limit stop are both explained."""
    en = await sandbox_core.handle(cmd("/lang en"))
    assert en
    exited = await sandbox_core.handle(cmd("/run import sys; sys.exit(3)"))
    assert "Ended with exit code 3" in exited.plain()
    looped = await sandbox_core.handle(cmd("/run while True: pass", user=BOB))
    assert "Roka gaya: time limit (3 s) poori ho gayi" in looped.plain()  # Bob: Hinglish


async def test_output_is_neutralised_in_the_reply(sandbox_core: Core):
    """Pings, mentions, ANSI colours and fences in output reach no adapter intact."""
    reply = await sandbox_core.handle(cmd(
        "/run print('@everyone <@123> \\x1b[31mred ```')"))
    [out] = codes(reply)
    assert out == f"@{ZWSP}everyone <{ZWSP}@{ZWSP}123> red `{ZWSP}`{ZWSP}`"


async def test_long_output_is_cut_to_one_message(sandbox_core: Core):
    """Thousands of lines become a short block and a note that the rest was cut."""
    reply = await sandbox_core.handle(cmd("/run for i in range(5000): print(i)"))
    assert len(reply.plain()) < 1900
    assert "cut" in reply.plain() or "kaat" in reply.plain()
    assert codes(reply)[0].endswith("4999")


async def test_long_output_comes_whole_as_a_text_file(sandbox_core: Core):
    """Beside the short reply, a file holds every line, and says how many."""
    reply = await sandbox_core.handle(cmd("/run for i in range(5000): print(i)"))
    doc = reply.document
    assert doc is not None and doc.name == "output.txt"
    assert doc.text.splitlines() == [str(i) for i in range(5000)]
    assert "5000" in doc.caption
    short = await sandbox_core.handle(cmd("/run print(1)", user=BOB))
    assert short.document is None


async def test_output_past_the_sandbox_cap_is_said_cut_in_the_file(sandbox_core: Core):
    """Past the sandbox's output cap the file holds what was kept and says it was cut there."""
    reply = await sandbox_core.handle(cmd("/run\nwhile True:\n    print('x' * 99)"))
    doc = reply.document
    assert doc is not None
    assert doc.caption.startswith("Output ki pehli") and "64 KiB par kaat diya gaya" in doc.caption
    assert doc.text.endswith("\n\n[Output 64 KiB par kaat diya gaya: program ne isse zyada print kiya.]\n")
    assert 60 * 1024 < len(doc.data) < 66 * 1024


async def test_a_run_can_be_edited_and_run_again_from_its_button(sandbox_core: Core):
    """The result's first button is /edit <id>: it hands the code back (to copy, and as a form
    for /run's code), to anyone who clicks; a made-up id gets a friendly answer."""
    code = "for i in range(2):\n    print(i)"
    reply = await sandbox_core.handle(cmd(f"/run\n```py\n{code}\n```"))
    [edit] = reply.buttons[0]
    assert edit.command == "edit" and len(edit.payload.encode()) <= 64
    back = await sandbox_core.handle(cmd(edit.command_line, user=BOB))
    assert back.private and codes(back) == [code]
    assert (back.form.command, back.form.option, back.form.code) == ("run", "code", code)
    unknown = await sandbox_core.handle(cmd("/edit nosuchid"))
    assert unknown.private and unknown.form is None and "7" in unknown.plain()


async def test_forget_deletes_the_kept_code(sandbox_core: Core):
    """/forget offers to delete kept code alone too, and /forget confirm deletes it."""
    reply = await sandbox_core.handle(cmd("/run print(1)"))
    [edit] = reply.buttons[0]
    ask = await sandbox_core.handle(cmd("/forget"))
    assert [b.command_line for row in ask.buttons for b in row] == ["/forget confirm"]
    await sandbox_core.handle(cmd("/forget confirm"))
    gone = await sandbox_core.handle(cmd(edit.command_line))
    assert gone.form is None and not codes(gone)


async def test_refused_runs_keep_no_code(sandbox_core: Core):
    """A run refused by the cooldown has no edit button and keeps nothing."""
    await sandbox_core.handle(cmd("/run print(1)", user=BOB))
    refused = await sandbox_core.handle(cmd("/run print(2)", user=BOB))
    assert refused.private and not refused.buttons
    assert await sandbox_core.services.snippets.snippets_forget(BOB.key) == 1


async def test_async_code_gets_a_timeline(sandbox_core: Core):
    """An async snippet's reply carries the task timeline with the blocked loop."""
    reply = await sandbox_core.handle(cmd(
        "/run\nimport asyncio, time\nasync def main():\n    time.sleep(0.3)\nasyncio.run(main())"))
    timeline = codes(reply)[-1]
    assert timeline.startswith("t(ms)")
    assert "by time.sleep (Task-1)" in timeline


REAL_ERRORS = [
    ("import asyncio\nawait asyncio.sleep(1)", "await-outside-function"),
    ("def f():\n    await g()", "async-def"),
    ("import asyncio, time\nasync def main():\n    await time.sleep(0)\nasyncio.run(main())", "await"),
    ("async def work():\n    pass\nwork()", "coroutine"),
    ("import asyncio\nasync def main():\n    c = asyncio.sleep(0)\n    try:\n        asyncio.run(c)\n"
     "    finally:\n        c.close()\nasyncio.run(main())", "asyncio-run"),
    ("import asyncio\nasyncio.get_running_loop()", "event-loop"),
    ("import asyncio\nasync def forever():\n    await asyncio.Event().wait()\n"
     "loop = asyncio.new_event_loop()\ntask = loop.create_task(forever())\n"
     "loop.run_until_complete(asyncio.sleep(0))\nloop.close()\ndel task", "event-loop"),
    ("import asyncio\nloop = asyncio.new_event_loop()\nloop.close()\nloop.call_soon(print)",
     "asyncio-run"),
]


@pytest.mark.parametrize(("code", "card"), REAL_ERRORS,
                         ids=["await-outside", "await-outside-async", "not-awaitable", "never-awaited",
                              "run-in-loop", "no-running-loop", "task-destroyed", "loop-closed"])
async def test_each_classic_error_gets_its_explanation_and_card(sandbox_core: Core, code: str, card: str):
    """The real interpreter's error is explained in two lines with a button to its card."""
    reply = await sandbox_core.handle(cmd("/run " + code))
    assert f"/term {card}" in buttons(reply), reply.plain()
    assert "Ye error kyun aaya?" in reply.plain()


async def test_third_party_imports_get_a_friendly_explanation(sandbox_core: Core):
    """`import requests` explains: standard library only, no network."""
    reply = await sandbox_core.handle(cmd("/run import requests"))
    assert "sirf Python ki standard library" in reply.plain()
    assert "`requests`" in reply.plain()


async def test_input_without_stdin_is_explained(sandbox_core: Core):
    """input() meets end-of-file at once, and the reply explains there is no keyboard."""
    reply = await sandbox_core.handle(cmd("/run name = input('name? ')"))
    assert "EOFError" in codes(reply)[0]
    assert "input()" in reply.plain() and "stdin" in reply.plain()


async def test_empty_run_shows_how_to_use_it(sandbox_core: Core):
    """`/run` alone explains how to send code, privately."""
    reply = await sandbox_core.handle(cmd("/run"))
    assert reply.private and "/run print(1)" in reply.plain()


async def test_chat_users_have_a_cooldown_but_the_console_does_not(sandbox_core: Core):
    """A second run right away is refused in a chat, allowed on the console."""
    await sandbox_core.handle(cmd("/run print(1)"))
    again = await sandbox_core.handle(cmd("/run print(2)"))
    assert again.private and "s baad" in again.plain()
    console = ChatRef("console", "local")
    me = UserRef("console", "local", "me")
    for n in (1, 2):
        reply = await sandbox_core.handle(Command("run", f"print({n})", console, me))
        assert codes(reply) == [str(n)]


async def test_queue_position_is_told_as_progress(core: Core):
    """With every slot busy, the first reply is a progress reply with the queue position."""
    import asyncio

    async with Sandbox.open(replace(test_config(), concurrency=1)) as sb:
        rewire(core, sandbox=sb)
        slow = asyncio.create_task(core.handle(cmd("/run import time; time.sleep(1)", user=BOB)))
        await asyncio.sleep(0.3)
        replies = [r async for r in core.stream(cmd("/run print('after')"))]
        await slow
    assert not replies[0].final and "pehle 1 run" in replies[0].plain()
    assert replies[-1].final and codes(replies[-1]) == ["after"]


async def test_without_a_sandbox_running_code_is_unavailable_and_says_why(core: Core):
    """Fail closed: no bwrap means a clear refusal with the reason; nothing runs."""
    async with Sandbox.open(replace(test_config(), bwrap="no-such-bwrap")) as sb:
        rewire(core, sandbox=sb)
        reply = await core.handle(cmd("/run print(1)"))
    assert reply.private
    assert "sandbox set up nahi ho paya" in reply.plain() and "bubblewrap" in reply.plain()
    assert codes(reply) == []


async def test_worst_case_reply_fits_one_discord_message(sandbox_core: Core):
    """Long output, a full timeline and three explanations still fit in 2,000 characters."""
    code = ("import asyncio, time\n"
            "async def w(i):\n    time.sleep(0.06)\n    print('x' * 70)\n"
            "async def main():\n    await asyncio.gather(*(w(i) for i in range(12)))\n"
            "    for i in range(400): print(i, 'y' * 60)\n"
            "asyncio.run(main())\n"
            "async def never(): pass\nnever()\n"
            "asyncio.get_running_loop()\n")
    reply = await sandbox_core.handle(cmd("/run " + code))
    text = reply.plain()
    assert "t(ms)" in text
    assert {"/term coroutine", "/term event-loop"} <= set(buttons(reply))
    rendered = text + "".join("\n```\n```" for b in reply.blocks if isinstance(b, CodeBlock))
    assert len(rendered) < 2000, len(rendered)
