"""/help and /start are generated from the command specs."""

from bot.core.app import Core
from bot.core.i18n import t
from tests.conftest import ALICE, GROUP, cmd


async def test_help_lists_every_visible_spec_with_its_usage(core: Core):
    """Every visible command appears with its usage line and Hinglish help."""
    text = (await core.handle(cmd("/help"))).plain()
    for spec in core.router.visible():
        assert spec.usage() in text and spec.help.hi in text


async def test_help_for_one_command(core: Core):
    """`/help term` shows that command only; an unknown one gets a hint."""
    one = (await core.handle(cmd("/help term"))).plain()
    assert "/term [term]" in one and "/learn" not in one.split("\n")[1]
    assert "/help" in (await core.handle(cmd("/help nope"))).plain()


async def test_start_greets_and_opens_the_first_term(core: Core):
    """/start greets the user by name and starts the guided path, and offers to add the bot to
    a group."""
    reply = await core.handle(cmd("/start"))
    assert "Namaste Alice" in reply.plain() and reply.title.startswith("Synchronous")
    assert reply.invite == t("hi", "btn_add_to_group")


async def test_start_counts_the_terms_the_library_has(core: Core):
    """The greeting's counts are the library's: the sheet's 15, then level 2's 9 (not a fixed
    "15" beside a card numbered out of 24), in both voices."""
    assert "15 zaroori terms, ek-ek karke, Hinglish mein. Uske baad level 2 ke 9 aur." in (
        await core.handle(cmd("/start"))).plain()
    await core.handle(cmd("/lang en"))
    assert "the 15 key terms of async Python, one at a time. Then 9 more at level 2." in (
        await core.handle(cmd("/start"))).plain()


async def test_start_in_a_group_says_what_a_group_can_do(core: Core):
    """`/start group` (where the add-to-group link lands) welcomes the group, offers a round,
    and starts no one's path."""
    reply = await core.handle(cmd("/start group", chat=GROUP))
    assert reply.plain() == t("hi", "start_group") and reply.invite is None
    assert ("quiz", "round") in {(b.command, b.args) for row in reply.buttons for b in row}
    assert await core.services.prefs.seen_terms(ALICE.key) == set()


async def test_start_deep_link_opens_a_card(core: Core):
    """`/start term_await` (a Telegram deep link) opens the await card."""
    reply = await core.handle(cmd("/start term_await"))
    assert reply.title == "await · 11/24"
    assert "await" in await core.services.prefs.seen_terms(ALICE.key)
