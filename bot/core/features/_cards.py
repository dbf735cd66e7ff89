"""A card as a reply, and the guided path's next card: what /term, /learn, /start and /lang
show (shared here so that those features never import one another)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.content import Card
from bot.core.ports.pictures import NoPicture
from bot.core.router import Context
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, Heading, Image, Lang, Paragraph, Reply, Share, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

log = logging.getLogger(__name__)


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
    if card.beyond:  # said on the card itself: level 2 is not on the revision sheet
        blocks.append(Paragraph((Span(_t(lang, "beyond_mark"), Style.ITALIC),)))
    other: Lang = "en" if lang == "hi" else "hi"
    buttons: list[tuple[Button, ...]] = []
    if card in lib.terms:
        pos, total = lib.position(card)
        title = f"{card.title(lang)} · {pos}/{total}"
        if card.beyond:
            title += f" · {_t(lang, 'level_2')}"
        prev, nxt = lib.neighbours(card)
        nav = []
        if prev:
            nav.append(Button(f"{_t(lang, 'btn_prev')}: {_fit(prev.title(lang), 'btn_prev', lang)}",
                              "term", prev.id))
        if nxt:
            nav.append(Button(f"{_fit(nxt.title(lang), 'btn_next', lang)}: {_t(lang, 'btn_next')}",
                              "term", nxt.id))
        if not nxt or (nxt.beyond and not card.beyond):  # the sheet's end: its summary too
            nav.append(Button(_t(lang, "btn_summary"), "summary"))
        buttons.append(tuple(nav))
        related = [lib.by_id[r] for r in card.meta.related if r in lib.by_id][:5]
        if related:
            blocks.append(Paragraph((
                Span(_t(lang, "related") + ": ", Style.BOLD),
                Span(", ".join(f"/term {r.id}" for r in related)),
            )))
            # A related card that is also the previous or next one has its button already.
            more = [r for r in related if r not in (prev, nxt)][:3]
            if more:
                buttons.append(tuple(Button(_fit(r.title(lang)), "term", r.id) for r in more))
    else:
        title = card.title(lang)
        buttons.append((Button(_t(lang, "btn_learn"), "learn"),))
    # "See it, don't just read it", then check it: the card's demos, its quiz and its
    # challenges, one click away.
    see = [Button(f"{_t(lang, 'btn_run_demo')}: {_fit(d, 'btn_run_demo', lang)}", "demo", d)
           for d in card.meta.demos[:2]]
    check = [Button(_t(lang, "btn_quiz_me"), "quiz", card.id)] if card.meta.quizzes else []
    check += [Button(f"{_t(lang, 'btn_challenge')}: {_fit(c.id, 'btn_challenge', lang)}", "challenge", c.id)
              for c in core.services.challenges.for_term(card.id)[:2]]
    # One row while it holds at most 3: Telegram gives a row's buttons equal widths, and 4 long
    # labels side by side would each be cut short. Split in two, a card still has at most 5
    # rows (nav, related, demos, quiz and challenges, language): Discord's most.
    if 0 < len(see) + len(check) <= PRACTICE_ROW_MAX:
        buttons.append(tuple(see + check))
    else:
        buttons += [tuple(row) for row in (see, check) if row]
    buttons.append((Button(_t(lang, "btn_lang_other"), "lang", f"{other} {card.id}"),))
    return Reply(blocks=tuple(blocks), title=title, url=str(card.meta.docs), buttons=tuple(buttons),
                 share=Share(_t(lang, "btn_share"), card.id))


PRACTICE_ROW_MAX = 3


def _fit(name: str, word_key: str | None = None, lang: Lang = "hi") -> str:
    """The name cut to leave room in the label for the action word beside it: what gets cut is
    the name, never the word ("Agla ▶" clipped to "Ag" read as nonsense)."""
    room = LABEL_MAX - (len(_t(lang, word_key)) + 2 if word_key else 0)
    return cut_line(name, room)


def _t(lang: Lang, key: str) -> str:
    from bot.core.i18n import t

    return t(lang, key)


async def show_card(ctx: Context, card: Card) -> Reply:
    if card.id != "summary":
        await ctx.services.prefs.mark_seen(ctx.command.user.key, card.id)
    reply = card_reply(ctx.core, card, ctx.lang)
    image = await card_diagram(ctx, card)
    if image is None:
        return reply
    # One reply object per card and voice, picture included, as for the text alone.
    return ctx.core.library.memo(("card_reply_diagram", card.id, ctx.lang),
                                 lambda: replace(reply, image=image))


async def card_diagram(ctx: Context, card: Card) -> Image | None:
    """The card's diagram (the event loop's, blocking's), where it has one and pictures are on.
    Drawn once per voice and kept by the pictures service."""
    pictures = ctx.services.pictures
    if pictures is None or not pictures.has_diagram(card.id):
        return None
    try:
        png = await pictures.diagram(card.id, ctx.lang)
    except NoPicture as exc:
        log.warning("cards: no diagram for %s (%s); the text stands", card.id, exc)
        return None
    return Image(f"{card.id}.png", png, ctx.t("diagram_alt", title=card.title(ctx.lang)))


async def next_on_path(ctx: Context) -> Reply:
    """The first card the user has not seen yet along the whole path: the sheet's terms, then
    level 2 (or "all done"). Stepping past the sheet says so above the first level-2 card."""
    lib = ctx.core.library
    seen = await ctx.services.prefs.seen_terms(ctx.command.user.key)
    for card in lib.terms:
        if card.id not in seen:
            reply = await show_card(ctx, card)
            if card.beyond and not any(c.id in seen for c in lib.beyond):  # the first step past
                note = Paragraph.plain(ctx.t("learn_sheet_done", n=len(lib.curriculum)))
                reply = replace(reply, blocks=(note, *reply.blocks))
            return reply
    return Reply(blocks=(Paragraph.plain(ctx.t("learn_done", n=len(lib.terms))),),
                 buttons=((Button(_t(ctx.lang, "btn_summary"), "summary"),),))
