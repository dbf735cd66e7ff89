"""/demo through the real core: the list, a run with the card's claim, the code, and the cards'
"run it" buttons."""

from bot.core.app import Core
from bot.core.demos import load_demos
from bot.core.types import CodeBlock
from tests.adapters.pictures import pictured
from tests.conftest import BOB, CONTENT, cmd, rewire


def lines(reply) -> list[str]:
    return [b.command_line for row in reply.buttons for b in row]


async def test_demo_alone_lists_every_demo_with_buttons(core: Core):
    """`/demo` lists all demos, each with a button that runs it."""
    rewire(core, demos=load_demos(CONTENT))
    reply = await core.handle(cmd("/demo"))
    for demo_id in core.services.demos:
        assert f"/demo {demo_id}" in reply.plain()
        assert f"/demo {demo_id}" in lines(reply)


async def test_unknown_demo_is_a_friendly_refusal(core: Core):
    """An unknown id says so and offers the list."""
    rewire(core, demos=load_demos(CONTENT))
    reply = await core.handle(cmd("/demo no-such-thing"))
    assert reply.private and "no-such-thing" in reply.plain()
    assert "/demo io-bound" in lines(reply)


async def test_demo_code_shows_the_program(core: Core):
    """`/demo <id> code` shows the program and the claim, with a button to run it."""
    rewire(core, demos=load_demos(CONTENT))
    reply = await core.handle(cmd("/demo io-bound code"))
    assert CodeBlock(core.services.demos["io-bound"].code.rstrip(), "python") in reply.blocks
    assert "/demo io-bound" in lines(reply)


async def test_demo_runs_with_the_cards_claim(sandbox_core: Core):
    """A demo's reply states the card's claim, then the real output."""
    reply = await sandbox_core.handle(cmd("/demo event-loop"))
    assert "Card kya kehta hai" in reply.plain()
    assert "threads used by all tasks: 1" in reply.plain()
    assert "/demo event-loop code" in lines(reply)


async def test_cards_offer_their_demos(core: Core):
    """A card with demos has a 'run it' button for each (up to two)."""
    reply = await core.handle(cmd("/term starvation"))
    assert "/demo starvation" in lines(reply)
    every = {d for card in core.library.terms for d in card.meta.demos}
    assert every == set(load_demos(CONTENT))


async def test_a_demos_timeline_picture_is_drawn_once_per_voice(sandbox_core: Core):
    """Two runs of one demo carry the same timeline picture (its tasks do the same each run):
    drawn once, the second from the renderer's cache; the text timeline stays in the reply."""
    async with pictured(sandbox_core):
        pictures = sandbox_core.services.pictures.pictures
        first = await sandbox_core.handle(cmd("/demo event-loop"))
        second = await sandbox_core.handle(cmd("/demo event-loop", user=BOB))
        assert first.image is not None and first.image.name == "timeline.png"
        assert second.image.png is first.image.png
        assert pictures.renders == 1 and pictures.hits == 1
    assert set(first.image.replaces) <= set(first.blocks)
    assert any(isinstance(b, CodeBlock) and b.code.startswith("t(ms)") for b in first.image.replaces)


async def test_a_misspelt_demo_or_a_terms_name_is_answered_with_the_likely_demos(core: Core):
    """"gathr" offers the gather demo, "await" the await card's demo, each as a button, with
    the whole list one click away; "code" after a typo is not echoed as part of the name."""
    rewire(core, demos=load_demos(CONTENT))
    for text, wanted in [("/demo gathr", "/demo gather"), ("/demo await", "/demo await-time-sleep"),
                         ("/demo gathr code", "/demo gather")]:
        reply = await core.handle(cmd(text))
        assert reply.private and lines(reply) == [wanted, "/demo"], text
        assert "“gathr code”" not in reply.plain()
