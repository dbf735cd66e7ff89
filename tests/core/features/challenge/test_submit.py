"""/submit through the real core and a real sandbox: ✅ and ❌ verdicts in the learner's voice,
progress while grading, privacy, counting once, practice fed by a failed check, and every bad
submission answered clearly (never a traceback)."""

from dataclasses import replace

import pytest

from bot.core.app import Core
from bot.core.features.challenge import id_in_reply, split_submission
from bot.core.types import ChatKind, ChatRef, CodeBlock, Command, UserRef
from tests.conftest import ALICE, BOB, GROUP, cmd, content_challenges
from tests.sandbox.fixtures import sandboxed, test_config

KNOWN = set(content_challenges().by_id)
FIXED = """import asyncio

async def fetch(i):
    await asyncio.sleep(1)
    return i * 10

async def main():
    print(await asyncio.gather(*(fetch(i) for i in range(3))))

asyncio.run(main())
"""


@pytest.fixture
async def graded(core: Core):
    """The core with a running sandbox and no cooldown (each test submits several times)."""
    async with sandboxed(core, test_config(cooldown_s=0.0)) as ready:
        await ready.handle(cmd("/lang en"))
        yield ready


async def stream(core: Core, command: Command) -> list:
    return [r async for r in core.stream(command)]


def codes(reply) -> list[str]:
    return [b.code for b in reply.blocks if isinstance(b, CodeBlock)]


def test_the_id_and_the_code_are_split_however_they_are_typed():
    """`id code`, `id\\ncode`, a fence, or code alone (then no id); a typo stays an id."""
    assert split_submission("fix-blocking\nprint(1)", KNOWN) == ("fix-blocking", "print(1)")
    assert split_submission("fix-blocking ```py\nprint(1)\n```", KNOWN) == ("fix-blocking", "print(1)")
    assert split_submission("```py\nprint(2)\n```", KNOWN) == (None, "print(2)")
    assert split_submission("import asyncio\nprint(3)", KNOWN) == (None, "import asyncio\nprint(3)")
    assert split_submission("fix-bloking\nprint(1)", KNOWN) == ("fix-bloking", "print(1)")
    assert split_submission("pass", KNOWN) == (None, "pass")
    # An unknown word that only breaks the code before it is an id; one that is code stays code.
    assert split_submission("nosuch print(1)", KNOWN) == ("nosuch", "print(1)")
    assert split_submission("nosuch\nprint(1)", KNOWN) == (None, "nosuch\nprint(1)")
    assert split_submission("print (1)", KNOWN) == (None, "print (1)")
    assert split_submission("nosuch print(1", KNOWN) == (None, "nosuch print(1")


def test_a_replied_to_message_names_its_challenge():
    """The 🧩 title of a challenge message wins; else a /submit line; else nothing."""
    shown = "🧩 missing-await: The forgotten await\nTask ... fix-blocking"
    assert id_in_reply(shown, KNOWN) == "missing-await"
    assert id_in_reply("send /submit starvation with code", KNOWN) == "starvation"
    assert id_in_reply("hello there", KNOWN) is None


async def test_a_right_answer_passes_with_times_reference_and_next(graded: Core, storage):
    """✅ first; the time against the starter's; the reference; the next challenge; counted once."""
    replies = await stream(graded, cmd("/submit fix-blocking\n" + FIXED))
    assert not replies[0].final and "Running the checks" in replies[0].plain()
    verdict = replies[-1]
    assert verdict.title is not None and verdict.title.startswith("✅"), verdict.plain()
    assert verdict.private
    text = verdict.plain()
    assert "Your program took 1." in text and "the starter took 3.00 s" in text
    assert codes(verdict) == [content_challenges().by_id["fix-blocking"].reference.rstrip("\n")]
    assert "Counted as solved in this chat." in text
    nxt = content_challenges().after("fix-blocking")
    assert nxt is not None and f"/challenge {nxt.id}" in text
    again = await graded.handle(cmd("/submit fix-blocking\n" + FIXED))
    assert again.title.startswith("✅") and "not counted twice" in again.plain()
    stats = (await graded.handle(cmd("/stats"))).plain()
    assert "Challenges: 1 solved / 1 tried (all chats): the sheet 1/15, level 2 0/9" in stats
    assert "Streak: 1 day(s)" in stats
    board = (await graded.handle(cmd("/leaderboard"))).plain()
    assert "Challenges solved (in this chat)" in board and "Alice — 1 solved" in board


async def test_a_wrong_answer_names_the_check_the_belief_and_feeds_practice(graded: Core, storage):
    """❌ first, the failed check in words, the misconception and its card, scheduled for review."""
    starter = content_challenges().by_id["missing-await"].starter
    verdict = await graded.handle(cmd("/submit missing-await\n" + starter))
    assert verdict.title is not None and verdict.title.startswith("❌"), verdict.plain()
    text = verdict.plain()
    assert "never awaited" in text
    assert "The belief behind it:" in text
    assert "Read: /term async-def" in text
    assert "Scheduled for review" in text
    row = await storage.srs_get(ALICE.key, "card:async-def")
    assert row is not None and row.reason == "async-def-runs"
    attempt = await storage.challenge_attempt(ALICE.key, "missing-await")
    assert attempt.status == "tried" and attempt.last_code == starter.strip("\n")
    assert "Challenges: 0 solved / 1 tried" in (await graded.handle(cmd("/stats"))).plain()


async def test_a_syntax_error_is_a_verdict_with_its_line(graded: Core):
    """await-outside's starter fails on its SyntaxError, with the line."""
    starter = content_challenges().by_id["await-outside"].starter
    verdict = await graded.handle(cmd("/submit await-outside\n" + starter))
    assert verdict.title.startswith("❌") and "syntax" in verdict.title
    assert "SyntaxError on line 7" in verdict.plain()


async def test_without_an_id_the_last_opened_challenge_is_meant(graded: Core):
    """The reply says which challenge it took."""
    await graded.handle(cmd("/challenge fix-blocking"))
    verdict = await graded.handle(cmd("/submit\n" + FIXED))
    assert verdict.title.startswith("✅")
    assert "No id given: taken as your last opened challenge, 'fix-blocking'." in verdict.plain()


async def test_a_reply_to_the_challenge_message_submits_for_it(graded: Core):
    """The id is read from the replied-to message (Telegram's reply)."""
    shown = await graded.handle(cmd("/challenge missing-await"))
    await graded.handle(cmd("/challenge fix-blocking"))  # the last opened is another one
    reference = content_challenges().by_id["missing-await"].reference
    verdict = await graded.handle(replace(cmd("/submit\n" + reference), replied_to=shown.plain()))
    assert verdict.title.startswith("✅"), verdict.plain()
    assert "The challenge of the message you replied to: 'missing-await'." in verdict.plain()


async def test_in_a_group_the_verdict_and_its_progress_are_private(graded: Core):
    """Nothing of a group submission is public."""
    replies = await stream(graded, cmd("/submit fix-blocking\n" + FIXED, chat=GROUP, user=BOB))
    assert replies and all(r.private and r.spoils for r in replies)
    assert replies[-1].title.startswith("✅")


async def test_bad_submissions_get_clear_answers(graded: Core):
    """Unknown id, no id at all, empty code, code over 4,000 characters: a sentence each."""
    unknown = await graded.handle(cmd("/submit fix-bloking\nprint(1)"))
    assert "No challenge called “fix-bloking”" in unknown.plain()
    assert "Did you mean: fix-blocking?" in unknown.plain()
    nothing = await graded.handle(cmd("/submit print(1)", user=UserRef("test", "new", "New")))
    assert "Kaunsa challenge?" in nothing.plain()  # a new user hears Hinglish
    empty = await graded.handle(cmd("/submit fix-blocking"))
    assert "No code found" in empty.plain()
    assert codes(empty) == [content_challenges().by_id["fix-blocking"].starter.rstrip("\n")]
    long = await graded.handle(cmd("/submit fix-blocking\n" + "x = 1\n" * 700))
    assert "❌ The code is 4199 characters long; the limit is 4000." in long.plain()
    for reply in (unknown, nothing, empty, long):
        assert reply.private and "Traceback" not in reply.plain()


async def test_floods_and_endless_programs_are_verdicts(graded: Core):
    """Printing without end is a flood; a program that never ends is too slow."""
    flood = await graded.handle(cmd("/submit predict-call\nwhile True:\n    print('spam' * 50)"))
    assert flood.title.startswith("❌") and "printed too much" in flood.plain(), flood.plain()
    slow = await graded.handle(cmd("/submit predict-call\nimport time\nwhile True:\n    time.sleep(1)"))
    assert slow.title.startswith("❌") and "Too slow" in slow.plain(), slow.plain()
    assert "Traceback" not in flood.plain() + slow.plain()


async def test_submitting_again_too_soon_is_told_to_wait(core: Core):
    """The sandbox's per-user cooldown answers a flood of submissions politely."""
    async with sandboxed(core, test_config(cooldown_s=30.0)) as ready:
        elsewhere = ChatRef("test", "dm-2", ChatKind.PRIVATE)
        first = await ready.handle(cmd("/submit fix-blocking\n" + FIXED, chat=elsewhere))
        assert first.title.startswith("✅")
        second = await ready.handle(cmd("/submit fix-blocking\n" + FIXED))
        assert "next submission in" in second.plain() or "agla submission" in second.plain()


async def test_without_a_sandbox_nothing_is_lost(core: Core):
    """With running code off, the reply says why and to send it again later."""
    verdict = await core.handle(cmd("/submit fix-blocking\n" + FIXED))
    assert "cannot be graded right now" in verdict.plain() or "grade nahi ho sakta" in verdict.plain()
