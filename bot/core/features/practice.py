"""/practice: a personal review session scheduled by `fsrs` (the FSRS algorithm, not ours).

Items are questions (`q:<question-id>`) and cards (`card:<card-id>`). Due items come first,
then new questions in curriculum order. Each answer is rated from correctness and speed. A
wrong choice tagged with a misconception schedules the card that corrects it for review now,
and shows it, so practice follows what the learner actually gets wrong. Answers reach it as
events (`core.answers`): /answer does not know practice exists.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import fsrs

from bot.core.clock import iso, parse_iso
from bot.core.events import Addition, Answered, Submitted
from bot.core.features._questions import path_terms, post_question, question_reply
from bot.core.quizbank import Entry
from bot.core.router import CommandSpec, Context, Text
from bot.core.services import Services
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, Heading, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

# Fuzzing spreads intervals randomly; off, so a learner's schedule is reproducible.
SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)
FAST_SECONDS = 15.0  # a right answer this quick is "easy"
SLOW_SECONDS = 60.0  # slower than this is "hard"


def rating_for(correct: bool, elapsed: float) -> fsrs.Rating:
    if not correct:
        return fsrs.Rating.Again
    if elapsed <= FAST_SECONDS:
        return fsrs.Rating.Easy
    if elapsed <= SLOW_SECONDS:
        return fsrs.Rating.Good
    return fsrs.Rating.Hard


def new_card(item: str, now: datetime) -> fsrs.Card:
    # An explicit card_id: fsrs otherwise derives one from the clock and sleeps 1 ms to keep it
    # unique, a blocking call we do not want on the event loop.
    return fsrs.Card(card_id=zlib.crc32(item.encode()), due=now)


async def _load(services: Services, user_key: str, item: str, now: datetime) -> fsrs.Card:
    row = await services.practice.srs_get(user_key, item)
    return fsrs.Card.from_json(row.state_json) if row else new_card(item, now)


async def _save(services: Services, user_key: str, item: str, card: fsrs.Card, now: datetime,
                reason: str | None = None) -> None:
    await services.practice.srs_put(user_key, item, due=iso(card.due), state_json=card.to_json(),
                                    reason=reason, now=iso(now))


async def next_item(services: Services, user_key: str, now: datetime,
                    path: Collection[str] | None = None) -> tuple[Entry | None, str, str | None]:
    """(question, why: "due"|"card"|"new"|"none", card id for a card review). New questions
    come only from the terms on the learner's `path` (None: any); reviews from anywhere."""
    bank = services.quiz_bank
    for row in await services.practice.srs_due(user_key, iso(now)):
        kind, _, key = row.item.partition(":")
        if kind == "q" and key in bank.by_id:
            return bank.by_id[key], "due", None
        if kind == "card" and bank.by_term.get(key):
            answered = await services.quiz.answered_questions(user_key)
            return bank.pick(term=key, avoid=answered), "card", key
    known = await services.practice.srs_items(user_key)
    for entry in bank.ordered:
        if f"q:{entry.id}" not in known and (path is None or entry.term in path):
            return entry, "new", None
    return None, "none", None


async def practice(ctx: Context) -> Reply:
    core, user, services = ctx.core, ctx.command.user, ctx.services
    if not services.quiz_bank.entries:
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    now = services.clock.now()
    entry, why, _card = await next_item(services, user.key, now, await path_terms(core, user.key))
    if entry is None:
        nxt = await services.practice.srs_next_due(user.key)
        when = _when(ctx, parse_iso(nxt), now) if nxt else "—"
        return Reply.text(ctx.t("practice_done", when=when), private=True)
    post = await post_question(ctx, entry, "practice", owner_key=user.key)
    card = core.library.by_id.get(entry.term)
    term = card.title(ctx.lang) if card else entry.term
    title = {"due": ctx.t("practice_title_due", term=term),
             "card": ctx.t("practice_title_card", term=term),
             "new": ctx.t("practice_title_new", term=term)}[why]
    reply = question_reply(core, entry, ctx.lang, post.id, order=post.choice_order, title=title)
    return Reply(blocks=reply.blocks, title=reply.title, buttons=reply.buttons, private=True)


def _when(ctx: Context, due: datetime, now: datetime) -> str:
    delta = due - now
    if delta <= timedelta(minutes=1):
        return ctx.t("practice_now")
    if delta < timedelta(hours=1):
        return ctx.t("practice_in_min", n=max(1, round(delta.total_seconds() / 60)))
    if delta < timedelta(days=1):
        return ctx.t("practice_in_hours", n=round(delta.total_seconds() / 3600))
    return ctx.t("practice_in_days", n=round(delta.total_seconds() / 86400))


async def on_answer(ctx: Context, event: Answered) -> Addition | None:
    """An answer to a /practice question: rate the review, persist the card states, schedule
    the misconception's card, and add when it comes back. Other answers are not practice's."""
    if event.post.source != "practice":
        return None
    elapsed = (event.at - parse_iso(event.post.posted_at)).total_seconds()
    blocks, buttons = await after_answer(ctx, event.entry, event.choice, event.correct, elapsed)
    return Addition(tuple(blocks), tuple(buttons))


async def after_answer(ctx: Context, entry: Entry, choice: int, correct: bool, elapsed: float
                       ) -> tuple[list, list[tuple[Button, ...]]]:
    """Rate the review, persist the card states, and schedule the misconception's card."""
    core, user, services = ctx.core, ctx.command.user, ctx.services
    now = services.clock.now()
    rating = rating_for(correct, elapsed)
    item = f"q:{entry.id}"
    card, _ = SCHEDULER.review_card(await _load(services, user.key, item, now), rating, now)
    await _save(services, user.key, item, card, now)
    # A card scheduled for review by an earlier mistake is reviewed by this question too.
    card_item = f"card:{entry.term}"
    row = await services.practice.srs_get(user.key, card_item)
    if row and parse_iso(row.due) <= now:
        reviewed, _ = SCHEDULER.review_card(fsrs.Card.from_json(row.state_json), rating, now)
        await _save(services, user.key, card_item, reviewed, now)
    blocks: list = [Paragraph((Span(ctx.t("practice_next_review") + " "),
                               Span(_when(ctx, card.due, now), Style.BOLD)))]
    buttons: list[tuple[Button, ...]] = []
    tag = entry.question.choices[choice - 1].misconception
    mis = services.quiz_bank.misconceptions.get(tag) if tag and not correct else None
    fix = core.library.by_id.get(mis.card) if mis else None
    if fix is not None:
        fix_item = f"card:{fix.id}"
        existing = await services.practice.srs_get(user.key, fix_item)
        review = fsrs.Card.from_json(existing.state_json) if existing else new_card(fix_item, now)
        review.due = now  # due now: the next /practice starts with it
        await _save(services, user.key, fix_item, review, now, reason=tag)
        blocks.append(Heading(ctx.t("practice_review_card", term=fix.title(ctx.lang))))
        sections = fix.sections(ctx.lang)
        if sections:
            blocks.extend(sections[0].blocks)
        buttons.append((Button(cut_line(fix.title(ctx.lang), LABEL_MAX), "term", fix.id),))
    buttons.append((Button(ctx.t("btn_next_practice"), "practice"),))
    return blocks, buttons


async def on_submission(ctx: Context, event: Submitted) -> Addition | None:
    """A failed challenge check schedules the card of the belief behind it for review now,
    as a wrong quiz answer does (the verdict already shows that card)."""
    if event.passed or event.misconception is None:
        return None
    services = ctx.services
    card = ctx.core.library.by_id.get(event.card)
    if card is None:
        return None
    now = services.clock.now()
    item = f"card:{card.id}"
    existing = await services.practice.srs_get(ctx.command.user.key, item)
    review = fsrs.Card.from_json(existing.state_json) if existing else new_card(item, now)
    review.due = now  # due now: the next /practice starts with it
    await _save(services, ctx.command.user.key, item, review, now, reason=event.misconception)
    return Addition((Paragraph.plain(ctx.t("practice_review_card", term=card.title(ctx.lang))),),
                    ((Button(ctx.t("btn_next_practice"), "practice"),),))


def register(core: Core) -> None:
    core.answers.subscribe(on_answer)
    core.submissions.subscribe(on_submission)
    core.router.add(CommandSpec(
        name="practice",
        help=Text(hi="Aapka personal revision: jo due hai pehle, phir naye sawaal",
                  en="Your personal review: what is due first, then new questions"),
        handler=practice,
        private=True,
    ), "review")
