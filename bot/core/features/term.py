"""/term, /learn, /summary: the cards and the guided path through them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.content import Card
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import Button, Heading, Lang, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

# Echoing a user's query back: keep it short so a 10,000-character query stays one line.
ECHO_MAX = 40


def echo(query: str) -> str:
    one_line = " ".join(query.split())
    cleaned = "".join(ch for ch in one_line if ch.isprintable())
    return cleaned if len(cleaned) <= ECHO_MAX else cleaned[: ECHO_MAX - 1] + "…"


def card_reply(core: Core, card: Card, lang: Lang) -> Reply:
    """A card in one voice: its sections, its place on the path, and where to go next. Built
    once per card and voice: every later lookup shares the same (immutable) Reply."""
    return core.library.memo(("card_reply", card.id, lang), lambda: _card_reply(core, card, lang))


def _card_reply(core: Core, card: Card, lang: Lang) -> Reply:
    lib = core.library
    blocks: list = []
    for section in card.sections(lang):
        blocks.append(Heading(section.label))
        blocks.extend(section.blocks)
    other: Lang = "en" if lang == "hi" else "hi"
    buttons: list[tuple[Button, ...]] = []
    if card in lib.terms:
        pos, total = lib.position(card)
        title = f"{card.title(lang)} · {pos}/{total}"
        prev, nxt = lib.neighbours(card)
        nav = []
        if prev:
            nav.append(Button(f"{_t(lang, 'btn_prev')}: {prev.title(lang)}"[:40], "term", prev.id))
        if nxt:
            nav.append(Button(f"{nxt.title(lang)}: {_t(lang, 'btn_next')}"[:40], "term", nxt.id))
        else:
            nav.append(Button(_t(lang, "btn_summary"), "summary"))
        buttons.append(tuple(nav))
        related = [lib.by_id[r] for r in card.meta.related if r in lib.by_id][:5]
        if related:
            blocks.append(Paragraph((
                Span(_t(lang, "related") + ": ", Style.BOLD),
                Span(", ".join(f"/term {r.id}" for r in related)),
            )))
            buttons.append(tuple(Button(r.title(lang)[:40], "term", r.id) for r in related[:3]))
    else:
        title = card.title(lang)
        buttons.append((Button(_t(lang, "btn_learn"), "learn"),))
    # "See it, don't just read it", then check it: the card's demos and its quiz, one click away.
    practice = [Button(f"{_t(lang, 'btn_run_demo')}: {d}"[:40], "demo", d) for d in card.meta.demos[:2]]
    if card.meta.quizzes:
        practice.append(Button(_t(lang, "btn_quiz_me"), "quiz", card.id))
    if practice:
        buttons.append(tuple(practice))
    buttons.append((Button(_t(lang, "btn_lang_other"), "lang", f"{other} {card.id}"),))
    return Reply(blocks=tuple(blocks), title=title, url=str(card.meta.docs), buttons=tuple(buttons))


def _t(lang: Lang, key: str) -> str:
    from bot.core.i18n import t

    return t(lang, key)


async def show_card(ctx: Context, card: Card) -> Reply:
    if card.id != "summary":
        await ctx.core.storage.mark_seen(ctx.command.user.key, card.id)
    return card_reply(ctx.core, card, ctx.lang)


def term_list(ctx: Context) -> Reply:
    lib = ctx.core.library
    blocks: list = [
        Paragraph((Span(f"{i}. "), Span(card.title(ctx.lang), Style.BOLD),
                   Span(" — "), Span(f"/term {card.id}", Style.CODE)))
        for i, card in enumerate(lib.terms, start=1)
    ]
    blocks.append(Paragraph.plain(ctx.t("term_list_hint")))
    rows = [
        tuple(Button(f"{i}. {c.id}", "term", c.id) for i, c in enumerate(lib.terms[s:s + 5], s + 1))
        for s in range(0, len(lib.terms), 5)
    ]
    return Reply(blocks=tuple(blocks), title=ctx.t("term_list_title"), buttons=tuple(rows))


async def term(ctx: Context) -> Reply:
    query = ctx.command.options.get("term") or ctx.command.args
    if not query.strip():
        return term_list(ctx)
    lib = ctx.core.library
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
    buttons = tuple(Button(c.title(ctx.lang)[:40], "term", c.id) for c in cards[:5])
    return Reply(blocks=tuple(blocks), buttons=(buttons,), private=True)


async def learn(ctx: Context) -> Reply:
    seen = await ctx.core.storage.seen_terms(ctx.command.user.key)
    for card in ctx.core.library.terms:
        if card.id not in seen:
            return await show_card(ctx, card)
    return Reply(blocks=(Paragraph.plain(ctx.t("learn_done")),),
                 buttons=((Button(_t(ctx.lang, "btn_summary"), "summary"),),))


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
