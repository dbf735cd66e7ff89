"""/term, /learn and /summary through the real core."""

import pytest

from bot.core.app import Core
from bot.core.types import CodeBlock, Heading, Share, UserRef
from tests.adapters.pictures import pictured, png_size
from tests.conftest import BOB, cmd
from tests.core.features.conftest import replies


def headings(reply):
    return [b.text for b in reply.blocks if isinstance(b, Heading)]


async def test_term_await_shows_the_hinglish_card_in_the_curriculums_words(core: Core):
    """`/term await` is the await card, Hinglish by default, with the curriculum's lines."""
    reply = await core.handle(cmd("/term await"))
    text = reply.plain()
    assert reply.title == "await · 11/24"
    assert "“Main yahan rukta hoon, event loop dusra kaam kar le.”" in text
    assert "Sirf async def ke andar" in text
    assert headings(reply)[:4] == ["Meaning (LOCK THIS 🔒)", "Rules", "✗ Wrong", "✓ Correct"]
    assert CodeBlock("await time.sleep(1)", "python") in reply.blocks
    assert reply.url == "https://docs.python.org/3/reference/expressions.html#await"


async def test_card_offers_previous_next_related_and_language(core: Core):
    """Buttons go to the neighbours in curriculum order, related terms and English."""
    reply = await core.handle(cmd("/term await"))
    lines = [b.command_line for row in reply.buttons for b in row]
    assert lines[:2] == ["/term coroutine", "/term event-loop"]
    assert "/lang en await" in lines


async def test_a_long_neighbours_name_is_cut_never_the_action_word(core: Core):
    """Level 2 titles are long: the label keeps "Agla ▶" whole and shortens the name."""
    for lang in ("hi", "en"):
        await core.handle(cmd(f"/lang {lang}"))
        reply = await core.handle(cmd("/term taskgroup"))
        nxt = reply.buttons[0][-1]
        assert nxt.command_line == "/term timeouts"
        assert nxt.label.endswith("Agla ▶" if lang == "hi" else "Next ▶")
        assert "…" in nxt.label and len(nxt.label) <= 40
        assert all(len(b.label) <= 40 for row in reply.buttons for b in row)


async def test_card_offers_to_share_itself_in_the_readers_voice(core: Core):
    """A card can be passed on into another chat, found again there by its id."""
    hi = await core.handle(cmd("/term await"))
    en = await core.handle(cmd("/lang en await"))
    assert hi.share == Share("📤 Kisi chat mein bhejo", "await")
    assert en.share == Share("📤 Share to a chat", "await") and en.title.startswith("await")


async def test_first_and_last_cards_have_one_neighbour(core: Core):
    """The first card has no previous; the last one leads to the summary."""
    first = await core.handle(cmd("/term sync"))
    last = await core.handle(cmd("/term async-with-for"))
    assert [b.command_line for b in first.buttons[0]] == ["/term async"]
    assert [b.command_line for b in last.buttons[0]] == ["/term to-thread", "/summary"]
    assert last.title.endswith("24/24 · Level 2")


async def test_the_sheets_last_card_leads_on_to_level_two_and_the_summary(core: Core):
    """asyncio-run (15/24) goes on to the first level-2 card and still offers the summary."""
    reply = await core.handle(cmd("/term asyncio-run"))
    assert [b.command_line for b in reply.buttons[0]] == [
        "/term await-outside-function", "/term create-task", "/summary"]
    assert reply.title.endswith("15/24")


async def test_term_alone_lists_all_terms_in_order(core: Core):
    """`/term` lists the sheet's 15 terms in curriculum order, then level 2 under a heading
    that says it goes beyond the sheet, numbered on along the path: a button each, in 5 rows."""
    reply = await core.handle(cmd("/term"))
    text = reply.plain()
    assert text.index("1. Synchronous") < text.index("11. await") < text.index("15. ")
    assert headings(reply) == ["Revision sheet ke 15 terms", "Level 2: revision sheet se aage (9 terms)"]
    beyond = text.index("Level 2: revision sheet se aage")
    assert text.index("15. ") < beyond < text.index("16. create_task") < text.index("24. async with")
    assert sum(len(row) for row in reply.buttons) == 24 and len(reply.buttons) == 5
    assert reply.buttons[3][0].command_line == "/term create-task"
    assert reply.title == "Saare 24 terms"


async def test_unknown_term_suggests_names_only(core: Core):
    """A nonsense query gets "did you mean" with at most 3 names, no card text."""
    reply = await core.handle(cmd("/term xyzzy"))
    assert "xyzzy" in reply.plain()
    assert len(reply.buttons[0]) <= 3
    assert not any(isinstance(b, (Heading, CodeBlock)) for b in reply.blocks)


async def test_word_in_card_text_lists_mentioning_cards(core: Core):
    """`/term gpu` names no term but lists the cards that talk about GPUs."""
    reply = await core.handle(cmd("/term gpu"))
    lines = {b.command_line for row in reply.buttons for b in row}
    assert {"/term parallelism", "/term cpu-bound"} <= lines


async def test_huge_query_is_echoed_short(core: Core):
    """A 10,000-character query is echoed as one short line."""
    reply = await core.handle(cmd("/term " + "zq" * 5000))
    assert len(reply.plain()) < 600


async def test_learn_walks_the_path_from_the_first_unseen_term(core: Core):
    """/learn starts at term 1, then moves on past every term already seen."""
    first = await core.handle(cmd("/learn", user=BOB))
    assert first.title.startswith("Synchronous")
    await core.handle(cmd("/term async", user=BOB))
    third = await core.handle(cmd("/learn", user=BOB))
    assert third.title.endswith("3/24")


async def test_learn_goes_on_past_the_sheet_into_level_two(core: Core):
    """After the sheet's 15 terms, /learn opens level 2 at 16/24, says the sheet is done, and
    walks on to 17/24."""
    for card in core.library.curriculum:
        await core.handle(cmd(f"/term {card.id}", user=BOB))
    first = await core.handle(cmd("/learn", user=BOB))
    assert first.title == "create_task aur reference rakhna · 16/24 · Level 2"
    assert "Revision sheet ke saare 15 terms ho gaye" in first.plain()
    assert "Level 2 · revision sheet se aage" in first.plain()
    second = await core.handle(cmd("/learn", user=BOB))
    assert second.title == "gather (results aur errors) · 17/24 · Level 2"
    assert "Revision sheet ke saare" not in second.plain()


async def test_learn_after_all_terms_points_to_the_summary(core: Core):
    """When every term was seen, /learn congratulates and offers the summary."""
    for term in core.library.terms:
        await core.handle(cmd(f"/term {term.id}", user=BOB))
    done = await core.handle(cmd("/learn", user=BOB))
    assert "24" in done.plain() and done.buttons[0][0].command_line == "/summary"


async def test_summary_shows_the_one_screen_summary(core: Core):
    """/summary carries the curriculum's four summary lines."""
    text = (await core.handle(cmd("/summary"))).plain()
    for line in ("async def → coroutine banta hai", "await → pause karta hai",
                 "event loop → manage karta hai", "asyncio.run → system start karta hai"):
        assert line in text


async def test_card_offers_its_demo_and_its_quiz(core: Core):
    """A card links its demos ("run it") and a quiz on its own term."""
    reply = await core.handle(cmd("/term await"))
    lines = [b.command_line for row in reply.buttons for b in row]
    assert "/quiz await" in lines
    assert any(line.startswith("/demo ") for line in lines)


async def test_a_card_reply_is_built_once_per_voice_and_shared(core: Core):
    """Every lookup of a card hands out the same immutable Reply (adapters then reuse what they
    rendered from it); each voice is its own."""
    first = await core.handle(cmd("/term await"))
    again = await core.handle(cmd("/term awiat", user=BOB))  # a typo, another user
    assert again is first
    await core.handle(cmd("/lang en"))
    english = await core.handle(cmd("/term await"))
    assert english is not first and english.blocks != first.blocks


async def test_the_event_loop_and_blocking_cards_carry_their_diagram(core):
    """With pictures on, those two cards carry a PNG (the same reply object each time), the
    others none; with pictures off, none."""
    (off,) = await replies(core, "/term event-loop")
    assert off.image is None
    async with pictured(core):
        (loop,) = await replies(core, "/term event-loop")
        (again,) = await replies(core, "/term event-loop")
        (blocking,) = await replies(core, "/term blocking")
        (plain,) = await replies(core, "/term await")
    assert loop is again and png_size(loop.image.png)[0] == 960
    assert blocking.image is not None and blocking.image.name == "blocking.png"
    assert plain.image is None and loop.blocks == off.blocks


@pytest.mark.parametrize(("query", "card"), [
    ("asyncio.TaskGroup", "taskgroup"), ("TaskGroup", "taskgroup"), ("except*", "taskgroup"),
    ("ExceptionGroup", "taskgroup"), ("wait_for", "timeouts"), ("asyncio.wait_for", "timeouts"),
    ("asyncio.timeout", "timeouts"), ("TimeoutError", "timeouts"),
    ("CancelledError", "cancellation"), ("asyncio.CancelledError", "cancellation"),
    ("run_in_executor", "to-thread"), ("loop.run_in_executor", "to-thread"),
    ("to_thread", "to-thread"), ("asyncio.to_thread", "to-thread"),
    ("ProcessPoolExecutor", "to-thread"), ("async with", "async-with-for"),
    ("async for", "async-with-for"), ("Semaphore", "semaphore"), ("asyncio.Semaphore", "semaphore"),
    ("Queue", "queue"), ("asyncio.Queue", "queue"), ("gather", "gather"),
    ("asyncio.gather()", "gather"), ("create_task", "create-task"),
    ("asyncio.create_task", "create-task"),
])
async def test_level_two_cards_open_by_their_api_spelling(core: Core, query: str, card: str):
    """`/term` finds each level-2 card by the name Python code spells it with."""
    reply = await core.handle(cmd(f"/term {query}"))
    assert reply.title.startswith(core.library.by_id[card].title("hi") + " · ")


@pytest.mark.parametrize(("typo", "card"), [
    ("TaskGrop", "taskgroup"), ("semaphor", "semaphore"), ("wait_fro", "timeouts"),
    ("CancelledErorr", "cancellation"), ("run_in_exector", "to-thread"), ("gathr", "gather"),
    ("create_tsak", "create-task"), ("asyncio.Queeu", "queue"), ("async wiht", "async-with-for"),
])
async def test_level_two_cards_open_despite_typos(core: Core, typo: str, card: str):
    """A typo in a level-2 name still opens its card."""
    reply = await core.handle(cmd(f"/term {typo}"))
    assert reply.title.startswith(core.library.by_id[card].title("hi") + " · "), reply.plain()[:200]


def test_autocomplete_offers_level_two_cards(core: Core):
    """Autocomplete (Discord) and inline mode (Telegram) read the library: level 2 is in it."""
    assert [c.id for c in core.library.complete("TaskG")][:1] == ["taskgroup"]
    assert "timeouts" in [c.id for c in core.library.complete("wait_f")]
    assert {c.id for c in core.library.complete("", limit=25)} >= {c.id for c in core.library.beyond}


async def test_every_card_with_a_challenge_offers_it_in_both_voices(core: Core):
    """A card whose term has a challenge offers "Challenge: <id>", which opens that challenge."""
    challenges = core.services.challenges
    with_one = [card for card in core.library.terms if challenges.for_term(card.id)]
    assert len(with_one) == len(core.library.terms)  # today every term has its challenge
    for lang, user in (("hi", "learner-hi"), ("en", "learner-en")):
        await core.handle(cmd(f"/lang {lang}", user=UserRef("test", user, user)))
        for card in with_one:
            reply = await core.handle(cmd(f"/term {card.id}", user=UserRef("test", user, user)))
            offered = [b for row in reply.buttons for b in row if b.command == "challenge"]
            ids = [c.id for c in challenges.for_term(card.id)]
            assert [b.command_line for b in offered] == [f"/challenge {i}" for i in ids]
            assert [b.label for b in offered] == [f"Challenge: {i}" for i in ids]
    opened = await core.handle(cmd(offered[0].command_line))
    assert challenges.for_term(with_one[-1].id)[0].id in opened.plain()


async def test_card_buttons_keep_within_discords_limits_and_readable_rows(core: Core):
    """At most 5 rows of 5 buttons, labels of one line and at most 40 characters (a cut one ends
    in "…" with no space before it), and no row of demos, quiz and challenge wider than 3
    (Telegram shares a row's width between its buttons)."""
    for lang in ("hi", "en"):
        await core.handle(cmd(f"/lang {lang}"))
        for card in core.library.terms:
            reply = await core.handle(cmd(f"/term {card.id}"))
            assert len(reply.buttons) <= 5 and all(len(row) <= 5 for row in reply.buttons)
            labels = [b.label for row in reply.buttons for b in row]
            assert all(len(label) <= 40 and "\n" not in label and " …" not in label for label in labels)
            for row in reply.buttons:
                if any(b.command in ("demo", "quiz", "challenge") for b in row):
                    assert len(row) <= 3, (card.id, [b.label for b in row])


async def test_a_card_with_two_demos_puts_quiz_and_challenge_on_their_own_row(core: Core):
    """The event-loop card (2 demos, a quiz, a challenge): demos in one row, checks in the next."""
    reply = await core.handle(cmd("/term event-loop"))
    rows = [[b.command_line for b in row] for row in reply.buttons]
    assert ["/demo event-loop", "/demo starvation"] in rows
    assert ["/quiz event-loop", "/challenge predict-turns"] in rows
    assert rows.index(["/demo event-loop", "/demo starvation"]) + 1 == rows.index(
        ["/quiz event-loop", "/challenge predict-turns"])


async def test_a_cut_previous_label_keeps_no_space_before_the_ellipsis(core: Core):
    """The card after "Timeouts (asyncio.timeout, wait_for)" points back to it, the name cut
    right after its comma: "◀ Previous: Timeouts (asyncio.timeout,…"."""
    await core.handle(cmd("/lang en"))
    nxt = (await core.handle(cmd("/term timeouts"))).buttons[0][-1]
    assert nxt.label.endswith("Next ▶")
    prev = (await core.handle(cmd(f"/term {nxt.args}"))).buttons[0][0]
    assert (prev.command_line, prev.label) == ("/term timeouts", "◀ Previous: Timeouts (asyncio.timeout,…")


async def test_a_number_opens_that_card_of_the_numbered_list(core: Core):
    """/term lists the cards numbered along the path: /term 11 (or "11.") is the 11th, await;
    a number off the list says the range instead of guessing a name."""
    for text in ("/term 11", "/term 11."):
        reply = await core.handle(cmd(text))
        assert reply.title == "await · 11/24", text
    assert (await core.handle(cmd("/term 24"))).title.startswith(core.library.terms[-1].title("hi"))
    for text in ("/term 0", "/term 99"):
        off = await core.handle(cmd(text))
        assert off.private and "1 se 24 tak" in off.plain(), text
        assert [b.command_line for row in off.buttons for b in row] == ["/term"]


async def test_no_card_offers_the_same_button_twice(core: Core):
    """A related card that is also the previous or next one is not offered again."""
    for card in core.library.terms:
        for lang in ("hi", "en"):
            reply = await core.handle(cmd(f"/lang {lang}"))
            reply = await core.handle(cmd(f"/term {card.id}"))
            lines = [b.command_line for row in reply.buttons for b in row]
            assert len(lines) == len(set(lines)), (card.id, lang, lines)
