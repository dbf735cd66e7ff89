"""/challenge: the list in path order with the learner's status, one challenge shown in full,
a hint on request, how to submit per platform, and id/term/fuzzy resolution."""

from bot.core.app import Core
from bot.core.types import ChatRef, CodeBlock, UserRef
from tests.conftest import cmd, content_challenges

TG = ChatRef("telegram", "42")
CONSOLE = ChatRef("console", "local")
TG_USER = UserRef("telegram", "42", "Asha")


def lines(reply) -> list[str]:
    return [b.command_line for row in reply.buttons for b in row]


async def test_the_list_is_in_path_order_with_status_and_a_button_each(core: Core):
    """Every challenge in path order, its term, one line and status; a button opens each."""
    await core.handle(cmd("/lang en"))
    reply = await core.handle(cmd("/challenge"))
    ids = [c.id for c in content_challenges()]
    assert len(ids) >= 15
    text = reply.plain()
    positions = [text.index(f"{cid} (") for cid in ids]
    assert positions == sorted(positions)
    assert "fix-blocking (blocking) Remove the blocking call — new" in text
    assert "The sheet 0/15 solved, level 2 0/9 solved; 0 tried." in text
    assert lines(reply) == [f"/challenge {cid}" for cid in ids]
    assert all(len(row) <= 5 for row in reply.buttons) and len(reply.buttons) <= 5


async def test_the_list_shows_level_two_apart(core: Core):
    """The sheet's challenges first, then level 2 under its own heading (as /term lists cards);
    each track's buttons start a row of their own."""
    await core.handle(cmd("/lang en"))
    reply = await core.handle(cmd("/challenge"))
    text = reply.plain()
    sheet, beyond = text.index("The revision sheet's challenges (15)"), text.index(
        "Level 2: beyond the revision sheet (9 challenges)")
    assert sheet < text.index("fix-blocking (") < beyond < text.index("load-together (taskgroup)")
    level2 = [c.id for c in content_challenges() if c.term in {card.id for card in core.library.beyond}]
    assert len(level2) == 9 and all(text.index(f"{cid} (") > beyond for cid in level2)
    assert [b.args for b in reply.buttons[3]] == level2[:5]


async def test_a_challenge_shows_task_starter_done_and_how_to_submit(core: Core):
    """The task in the learner's voice, the starter program, what done means (keep the names)."""
    reply = await core.handle(cmd("/challenge fix-blocking", chat=CONSOLE))
    challenge = content_challenges().by_id["fix-blocking"]
    assert reply.title is not None and reply.title.startswith("🧩 fix-blocking")
    assert [b.code for b in reply.blocks if isinstance(b, CodeBlock)] == [challenge.starter.rstrip("\n")]
    text = reply.plain()
    assert challenge.meta.task.hi.split(":")[0] in text
    assert "Function ke naam mat badlo" in text
    assert challenge.meta.hint.hi not in text  # only on request
    assert "/submit fix-blocking" in text and "agli lines" in text  # the console's way
    assert lines(reply) == ["/submit fix-blocking", "/challenge fix-blocking hint", "/challenge"]


async def test_the_hint_comes_on_request(core: Core):
    """`/challenge <id> hint` adds the hint (and drops the hint button)."""
    await core.handle(cmd("/lang en"))
    reply = await core.handle(cmd("/challenge fix-blocking hint"))
    assert "Hint: To wait inside a coroutine" in reply.plain()
    assert "/challenge fix-blocking hint" not in lines(reply)


async def test_how_to_submit_follows_the_platform(core: Core):
    """Telegram says: code in the same message or a reply; Discord: the Submit form."""
    tg = await core.handle(cmd("/challenge missing-await", chat=TG, user=TG_USER))
    assert "reply to this message" in tg.plain() or "reply karke" in tg.plain()
    discord = await core.handle(cmd("/challenge missing-await", chat=ChatRef("discord", "1"),
                                    user=UserRef("discord", "9", "D")))
    assert "Submit code" in discord.plain()


async def test_a_term_opens_its_first_unsolved_challenge(core: Core, storage):
    """A term's word opens that term's first challenge not yet solved, and says so."""
    reply = await core.handle(cmd("/challenge blocking"))
    assert reply.title is not None and reply.title.startswith("🧩 fix-blocking")
    assert "Term 'Blocking'" in reply.plain() or "term 'Blocking'" in reply.plain()
    await storage.record_submission(user_key="test:alice", user_name="Alice", chat_key="test:dm-1",
                                    challenge_id="fix-blocking", code="x", check=None,
                                    now="2026-11-25T06:00:00+00:00", day="2026-11-25",
                                    yesterday="2026-11-24")
    term_challenges = content_challenges().for_term("blocking")
    again = await core.handle(cmd("/challenge blocking"))
    if len(term_challenges) > 1:
        assert again.title is not None and term_challenges[1].id in again.title
    else:  # all solved: the first one again
        assert again.title is not None and "fix-blocking" in again.title


async def test_a_typo_gets_did_you_mean(core: Core):
    """A near miss suggests the id, with a button to open it."""
    await core.handle(cmd("/lang en"))
    reply = await core.handle(cmd("/challenge fix-bloking"))
    assert "No challenge called “fix-bloking”" in reply.plain()
    assert "Did you mean: fix-blocking?" in reply.plain()
    assert "/challenge fix-blocking" in lines(reply)
    nothing = await core.handle(cmd("/challenge qwertyuiop"))
    assert "No challenge called" in nothing.plain() and nothing.private


async def test_opening_marks_the_challenge_and_the_list_shows_it(core: Core, storage):
    """Opening makes it the last opened; the list shows each challenge's status."""
    await core.handle(cmd("/lang en"))
    await core.handle(cmd("/challenge starvation"))
    assert await storage.last_opened_challenge("test:alice") == "starvation"
    await storage.record_submission(user_key="test:alice", user_name="Alice", chat_key="test:dm-1",
                                    challenge_id="missing-await", code="x", check="output",
                                    now="2026-11-25T06:00:00+00:00", day="2026-11-25",
                                    yesterday="2026-11-24")
    text = (await core.handle(cmd("/challenge"))).plain()
    assert "missing-await (await) " in text and "— tried" in text
    assert "The sheet 0/15 solved, level 2 0/9 solved; 1 tried." in text


async def test_a_level_two_term_opens_its_challenge(core: Core):
    """A level-2 card's name or API spelling opens its challenge, like a curriculum term."""
    await core.handle(cmd("/lang en"))
    for word, cid in (("asyncio.TaskGroup", "load-together"), ("wait_for", "give-up-in-time"),
                      ("Semaphore", "three-at-a-time")):
        reply = await core.handle(cmd(f"/challenge {word}"))
        assert reply.title is not None and reply.title.startswith(f"🧩 {cid}"), word
