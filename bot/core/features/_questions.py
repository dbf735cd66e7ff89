"""A posted question as replies: its text and answer buttons, a quiz poll where it fits, the
row that a post is. /quiz, /practice, rounds and the daily post all show questions this way.

Every post deals its choices in its own random order (stored with it, so every view of that
post and a restart agree): a player who never reads the question cannot learn positions.
`order` below is that post's deal: the bank's choice numbers in the order they are shown;
() stands for the bank's own order (posts made before shuffling)."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import iso
from bot.core.features._shared import echo
from bot.core.i18n import t
from bot.core.ports.storage import QuizPost
from bot.core.quizbank import Bank, Entry, Question
from bot.core.router import Context
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Block, Button, CodeBlock, Lang, Paragraph, QuizPoll, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

# A vote cast just before a timed question closed may reach the bot a moment later (Telegram
# delivers poll answers by polling): it still counts, and a round waits this long to reveal.
ANSWER_GRACE = timedelta(seconds=3)

# A question becomes a native quiz poll only within these bounds: conservative ones that the
# platforms with quiz polls accept (Telegram's PollLimit, Nov 2026: question 300, option 100,
# 2-12 options, explanation 200 with 2 line breaks). The adapter checks its SDK's own limits too.
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_OPTIONS_MIN, POLL_OPTIONS_MAX = 2, 10
POLL_EXPLANATION_MAX = 200
POLL_EXPLANATION_LINE_BREAKS = 2


def one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.strip().splitlines() if part.strip())


_DEALER = random.SystemRandom()


def deal(question: Question, rng: random.Random | None = None) -> tuple[int, ...]:
    """A fresh order for one post: the bank's choice numbers, shuffled."""
    return tuple((rng or _DEALER).sample(range(1, len(question.choices) + 1), len(question.choices)))


def shown_order(question: Question, order: Sequence[int] = ()) -> tuple[int, ...]:
    count = len(question.choices)
    return tuple(order) if len(order) == count else tuple(range(1, count + 1))


def question_blocks(entry: Entry, lang: Lang, post_id: int, order: Sequence[int] = ()) -> list:
    q = entry.question
    blocks: list = [Paragraph.plain(q.prompt.get(lang))]
    if q.code:
        blocks.append(CodeBlock(q.code.rstrip("\n"), "python"))
    for n, original in enumerate(shown_order(q, order), start=1):
        text = q.choice_text(original, lang)
        if "\n" in text.strip():
            blocks.append(Paragraph((Span(f"{n}."),)))
            blocks.append(CodeBlock(text.strip("\n"), "text"))
        else:
            blocks.append(Paragraph((Span(f"{n}. "), Span(text.strip()))))
    blocks.append(Paragraph((Span(t(lang, "quiz_how"), Style.ITALIC), Span(" "),
                             Span(f"/answer {post_id} <n>", Style.CODE)), typed=True))
    return blocks


def answer_buttons(entry: Entry, lang: Lang, post_id: int, order: Sequence[int] = ()
                   ) -> tuple[tuple[Button, ...], ...]:
    """One button per choice, in the post's order: button n stands for `/answer <post> n`."""
    rows = []
    q = entry.question
    for n, original in enumerate(shown_order(q, order), start=1):
        label = cut_line(f"{n}. {one_line(q.choice_text(original, lang))}", LABEL_MAX)
        rows.append((Button(label, "answer", f"{post_id} {n}"),))
    return tuple(rows)


def question_reply(core: Core, entry: Entry, lang: Lang, post_id: int, *,
                   order: Sequence[int] = (), tally: tuple[int, int] | None = None,
                   title: str | None = None, extra: Sequence[Block] = ()) -> Reply:
    card = core.library.by_id.get(entry.term)
    blocks = question_blocks(entry, lang, post_id, order)
    blocks.extend(extra)
    if tally is not None:
        blocks.append(Paragraph((Span(t(lang, "quiz_tally", n=tally[0], ok=tally[1]), Style.BOLD),)))
    head = title or t(lang, "quiz_title", term=card.title(lang) if card else entry.term)
    return Reply(blocks=tuple(blocks), title=head,
                 buttons=answer_buttons(entry, lang, post_id, order))


def quiz_poll(entry: Entry, lang: Lang, post_id: int, lead: tuple[Block, ...] = (),
              order: Sequence[int] = (), open_period: int | None = None) -> QuizPoll | None:
    """The question as a quiz poll, or None when it does not fit a poll: a choice that is
    multi-line (program output) or too long, too many choices, a long explanation. A code
    snippet cannot go into the poll's plain-text question: it goes into the intro message.
    Its options follow the post's order, so option k stands for `/answer <post> k+1`."""
    q = entry.question
    shown = shown_order(q, order)
    question = q.prompt.get(lang).strip()
    options = tuple(q.choice_text(n, lang).strip() for n in shown)
    explanation = q.explain.get(lang).strip()
    fits = (
        1 <= len(question) <= POLL_QUESTION_MAX
        and POLL_OPTIONS_MIN <= len(options) <= POLL_OPTIONS_MAX
        and all(1 <= len(o) <= POLL_OPTION_MAX and "\n" not in o for o in options)
        and len(explanation) <= POLL_EXPLANATION_MAX
        and explanation.count("\n") <= POLL_EXPLANATION_LINE_BREAKS
    )
    if not fits:
        return None
    intro = lead + ((CodeBlock(q.code.rstrip("\n"), "python"),) if q.code else ())
    return QuizPoll(quiz_id=post_id, question=question, options=options,
                    correct_index=shown.index(q.answer), explanation=explanation, intro=intro,
                    open_period=open_period)


async def post_question(ctx: Context, entry: Entry, source: str = "quiz",
                        owner_key: str | None = None, *, asked_by: str | None = None,
                        closes_at: datetime | None = None) -> QuizPost:
    """Store a new post of `entry` with a fresh deal of its choices."""
    return await store_post(ctx.core, ctx.command.chat.key, entry, source, owner_key,
                            asked_by=asked_by, closes_at=closes_at)


async def store_post(core: Core, chat_key: str, entry: Entry, source: str = "quiz",
                     owner_key: str | None = None, *, asked_by: str | None = None,
                     closes_at: datetime | None = None) -> QuizPost:
    services = core.services
    now = iso(services.clock.now())
    order = deal(entry.question)
    closes = iso(closes_at) if closes_at is not None else None
    post_id = await services.quiz.create_quiz_post(chat_key, entry.id, source, owner_key, now,
                                                   choice_order=order, asked_by=asked_by,
                                                   closes_at=closes)
    return QuizPost(post_id, chat_key, entry.id, source, owner_key, now, order, asked_by, closes)


def resolve_term(ctx: Context, query: str) -> tuple[str | None, Reply | None]:
    """(the term a query names, None) or (None, a friendly refusal); an empty query is any
    term: (None, None)."""
    query = query.strip()
    if not query:
        return None, None
    bank = ctx.services.quiz_bank
    found = ctx.core.library.find(query)
    card = found.card or (found.suggestions[0] if len(found.suggestions) == 1 else None)
    if card is None:
        hint = ", ".join(c.id for c in (found.mentions or found.suggestions)[:5])
        key = "quiz_unknown_term_hint" if hint else "quiz_unknown_term"
        return None, Reply.text(ctx.t(key, query=echo(query), hint=hint), private=True)
    if card.id not in bank.by_term:
        return None, Reply.text(ctx.t("quiz_no_questions", term=card.title(ctx.lang)), private=True)
    return card.id, None


async def path_terms(core: Core, user_key: str) -> frozenset[str]:
    """The terms a learner's questions come from when they name none: the revision sheet's,
    and level 2's too once the learner has reached it.

    Reached means they opened a level-2 card (/learn leads there after the sheet's last card,
    /term or a button on purpose) or have seen all of the sheet's cards. A learner expects to
    be asked about the course they are on: a new one is asked about the whole sheet from the
    first /quiz, as the sheet is the course; level 2 goes beyond it, so it joins (as a whole
    track, like the sheet) only once they went there, never before they met the curriculum."""
    lib = core.library
    sheet = frozenset(c.id for c in lib.curriculum)
    if not lib.beyond:
        return sheet
    seen = await core.services.prefs.seen_terms(user_key)
    if sheet <= seen or any(c.id in seen for c in lib.beyond):
        return sheet | {c.id for c in lib.beyond}
    return sheet


async def chat_track_terms(core: Core, chat_key: str) -> frozenset[str]:
    """The terms of a chat's track (`/daily track`: the sheet unless an admin chose all)."""
    return frozenset(c.id for c in core.library.track(await core.services.daily.daily_track(chat_key)))


def fresh_question(bank: Bank, term: str | None, use: Mapping[str, int],
                   avoid: Collection[str] = frozenset(), rng: random.Random | None = None,
                   terms: Collection[str] | None = None) -> Entry | None:
    """A question of `term` (or, with none, of `terms`: the learner's path; None is any)
    among those put to this learner least often, so none comes back before the others were
    used; `avoid` (a round's earlier questions) only while something else is left."""
    if term:
        pool = list(bank.by_term.get(term, ()))
    else:
        # A bank with no question on the path at all still asks one rather than none.
        pool = [e for e in bank.entries if terms is None or e.term in terms] or list(bank.entries)
    pool = [e for e in pool if e.id not in avoid] or pool
    if not pool:
        return None
    least = min(use.get(e.id, 0) for e in pool)
    return (rng or random).choice([e for e in pool if use.get(e.id, 0) == least])
