"""/lang: the user's choice overrides the chat's default; an admin sets the chat's default."""

from bot.core.app import Core
from tests.conftest import ALICE, BOB, GROUP, cmd


async def test_user_choice_switches_their_cards_to_english(core: Core):
    """After `/lang en`, cards come in English, and the choice persists."""
    await core.handle(cmd("/lang en"))
    reply = await core.handle(cmd("/term await"))
    assert "I'll pause right here" in reply.plain()
    assert await core.services.prefs.user_lang(ALICE.key) == "en"


async def test_admin_sets_the_chat_default_and_users_can_override(core: Core):
    """An admin's /lang in a group sets the group's default; a user's own choice wins."""
    await core.handle(cmd("/lang en", chat=GROUP, is_admin=True))
    assert "I'll pause" in (await core.handle(cmd("/term await", chat=GROUP, user=BOB))).plain()
    await core.handle(cmd("/lang hi", chat=GROUP, user=BOB))
    assert "Main yahan rukta hoon" in (
        await core.handle(cmd("/term await", chat=GROUP, user=BOB))).plain()


async def test_non_admin_cannot_set_the_chat_default(core: Core):
    """`/lang en chat` from a non-admin in a group is refused politely."""
    reply = await core.handle(cmd("/lang en chat", chat=GROUP, user=BOB))
    assert reply.private and "admin" in reply.plain()
    assert await core.services.prefs.chat_lang(GROUP.key) is None


async def test_language_button_reshows_the_card_in_the_new_language(core: Core):
    """The card's language button sets English and shows that card again in English."""
    reply = await core.handle(cmd("/lang en await"))
    assert reply.title == "await · 11/24" and "Only inside an async def" in reply.plain()


async def test_unknown_language_gets_an_example(core: Core):
    """`/lang fr` explains which languages exist."""
    reply = await core.handle(cmd("/lang fr"))
    assert "/lang hi" in reply.plain() and "/lang en" in reply.plain()


async def test_help_and_errors_speak_english_after_switching(core: Core):
    """Help and error texts follow the chosen language too."""
    await core.handle(cmd("/lang en"))
    assert "There is no /nope command" in (await core.handle(cmd("/nope"))).plain()
    assert "Every button is just a command" in (await core.handle(cmd("/help"))).plain()


async def test_a_scope_without_a_language_says_how_to_choose(core: Core):
    """`/lang me` (Discord's scope picked, the language left out) explains /lang, changes nothing."""
    from bot.core.i18n import t

    reply = await core.handle(cmd("/lang me", chat=GROUP, is_admin=True))
    assert reply.plain() == t("hi", "lang_now") and reply.private
    assert await core.services.prefs.user_lang(ALICE.key) is None


async def test_an_admin_choosing_me_changes_only_their_own_language(core: Core):
    """`/lang en me` by a group admin leaves the group's default alone."""
    await core.handle(cmd("/lang en me", chat=GROUP, is_admin=True))
    assert await core.services.prefs.user_lang(ALICE.key) == "en"
    assert await core.services.prefs.chat_lang(GROUP.key) is None


async def test_a_word_that_is_no_scope_changes_nothing_and_shows_both_forms(core: Core):
    """`/lang en chta` (a typo of chat) by an admin changes neither language: it says the forms."""
    reply = await core.handle(cmd("/lang en chta", chat=GROUP, is_admin=True))
    assert reply.private and "“chta”" in reply.plain() and "/lang en chat" in reply.plain()
    assert await core.services.prefs.chat_lang(GROUP.key) is None
    assert await core.services.prefs.user_lang(ALICE.key) is None
