"""/term, /learn, /summary: the cards and the guided path through them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.features._cards import card_reply, next_on_path, show_card
from bot.core.features._shared import echo
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, Heading, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

__all__ = ["card_reply", "learn", "register", "summary", "term", "term_list"]


def term_list(ctx: Context) -> Reply:
    """Both tracks, numbered along the whole path: the sheet's terms, then level 2 under its
    own heading (it goes beyond the sheet). Buttons in rows of 5 per track: 5 rows for 15 + 9,
    Discord's most."""
    lib = ctx.core.library
    blocks: list = []
    rows: list[tuple[Button, ...]] = []
    tracks = [("term_list_sheet", lib.curriculum), ("term_list_beyond", lib.beyond)]
    for heading, cards in tracks:
        if not cards:
            continue
        if lib.beyond:
            blocks.append(Heading(ctx.t(heading, n=len(cards))))
        numbered = [(lib.position(card)[0], card) for card in cards]
        blocks += [Paragraph((Span(f"{i}. "), Span(card.title(ctx.lang), Style.BOLD),
                              Span(" — "), Span(f"/term {card.id}", Style.CODE)))
                   for i, card in numbered]
        rows += [tuple(Button(f"{i}. {c.id}", "term", c.id) for i, c in numbered[s:s + 5])
                 for s in range(0, len(numbered), 5)]
    blocks.append(Paragraph.plain(ctx.t("term_list_hint")))
    return Reply(blocks=tuple(blocks), title=ctx.t("term_list_title", n=len(lib.terms)),
                 buttons=tuple(rows))


async def term(ctx: Context) -> Reply:
    query = ctx.command.options.get("term") or ctx.command.args
    if not query.strip():
        return term_list(ctx)
    lib = ctx.core.library
    number = query.strip().removesuffix(".")
    if number.isdecimal():  # a card's number in /term's list
        if 1 <= int(number) <= len(lib.terms):
            return await show_card(ctx, lib.terms[int(number) - 1])
        return Reply(blocks=(Paragraph.plain(ctx.t("term_no_number", got=echo(number), n=len(lib.terms))),),
                     buttons=((Button(ctx.t("btn_term_list"), "term"),),), private=True)
    found = lib.find(query)
    if found.card:
        return await show_card(ctx, found.card)
    shown = echo(query)
    if found.mentions:
        cards = found.mentions
        head = ctx.t("mentions", query=shown)
    elif found.suggestions:
        cards = found.suggestions
        head = ctx.t("did_you_mean", query=shown)
    else:
        return Reply.text(ctx.t("no_suggestion", query=shown), private=True)
    blocks = [Paragraph.plain(head)]
    blocks += [Paragraph((Span(c.title(ctx.lang), Style.BOLD), Span(" — "),
                          Span(f"/term {c.id}", Style.CODE)), bullet=True) for c in cards[:10]]
    buttons = tuple(Button(cut_line(c.title(ctx.lang), LABEL_MAX), "term", c.id) for c in cards[:5])
    return Reply(blocks=tuple(blocks), buttons=(buttons,), private=True)


async def learn(ctx: Context) -> Reply:
    return await next_on_path(ctx)


async def summary(ctx: Context) -> Reply:
    card = ctx.core.library.summary
    if card is None:
        return Reply.text(ctx.t("internal_error"), private=True)
    return card_reply(ctx.core, card, ctx.lang)


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="term",
        help=Text(hi="Kisi term ka card dekho (naam, alias ya typo bhi chalega)",
                  en="Show a term's card (name, alias, even a typo)"),
        handler=term,
        options=(OptionSpec("term", Text(hi="term ka naam, jaise await", en="a term, e.g. await"),
                            autocomplete="terms"),),
    ), "terms", "t")
    core.router.add(CommandSpec(
        name="learn",
        help=Text(hi="Guided path: agla term jo aapne abhi tak nahi dekha",
                  en="Guided path: the next term you have not seen yet"),
        handler=learn,
    ), "next")
    core.router.add(CommandSpec(
        name="summary",
        help=Text(hi="One-screen summary: sab kuch ek nazar mein",
                  en="The one-screen summary of it all"),
        handler=summary,
    ))
