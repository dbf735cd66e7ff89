"""/run through the real core and a real sandbox: output, endings in words, neutralisation,
timelines, the error explainer on real errors, and failing closed."""

import re
from dataclasses import replace

import pytest

from bot.core import explain
from bot.core.app import Core
from bot.core.explain import CARDS
from bot.core.features.run import extract_code
from bot.core.i18n import STRINGS, t
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


async def test_edit_typed_without_an_id_says_what_it_is_for(core: Core):
    """/edit alone is not "your code expired": it says what the button does and how to run code."""
    reply = await core.handle(cmd("/edit"))
    assert reply.private and "/run print(1)" in reply.plain() and "7" not in reply.plain()
    assert t("hi", "btn_edit_run") in reply.plain()


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


# Each mistake as a beginner writes it: (id, program, explanation key, topic of its card).
MISTAKES = [
    ("coroutine-plus-int", "import asyncio\nasync def price():\n    return 10\nasync def main():\n"
     "    total = price() + 5\n    print(total)\nasyncio.run(main())", "coroutine_as_value", "coroutine"),
    ("coroutine-held-then-used", "import asyncio\nasync def fetch():\n    return {'a': 1}\n"
     "async def main():\n    data = fetch()\n    print(data['a'])\nasyncio.run(main())",
     "coroutine_as_value", "coroutine"),
    ("coroutine-iterated", "import asyncio\nasync def items():\n    return [1, 2]\nasync def main():\n"
     "    for i in items():\n        print(i)\nasyncio.run(main())", "coroutine_as_value", "coroutine"),
    ("never-awaited", "import asyncio\nasync def main():\n    asyncio.sleep(1)\n    print('done')\n"
     "asyncio.run(main())", "never_awaited", "coroutine"),
    ("never-awaited-top-level", "async def work():\n    pass\nwork()", "never_awaited", "coroutine"),
    ("reused-coroutine", "import asyncio\nasync def work():\n    return 1\nasync def main():\n"
     "    c = work()\n    await c\n    await c\nasyncio.run(main())", "reused_coroutine", "coroutine"),
    ("exception-never-retrieved", "import asyncio\nasync def fail():\n    raise ValueError('oops')\n"
     "async def main():\n    asyncio.create_task(fail())\n    await asyncio.sleep(0.1)\n"
     "asyncio.run(main())", "task_exception_lost", "tasks"),
    ("task-forgotten", "import asyncio\nasync def greet():\n    await asyncio.sleep(0.1)\n"
     "    print('hello')\n"
     "async def main():\n    asyncio.create_task(greet())\n    print('main done')\nasyncio.run(main())",
     "task_left_pending", "tasks"),
    ("task-destroyed", "import asyncio\nasync def forever():\n    await asyncio.Event().wait()\n"
     "loop = asyncio.new_event_loop()\ntask = loop.create_task(forever())\n"
     "loop.run_until_complete(asyncio.sleep(0))\nloop.close()\ndel task", "task_destroyed", "tasks"),
    ("future-of-another-loop", "import asyncio\nloop = asyncio.new_event_loop()\nfut = loop.create_future()\n"
     "async def main():\n    await fut\nasyncio.run(main())", "different_loop", "event-loop"),
    ("lock-across-two-runs", "import asyncio\nlock = asyncio.Lock()\nasync def hold():\n"
     "    async with lock:\n"
     "        await asyncio.sleep(0.05)\nasync def main():\n    await asyncio.gather(hold(), hold())\n"
     "asyncio.run(main())\nasyncio.run(main())", "different_loop", "event-loop"),
    ("awaitable-required", "import asyncio, time\nasync def main():\n"
     "    await asyncio.wait_for(time.sleep(0.1), 1)\n"
     "asyncio.run(main())", "awaitable_required", "await"),
    ("gather-of-functions", "import asyncio\nasync def a():\n    return 1\nasync def main():\n"
     "    print(await asyncio.gather(a, a))\nasyncio.run(main())", "awaitable_required", "await"),
    ("run-without-call", "import asyncio\nasync def main():\n    print('hi')\nasyncio.run(main)",
     "coroutine_expected", "coroutine"),
    ("create-task-without-call", "import asyncio\nasync def work():\n    print('hi')\nasync def main():\n"
     "    t = asyncio.create_task(work)\n    await t\nasyncio.run(main())",
     "coroutine_expected", "coroutine"),
    ("taskgroup-failure", "import asyncio\nasync def job(n):\n    if n == 2:\n"
     "        raise ValueError('job 2 failed')\n"
     "    await asyncio.sleep(0.1)\nasync def main():\n    async with asyncio.TaskGroup() as tg:\n"
     "        for n in range(3):\n            tg.create_task(job(n))\nasyncio.run(main())",
     "taskgroup_failed", "taskgroup"),
    ("wait-for-timeout", "import asyncio\nasync def slow():\n    await asyncio.sleep(2)\nasync def main():\n"
     "    await asyncio.wait_for(slow(), timeout=0.1)\nasyncio.run(main())", "timeout", "timeouts"),
    ("asyncio-timeout", "import asyncio\nasync def main():\n    async with asyncio.timeout(0.1):\n"
     "        await asyncio.sleep(2)\nasyncio.run(main())", "timeout", "timeouts"),
    ("loop-already-running", "import asyncio\nasync def work():\n    return 1\nasync def main():\n"
     "    loop = asyncio.get_event_loop()\n    print(loop.run_until_complete(work()))\nasyncio.run(main())",
     "loop_running", "asyncio-run"),
    ("uncaught-cancel", "import asyncio\nasync def work():\n    await asyncio.sleep(1)\nasync def main():\n"
     "    t = asyncio.create_task(work())\n    await asyncio.sleep(0.01)\n    t.cancel()\n    await t\n"
     "asyncio.run(main())", "cancelled", "cancellation"),
    ("closed-loop-reused", "import asyncio\nasync def main():\n    print('hi')\n"
     "loop = asyncio.new_event_loop()\nloop.run_until_complete(main())\nloop.close()\n"
     "loop.run_until_complete(main())", "loop_closed", "asyncio-run"),
    ("old-tutorial-after-run", "import asyncio\nasync def main():\n    print('hi')\nasyncio.run(main())\n"
     "loop = asyncio.get_event_loop()\nloop.run_until_complete(main())", "no_current_loop", "asyncio-run"),
    ("await-sync-result", "import asyncio\ndef fetch():\n    return 'data'\nasync def main():\n"
     "    print(await fetch())\nasyncio.run(main())", "not_awaitable", "await"),
    ("await-time-sleep", "import asyncio, time\nasync def main():\n    await time.sleep(0)\n"
     "asyncio.run(main())",
     "not_awaitable", "await"),
    ("blocking-in-debug-mode", "import asyncio, time\nasync def main():\n    time.sleep(0.2)\n"
     "asyncio.run(main(), debug=True)", "blocked_loop", "blocking"),
    ("gather-of-a-list", "import asyncio\nasync def a(n):\n    return n\nasync def main():\n"
     "    print(await asyncio.gather([a(1), a(2)]))\nasyncio.run(main())", "gather_list", "gather"),
    ("result-too-early", "import asyncio\nasync def main():\n"
     "    fut = asyncio.get_running_loop().create_future()\n"
     "    print(fut.result())\nasyncio.run(main())", "invalid_state", "await"),
    ("no-running-loop", "import asyncio\nasync def work():\n    pass\nasyncio.create_task(work())",
     "no_running_loop", "event-loop"),
    ("run-inside-run", "import asyncio\nasync def inner():\n    return 1\nasync def main():\n"
     "    print(asyncio.run(inner()))\nasyncio.run(main())", "run_in_loop", "asyncio-run"),
    ("await-at-top-level", "import asyncio\nawait asyncio.sleep(1)", "await_outside",
     "await-outside-function"),
    ("await-in-plain-def", "def f():\n    await g()", "await_outside_async", "async-def"),
    ("async-for-over-range", "import asyncio\nasync def main():\n    async for i in range(3):\n"
     "        print(i)\n"
     "asyncio.run(main())", "async_protocol", "async-with"),
    ("plain-with-on-a-lock", "import asyncio\nasync def main():\n    lock = asyncio.Lock()\n    with lock:\n"
     "        print('in')\nasyncio.run(main())", "async_protocol", "async-with"),
]


def literal_part(key: str) -> str:
    """The longest literal run of an explanation's first Hinglish line (its fields vary)."""
    first = STRINGS[f"explain_{key}"]["hi"].splitlines()[0]
    return max(re.split(r"\{\w+\}", first), key=len)


@pytest.mark.parametrize(("code", "key", "topic"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
async def test_each_classic_mistake_gets_its_explanation_and_card(sandbox_core: Core, code: str, key: str,
                                                                   topic: str):
    """The real interpreter's run is explained, first, in two lines with a button to the card that
    teaches the fix (a level-2 card when the library has it, else the nearest one)."""
    reply = await sandbox_core.handle(cmd("/run " + code))
    text = reply.plain()
    heading = "Is run me kya dikha?" if "exit code 0" in text else "Ye error kyun aaya?"
    assert heading in text, text
    explained = text.split(heading, 1)[1]
    assert literal_part(key) in explained, explained
    card = next(c for c in CARDS[topic] if c in sandbox_core.library.by_id)
    cards = [b for b in buttons(reply) if b.startswith("/term ")]
    assert cards[0] == f"/term {card}", buttons(reply)


async def test_a_warning_in_a_run_that_ended_well_is_no_error(sandbox_core: Core):
    """A coroutine never awaited in a run that exits 0: explained under a neutral heading, not
    "Ye error kyun aaya?"; the same mistake ending in a traceback keeps the error heading."""
    warned = await sandbox_core.handle(cmd(
        "/run import asyncio\nasync def greet():\n    print('hi')\nasync def main():\n    greet()\n"
        "    print('done')\nasyncio.run(main())"))
    text = warned.plain()
    assert "exit code 0" in text and "was never awaited" in text, text
    assert "Is run me kya dikha?" in text and "Ye error kyun aaya?" not in text
    failed = (await sandbox_core.handle(cmd(
        "/run import asyncio\nasync def get():\n    return 1\nasync def main():\n"
        "    print(get() + 1)\nasyncio.run(main())", user=UserRef("test", "bob", "Bob")))).plain()
    assert "Ye error kyun aaya?" in failed and "Is run me kya dikha?" not in failed


def test_every_mistake_has_a_real_program():
    """No explanation is tested on made-up evidence only (the sandbox limits have their own)."""
    sandbox_limits = {"no_package", "no_network", "no_stdin"}
    assert {m[2] for m in MISTAKES} | sandbox_limits == {m.key for m in explain.MISTAKES}


async def test_the_never_awaited_warning_a_traceback_held_is_shown_and_explained(sandbox_core: Core):
    """A coroutine kept in a variable, then used: the traceback held it to the end, yet its warning
    is printed with the line that made it, and the explanation names it."""
    reply = await sandbox_core.handle(cmd(
        "/run import asyncio\nasync def get():\n    return 1\nasync def main():\n    x = get()\n"
        "    print(x + 1)\nasyncio.run(main())"))
    assert "main.py:5: RuntimeWarning: coroutine 'get' was never awaited" in codes(reply)[0]
    assert "`x = await get()`" in reply.plain()


async def test_printed_errors_and_forged_facts_do_not_fool_the_explainer(sandbox_core: Core):
    """A program that ends well but prints error text and fake fact lines gets no explanation."""
    forged = "0000000000000000\\tr\\traised\\tRuntimeError\\tThis event loop is already running\\t1"
    reply = await sandbox_core.handle(cmd(
        "/run import os\n"
        "print('RuntimeError: This event loop is already running')\n"
        "print('Task exception was never retrieved')\n"
        f"print('{forged}')\n"
        "for fd in range(3, 12):\n    try:\n"
        f"        os.write(fd, b'{forged}\\n')\n"
        "    except OSError:\n        pass\n"))
    assert "exit code 0" in reply.plain()
    assert "Ye error kyun aaya?" not in reply.plain()
    assert not [b for b in buttons(reply) if b.startswith("/term ")]


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
