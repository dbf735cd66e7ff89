"""/lang: the user's own language, or (a chat admin's choice) the chat's default."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bot.core.features._cards import card_reply
from bot.core.features._shared import echo
from bot.core.i18n import t
from bot.core.router import Choice, CommandSpec, Context, OptionSpec, Text
from bot.core.types import LANGS, ChatKind, Lang, Reply

if TYPE_CHECKING:
    from bot.core.app import Core

_NAMES = {"hi": "hi", "hinglish": "hi", "hindi": "hi", "en": "en", "english": "en", "eng": "en"}
_SCOPES = {"me": "me", "mine": "me", "chat": "chat", "group": "chat", "server": "chat"}


async def lang(ctx: Context) -> Reply:
    """`/lang <hi|en> [me|chat] [card-id]`. In a group an admin sets the chat's default unless
    they say `me`; everyone else (and everyone in a private chat) sets their own language.
    A trailing card id shows that card again in the new language (the card's language button)."""
    words = ctx.command.args.split()  # a platform with options types them in order: "hi chat"
    if not words or words[0].casefold() in _SCOPES:  # a scope alone (Discord's optional language)
        return Reply.text(ctx.t("lang_now"), private=True)
    value = _NAMES.get(words[0].casefold())
    if value is None or value not in LANGS:
        return Reply.text(ctx.t("lang_bad", value=echo(words[0])), private=True)
    new = cast(Lang, value)
    scope, card_id = None, None
    for word in words[1:]:
        if word.casefold() in _SCOPES:
            scope = _SCOPES[word.casefold()]
        elif word in ctx.core.library.by_id:
            card_id = word
        else:  # "/lang en chta": never guess whose language a typo meant to change
            return Reply.text(ctx.t("lang_bad_scope", value=echo(word), code=new), private=True)
    cmd = ctx.command
    in_group = cmd.chat.kind is ChatKind.GROUP
    if scope == "chat" and in_group and not cmd.is_admin:
        return Reply.text(ctx.t("admin_only"), private=True)
    if scope is None:
        scope = "chat" if in_group and cmd.is_admin and card_id is None else "me"
    storage = ctx.services.prefs
    if scope == "chat":
        await storage.set_chat_lang(cmd.chat.key, new)
        note = t(new, "lang_set_chat")
    else:
        await storage.set_user_lang(cmd.user.key, new)
        note = t(new, "lang_set_user")
    if card_id:
        card = card_reply(ctx.core, ctx.core.library.by_id[card_id], new)
        return Reply(blocks=card.blocks, title=card.title, url=card.url, buttons=card.buttons,
                     share=card.share, private=True)
    return Reply.text(note, private=True)


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="lang",
        help=Text(hi="Bhasha chuno: /lang hi (Hinglish) ya /lang en (English)",
                  en="Choose the language: /lang hi (Hinglish) or /lang en (English)"),
        handler=lang,
        options=(
            OptionSpec("language", Text(hi="Hinglish ya English", en="Hinglish or English"),
                       choices=(Choice("hi", Text(hi="Hinglish", en="Hinglish")),
                                Choice("en", Text(hi="English", en="English")))),
            OptionSpec("scope", Text(hi="sirf aapke liye, ya poore chat ke liye (admins)",
                                     en="just for you, or for the whole chat (admins)"),
                       choices=(Choice("me", Text(hi="Sirf main", en="Just me")),
                                Choice("chat", Text(hi="Yeh server / group (admins)",
                                                    en="This server / group (admins)")))),
        ),
        private=True,
    ), "language")
