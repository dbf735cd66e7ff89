"""The daily post: a recap of the term of the day plus one of its questions.

`/daily now` answers with one reply; the scheduler sends the same post as its messages
(`PARTS`), each with its own ledger entry, so a post cut between them is completed later."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.features._questions import answer_buttons, question_blocks, quiz_poll
from bot.core.i18n import t
from bot.core.quizbank import Entry
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, Heading, Lang, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.content import Card


async def track_terms(core: Core, chat_key: str) -> list[str]:
    """The terms of the chat's daily track, in path order, that have questions: the sheet's
    15 unless a chat admin chose "all" (the sheet, then level 2)."""
    bank = core.services.quiz_bank
    track = await core.services.daily.daily_track(chat_key)
    return [c.id for c in core.library.track(track) if c.id in bank.by_term]


async def next_term(core: Core, chat_key: str) -> tuple[str, int]:
    """(term id, rotation cycle): the first term of the chat's track, in path order, not yet
    shown in its current cycle; once all were shown, a new cycle starts. A track changed
    mid-cycle simply changes what is left (level-2 terms follow the sheet's)."""
    terms = await track_terms(core, chat_key)
    cycle, seen = await core.services.daily.daily_rotation(chat_key)
    remaining = [term for term in terms if term not in seen]
    if not remaining:
        return terms[0], cycle + 1
    return remaining[0], cycle


def pick_question(core: Core, term: str) -> Entry:
    entry = core.services.quiz_bank.pick(term=term)
    if entry is None:  # next_term only offers terms with questions
        raise LookupError(f"no question for {term!r}")
    return entry


async def post_lang(core: Core, chat_key: str) -> Lang:
    value = await core.services.prefs.chat_lang(chat_key)
    return value if value in ("hi", "en") else core.default_lang  # type: ignore[return-value]


def _recap(card: Card, lang: Lang) -> list:
    """The meaning and the first illustration, then where the whole card is: a recap."""
    blocks: list = []
    for section in card.sections(lang)[:2]:
        blocks.append(Heading(section.label))
        blocks.extend(section.blocks)
    blocks.append(Paragraph((Span(t(lang, "daily_full_card") + " "),
                             Span(f"/term {card.id}", Style.CODE))))
    return blocks


def daily_reply(core: Core, entry: Entry, lang: Lang, post_id: int, order: Sequence[int] = ()
                ) -> Reply:
    card = core.library.by_id[entry.term]
    blocks = _recap(card, lang)
    blocks.append(Heading(t(lang, "daily_quiz_heading")))
    # As a poll: the recap is the message before it (with the snippet, if any).
    poll = quiz_poll(entry, lang, post_id, lead=tuple(blocks), order=order)
    blocks.extend(question_blocks(entry, lang, post_id, order))
    buttons = (*answer_buttons(entry, lang, post_id, order),
               (Button(cut_line(card.title(lang), LABEL_MAX), "term", card.id),))
    return Reply(blocks=tuple(blocks), title=t(lang, "daily_title", term=card.title(lang)),
                 buttons=buttons, poll=poll)


# The messages of a scheduled post, in sending order (the ledger keeps one entry per part).
PARTS: tuple[str, ...] = ("recap", "question")


def daily_parts(core: Core, entry: Entry, lang: Lang, post_id: int, order: Sequence[int] = ()
                ) -> tuple[Reply, ...]:
    """The post as its messages (`PARTS`): the recap under the title with the card's button,
    then the question with its answer buttons, or as a quiz poll where the platform has them."""
    card = core.library.by_id[entry.term]
    recap = _recap(card, lang)
    question = (Heading(t(lang, "daily_quiz_heading")),
                *question_blocks(entry, lang, post_id, order))
    return (
        Reply(blocks=tuple(recap), title=t(lang, "daily_title", term=card.title(lang)),
              buttons=((Button(cut_line(card.title(lang), LABEL_MAX), "term", card.id),),)),
        Reply(blocks=question, buttons=answer_buttons(entry, lang, post_id, order),
              poll=quiz_poll(entry, lang, post_id, order=order)),
    )
