"""/help and /start, generated from the same command specs the adapters use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.features._cards import next_on_path, show_card
from bot.core.features._shared import echo
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import Button, ChatKind, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core


async def help_(ctx: Context) -> Reply:
    router = ctx.core.router
    name = (ctx.command.options.get("command") or ctx.command.args).strip().lstrip("/")
    if name:
        spec = router.get(name.split()[0])
        if spec is None:
            return Reply.text(ctx.t("help_unknown", name=echo(name)), private=True)
        specs = [spec]
    else:
        specs = router.visible()
    blocks = [
        Paragraph((Span(spec.usage(), Style.CODE), Span(" — " + spec.help.get(ctx.lang))),
                  bullet=True)
        for spec in specs
    ]
    blocks.append(Paragraph.plain(ctx.t("help_footer")))
    return Reply(blocks=tuple(blocks), title=ctx.t("help_title"),
                 buttons=((Button("/learn", "learn"), Button("/term", "term")),), private=True)


async def start(ctx: Context) -> Reply:
    """Greets and starts the guided path; `/start term_await` (a deep link) opens a card. In a
    group (where the add-to-group link's `/start` lands) it says what the group can do; in a
    private chat it also offers to add the bot to a group."""
    payload = ctx.command.args.strip()
    if payload.startswith("term_"):
        card = ctx.core.library.by_id.get(payload[5:].replace("_", "-"))
        if card is not None:
            return await show_card(ctx, card)
    if ctx.command.chat.kind is ChatKind.GROUP:
        return Reply(blocks=(Paragraph.plain(ctx.t("start_group")),), buttons=(
            (Button(ctx.t("btn_quiz"), "quiz"), Button("/quiz round", "quiz", "round")),
            (Button(ctx.t("btn_learn"), "learn"),)))
    name = ctx.command.user.name.strip() or ctx.t("there")
    first = await next_on_path(ctx)
    lib = ctx.core.library
    beyond = ctx.t("start_beyond", n=len(lib.beyond)) if lib.beyond else ""
    greeting = Paragraph.plain(ctx.t("start", name=echo(name), sheet=len(lib.curriculum), beyond=beyond))
    return Reply(blocks=(greeting, *first.blocks), title=first.title, url=first.url,
                 buttons=first.buttons, invite=ctx.t("btn_add_to_group"))


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="help",
        help=Text(hi="Saari commands aur unka matlab", en="Every command and what it does"),
        handler=help_,
        options=(OptionSpec("command", Text(hi="kisi ek command ki help", en="help for one command")),),
        private=True,
    ))
    core.router.add(CommandSpec(
        name="start",
        help=Text(hi="Namaste! Yahan se shuru karo", en="Hello! Start here"),
        handler=start,
    ))
