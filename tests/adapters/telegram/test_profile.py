"""The bot's profile on Telegram: command menus per audience and voice, its descriptions, and
sending only what changed, with the real PTB Application against the fake Bot API."""

from __future__ import annotations

import logging

import pytest
from telegram.constants import BotCommandLimit, BotDescriptionLimit

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram._profile import menu, parts
from bot.core import about
from bot.core.app import Core
from bot.core.router import Access, CommandSpec, Context, Text
from bot.core.types import Reply
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import FakeTelegram

PROFILE_METHODS = ("setMyCommands", "setMyDescription", "setMyShortDescription")


async def _ok(ctx: Context) -> Reply:
    return Reply.text("ok")


def _add_admin_only(core: Core) -> CommandSpec:
    """An admin-only command on the real core's router (none of the bot's own is, wholly)."""
    spec = CommandSpec("purge", Text(hi="Chat ke purane posts hatao", en="Remove the chat's old posts"),
                       _ok, access=Access.CHAT_ADMIN)
    core.router.add(spec)
    return spec


async def _start_once(fake: FakeTelegram, core: Core) -> list[str]:
    """Start the adapter until it serves, stop it; the profile methods it called."""
    before = len(fake.calls)
    async with running(TelegramAdapter(settings_for(fake), core)):
        pass
    return [c.method for c in fake.calls[before:] if c.method.split(":")[0] in PROFILE_METHODS]


async def test_group_admins_members_and_private_chats_each_see_their_menu(fake: FakeTelegram,
                                                                          core: Core) -> None:
    """Admins of a group see every command (BotCommandScopeAllChatAdministrators holds it all),
    members what they can use as they may use it, private chats everything; in each voice."""
    purge = _add_admin_only(core)
    await _start_once(fake, core)
    scopes = {c.json("scope")["type"] for c in fake.called("setMyCommands")}
    assert scopes == {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}

    visible = core.router.visible()
    daily = core.router.get("daily")
    assert daily is not None and daily.member_help is not None
    admin = fake.menu_seen("supergroup", "hi", admin=True)
    member = fake.menu_seen("supergroup", "hi")
    private = fake.menu_seen("private", "hi")
    assert [name for name, _ in admin] == [s.name for s in visible]
    assert dict(admin)["purge"] == purge.help.hi and dict(admin)["daily"] == daily.help.hi
    assert private == admin
    assert [name for name, _ in member] == [s.name for s in visible if s is not purge]
    assert dict(member)["daily"] == daily.member_help.hi
    assert dict(member)["term"] == dict(admin)["term"]

    english = dict(fake.menu_seen("supergroup", "en"))
    assert english["daily"] == daily.member_help.en and "purge" not in english
    assert dict(fake.menu_seen("private", "en"))["purge"] == purge.help.en
    # A client in another language gets the default voice (Hinglish here).
    assert fake.menu_seen("supergroup", "de", admin=True) == admin


async def test_descriptions_come_from_the_content_in_both_voices(fake: FakeTelegram, core: Core,
                                                                 bot: TelegramAdapter) -> None:
    """setMyDescription / setMyShortDescription: the default voice for everyone, each voice
    under its own language code."""
    texts = core.library.about
    assert texts is not None
    assert fake.descriptions == {"": texts.description.hi, "hi": texts.description.hi,
                                 "en": texts.description.en}
    assert fake.short_descriptions == {"": texts.short.hi, "hi": texts.short.hi, "en": texts.short.en}


async def test_a_restart_sends_nothing_and_a_change_sends_only_its_parts(fake: FakeTelegram,
                                                                         core: Core) -> None:
    """The hashes stored per bot: the same profile costs no call; a new command resends the
    menus, not the descriptions."""
    first = await _start_once(fake, core)
    assert sorted(set(first)) == sorted(PROFILE_METHODS) and len(first) == 4 * 3 + 3 + 3
    assert await _start_once(fake, core) == []
    core.router.add(CommandSpec("extra", Text(hi="naya", en="new"), _ok))
    assert await _start_once(fake, core) == ["setMyCommands"] * 12
    assert "extra" in dict(fake.menu_seen("private", "en"))


async def test_a_refused_part_is_logged_and_tried_again_at_the_next_start(
        fake: FakeTelegram, core: Core, caplog: pytest.LogCaptureFixture) -> None:
    """A call Telegram refuses stores no hash: the bot still starts, and the next start sends
    that call alone."""
    fake.fail_once("setMyShortDescription", 400, {"ok": False, "error_code": 400,
                                                  "description": "Bad Request: try later"})
    with caplog.at_level(logging.WARNING, logger="bot.adapters.telegram._profile"):
        await _start_once(fake, core)
    assert any("could not set short_description" in r.getMessage() for r in caplog.records)
    assert len(fake.short_descriptions) == 2
    assert await _start_once(fake, core) == ["setMyShortDescription"]
    assert len(fake.short_descriptions) == 3


def test_an_english_default_puts_english_under_no_language_code(core: Core) -> None:
    """DEFAULT_LANG=en: English for everyone, Hinglish under "hi"."""
    by_key = {p.key: p.payload for p in parts(core.router.visible(), core.library.about, "en")}
    term = core.router.get("term")
    assert term is not None and core.library.about is not None
    assert ["term", term.help.en] in by_key["commands:all_private_chats:"]
    assert ["term", term.help.hi] in by_key["commands:all_private_chats:hi"]
    assert by_key["description:"] == core.library.about.description.en


def test_the_contents_limits_are_telegrams(core: Core) -> None:
    """The lint's limits for about.yml are python-telegram-bot's, and every command's help
    fits a menu entry uncut, for admins and members."""
    assert about.DESCRIPTION_MAX == BotDescriptionLimit.MAX_DESCRIPTION_LENGTH
    assert about.SHORT_MAX == BotDescriptionLimit.MAX_SHORT_DESCRIPTION_LENGTH
    texts = [t for s in core.router.visible() for t in (s.help, s.member_help) if t is not None]
    assert all(len(t.get(lang)) <= BotCommandLimit.MAX_DESCRIPTION for t in texts for lang in ("hi", "en"))


def test_a_name_telegram_refuses_is_left_out_and_a_long_help_cut() -> None:
    """One bad entry must not make Telegram refuse the whole menu: a name it does not take is
    left out, a help over 256 characters is cut with an ellipsis (no space before it), on one
    line."""
    long = "word " * 80
    specs = [CommandSpec("run-code", Text("r", "r"), _ok), CommandSpec("Term", Text("t", "t"), _ok),
             CommandSpec("run_2", Text(hi=long, en="two\nlines"), _ok)]
    hinglish, english = menu(specs, "hi", admin=True), menu(specs, "en", admin=True)
    assert [c.command for c in hinglish] == ["run_2"]
    # The cut falls after a word: the space before "…" goes, one short of the limit.
    assert len(hinglish[0].description) == BotCommandLimit.MAX_DESCRIPTION - 1
    assert hinglish[0].description.endswith("word…") and english[0].description == "two lines"


def test_a_long_help_of_emoji_is_cut_in_utf16_units() -> None:
    """Counted in UTF-16 units (an emoji takes two), a description never exceeds Telegram's
    limit, whichever unit its server counts in."""
    specs = [CommandSpec("term", Text(hi="😀" * 200, en="e"), _ok)]
    [command] = menu(specs, "hi", admin=True)
    # 127 emoji (254 units) and "…" (1): a 128th would need 2 of the 1 unit left.
    assert command.description == "😀" * 127 + "…"
    assert len(command.description.encode("utf-16-le")) // 2 == BotCommandLimit.MAX_DESCRIPTION - 1
