"""Cards load, and /term's lookup finds the right card for every way people write a term."""

import pytest

from bot.core.content import CARD_IDS, TERM_IDS, Library, markdown_to_blocks, normalize
from bot.core.types import CodeBlock, Paragraph, Style

SPELLINGS = {
    "sync": ["sync", "Sync", "synchronous", "synchronus", "syncronous", "synk", "ek ke baad ek"],
    "async": ["async", "ASYNC", "asynchronous", "asynchronus", "asyncronous", "asnyc"],
    "blocking": ["blocking", "Blocking", "bloking", "blockng"],
    "non-blocking": ["non-blocking", "non blocking", "nonblocking", "Non-Blocking", "non bloking",
                     "nonblockin"],
    "concurrency": ["concurrency", "concurency", "concurrancy", "Concurrent"],
    "parallelism": ["parallelism", "paralelism", "parallel", "parallism", "parallellism"],
    "io-bound": ["io-bound", "IO bound", "I/O bound", "io bund", "i/o", "io"],
    "cpu-bound": ["cpu-bound", "CPU bound", "cpu bund", "cpu", "CPU-Bound Work"],
    "async-def": ["async def", "async-def", "asyncdef", "async function", "asnyc def"],
    "coroutine": ["coroutine", "corutine", "coroutines", "co-routine", "coroutin", "courutine"],
    "await": ["await", "awiat", "awaits", "Await", "awit"],
    "event-loop": ["event loop", "Event Loop", "eventloop", "evnt loop", "event-lop", "loop",
                   "even loop", "event"],
    "starvation": ["starvation", "starvaton", "starving", "starve"],
    "await-outside-function": ["await outside function", "await outside",
                               "await-outside-function", "await outsde function"],
    "asyncio-run": ["asyncio.run()", "asyncio run", "asyncio.run", "asynco.run", "asyncio-run",
                    "Asyncio.Run()", "asyncio.rn"],
    "summary": ["summary", "one screen summary"],
}


LEVEL_2 = ("create-task", "gather", "taskgroup", "timeouts", "cancellation", "semaphore", "queue",
           "to-thread", "async-with-for")


def test_every_card_id_has_a_card(library: Library):
    """All 15 terms and the summary are there, the terms in curriculum order, then level 2."""
    assert set(library.by_id) == set(CARD_IDS) | set(LEVEL_2)
    assert tuple(c.id for c in library.curriculum) == TERM_IDS
    assert tuple(c.id for c in library.beyond) == LEVEL_2
    assert library.terms == library.curriculum + library.beyond


def test_level_two_cards_are_marked_as_track_two(library: Library):
    """The track field tells the sheet (1) from level 2 (2); the summary belongs to the sheet."""
    assert {c.meta.track for c in library.curriculum} == {1}
    assert {c.meta.track for c in library.beyond} == {2}
    assert library.summary is not None and not library.summary.beyond
    assert library.position(library.by_id["gather"]) == (17, 24)
    assert library.track("curriculum") == library.curriculum and library.track("all") == library.terms


def test_every_card_has_both_voices_with_the_same_sections(library: Library):
    """Each card speaks Hinglish and English, section for section."""
    for card in library.by_id.values():
        hi = [s.key for s in card.sections("hi")]
        assert hi and hi == [s.key for s in card.sections("en")], card.id


@pytest.mark.parametrize(("want", "query"),
                         [(want, q) for want, qs in SPELLINGS.items() for q in qs])
def test_spellings_and_typos_find_the_right_card(library: Library, want: str, query: str):
    """Names, aliases, case/space/punctuation variants and typos all resolve confidently."""
    assert library.find(query).card is library.by_id[want]


def test_every_alias_and_title_resolves_to_its_own_card(library: Library):
    """No alias of one card is swallowed by another."""
    for card in library.by_id.values():
        for name in (card.id, card.meta.title.hi, card.meta.title.en, *card.meta.aliases):
            assert library.find(name).card is card, (card.id, name)


@pytest.mark.parametrize("query", ["xyzzy", "qwertyuiop", "banana", "a"])
def test_nonsense_gets_up_to_three_suggestions_and_no_card(library: Library, query: str):
    """A query that matches nothing well never shows a card with confidence."""
    found = library.find(query)
    assert found.card is None and found.mentions == ()
    assert 1 <= len(found.suggestions) <= 3


@pytest.mark.parametrize(("query", "expected"), [
    ("gpu", {"parallelism", "cpu-bound"}),
    ("phone call", {"sync"}),
    ("tasks", {"async", "non-blocking", "concurrency"}),
])
def test_words_inside_cards_list_the_cards_that_mention_them(library, query, expected):
    """A query that names no term but appears in card text lists those cards."""
    found = library.find(query)
    assert found.card is None
    assert expected <= {c.id for c in found.mentions}


def test_punctuation_only_query_finds_nothing(library: Library):
    """A query with no letters or digits is neither a card nor a suggestion list."""
    found = library.find("?!…")
    assert (found.card, found.mentions, found.suggestions) == (None, (), ())


def test_normalize_ignores_case_space_and_punctuation():
    """`asyncio.run()` and `Asyncio Run` are the same key."""
    assert normalize("asyncio.run()") == normalize("Asyncio Run") == normalize("asyncio-run")


def test_autocomplete_is_capped_at_25_and_prefix_first(library: Library):
    """Autocomplete returns at most 25 cards, prefix matches first."""
    assert len(library.complete("")) <= 25
    assert library.complete("aw")[0].id in {"await", "await-outside-function"}
    assert library.complete("evnt")[0].id == "event-loop"


def test_markdown_becomes_neutral_blocks():
    """Bold, inline code, bullets and fences map onto the neutral block model."""
    blocks = markdown_to_blocks("Kaam **ek ke baad ek**\n\n- Sirf `async def`\n\n```python\nx = 1\n```")
    assert blocks[0] == Paragraph((blocks[0].spans[0], blocks[0].spans[1]))
    assert blocks[0].spans[1].style is Style.BOLD
    assert blocks[1].bullet and blocks[1].spans[1].style is Style.CODE
    assert blocks[2] == CodeBlock("x = 1", "python")
