"""The daily post: a recap of the term of the day plus one of its questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.features._questions import answer_buttons, question_blocks, quiz_poll
from bot.core.i18n import t
from bot.core.quizbank import Entry
from bot.core.types import Button, Heading, Lang, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core


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


def daily_reply(core: Core, entry: Entry, lang: Lang, post_id: int, order: Sequence[int] = ()
                ) -> Reply:
    card = core.library.by_id[entry.term]
    blocks: list = []
    sections = card.sections(lang)
    for section in sections[:2]:  # the meaning and the first illustration: a recap, not the card
        blocks.append(Heading(section.label))
        blocks.extend(section.blocks)
    blocks.append(Paragraph((Span(t(lang, "daily_full_card") + " "),
                             Span(f"/term {card.id}", Style.CODE))))
    blocks.append(Heading(t(lang, "daily_quiz_heading")))
    # As a poll: the recap is the message before it (with the snippet, if any).
    poll = quiz_poll(entry, lang, post_id, lead=tuple(blocks), order=order)
    blocks.extend(question_blocks(entry, lang, post_id, order))
    buttons = (*answer_buttons(entry, lang, post_id, order),
               (Button(card.title(lang)[:40], "term", card.id),))
    return Reply(blocks=tuple(blocks), title=t(lang, "daily_title", term=card.title(lang)),
                 buttons=buttons, poll=poll)
