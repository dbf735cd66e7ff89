"""/quiz and /answer: one question with answer buttons; the answer privately, a tally publicly.

A posted question is a row (`quiz_posts`); its buttons stand for `/answer <post-id> <n>`, so the
console (and anyone) can type them. One answer per user per post: the database's primary key
decides, so two quick clicks cannot both count.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.clock import iso, local_day, parse_iso
from bot.core.events import Answered
from bot.core.features._questions import (
    LABEL_MAX,
    POLL_EXPLANATION_LINE_BREAKS,
    POLL_EXPLANATION_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_OPTIONS_MIN,
    POLL_QUESTION_MAX,
    one_line,
    post_question,
    question_reply,
    quiz_poll,
    shown_order,
)
from bot.core.features._shared import chat_zone, echo
from bot.core.quizbank import Bank, Entry
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import Button, ChatKind, Lang, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

# A vote sent just before a timed question closed may reach the bot a moment later (Telegram
# delivers poll answers by polling): it still counts.
LATE_VOTE_GRACE = timedelta(seconds=3)
__all__ = [
    "POLL_EXPLANATION_LINE_BREAKS", "POLL_EXPLANATION_MAX", "POLL_OPTIONS_MAX", "POLL_OPTIONS_MIN",
    "POLL_OPTION_MAX", "POLL_QUESTION_MAX", "answer", "quiz", "quiz_poll", "register",
    "result_blocks",
]
async def quiz(ctx: Context) -> Reply:
    """`/quiz [term]`: a question (of that term), preferring ones the user has not answered."""
    bank = ctx.services.quiz_bank
    if not bank.entries:
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    query = (ctx.command.options.get("term") or ctx.command.args).strip()
    term_id = None
    if query:
        found = ctx.core.library.find(query)
        card = found.card or (found.suggestions[0] if len(found.suggestions) == 1 else None)
        if card is None:
            hint = ", ".join(c.id for c in (found.mentions or found.suggestions)[:5])
            key = "quiz_unknown_term_hint" if hint else "quiz_unknown_term"
            return Reply.text(ctx.t(key, query=echo(query), hint=hint), private=True)
        if card.id not in bank.by_term:
            return Reply.text(ctx.t("quiz_no_questions", term=card.title(ctx.lang)), private=True)
        term_id = card.id
    user = ctx.command.user.key
    entry = fresh_question(bank, term_id, await ctx.services.quiz.question_use(user))
    if entry is None:  # pragma: no cover - bank.entries is non-empty
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    post = await post_question(ctx, entry, asked_by=user)
    reply = question_reply(ctx.core, entry, ctx.lang, post.id, order=post.choice_order)
    return replace(reply, poll=quiz_poll(entry, ctx.lang, post.id, order=post.choice_order))


def fresh_question(bank: Bank, term: str | None, use: Mapping[str, int],
                   avoid: frozenset[str] = frozenset(), rng: random.Random | None = None
                   ) -> Entry | None:
    """A question of `term` (or any) among those put to this learner least often, so none
    comes back before the others were used; `avoid` (a round's earlier questions) only
    when something else is left."""
    pool = [e for e in (bank.by_term.get(term, ()) if term else bank.entries)]
    pool = [e for e in pool if e.id not in avoid] or pool
    if not pool:
        return None
    least = min(use.get(e.id, 0) for e in pool)
    return (rng or random).choice([e for e in pool if use.get(e.id, 0) == least])


def result_blocks(core: Core, entry: Entry, lang: Lang, choice: int,
                  order: Sequence[int] = ()) -> tuple[list, bool]:
    """Right/wrong, the right answer (numbered as the post showed it), the picked wrong
    choice's own explanation, the question's explanation, the misconception the choice caught
    and where to read more. `choice` is the bank's number. Returns (blocks, correct)."""
    from bot.core.i18n import t

    q = entry.question
    feedback = q.feedback(choice)
    correct = feedback.correct
    blocks: list = []
    if correct:
        blocks.append(Paragraph((Span(t(lang, "quiz_right"), Style.BOLD),)))
    else:
        right_shown = shown_order(q, order).index(q.answer) + 1
        blocks.append(Paragraph((Span(t(lang, "quiz_wrong"), Style.BOLD),
                                 Span(" " + t(lang, "quiz_right_was", n=right_shown) + " "),
                                 Span(one_line(q.choice_text(q.answer, lang)), Style.CODE
                                      if q.kind != "concept" else Style.PLAIN))))
        why = q.why(choice, lang)
        if why:
            blocks.append(Paragraph((Span(t(lang, "quiz_why_not") + " ", Style.BOLD),
                                     Span(why.strip()))))
    blocks.append(Paragraph.plain(q.explain.get(lang)))
    tag = feedback.misconception
    mis = core.services.quiz_bank.misconceptions.get(tag) if tag else None
    if mis is not None and not correct:
        blocks.append(Paragraph((Span(t(lang, "quiz_misconception") + " ", Style.BOLD),
                                 Span(mis.text.get(lang), Style.ITALIC),
                                 Span(" → "), Span(f"/term {mis.card}", Style.CODE))))
    card = core.library.by_id.get(entry.term)
    if card is not None:
        blocks.append(Paragraph((Span(t(lang, "quiz_read") + " "),
                                 Span(f"/term {card.id}", Style.CODE),
                                 Span(f" ({card.title(lang)})"))))
    return blocks, correct


async def answer(ctx: Context):
    """`/answer <post-id> <n>`: what an answer button stands for. Once recorded, the answer is
    published (`core.answers`): a subscriber such as practice adds to the private reply."""
    cmd = ctx.command
    words = (cmd.options.get("answer") or cmd.args).split()
    if len(words) != 2 or not all(w.isdigit() for w in words):
        yield Reply.text(ctx.t("answer_usage", got=echo(" ".join(words)) or "—"), private=True)
        return
    post_id, shown = int(words[0]), int(words[1])
    storage = ctx.services.quiz
    bank = ctx.services.quiz_bank
    post = await storage.quiz_post(post_id)
    if post is None or post.chat_key != cmd.chat.key:
        yield Reply.text(ctx.t("answer_no_post", id=post_id), private=True)
        return
    if post.owner_key and post.owner_key != cmd.user.key:
        yield Reply.text(ctx.t("answer_not_yours"), private=True)
        return
    entry = bank.by_id.get(post.question_id)
    if entry is None:
        yield Reply.text(ctx.t("answer_retired"), private=True)
        return
    count = len(entry.question.choices)
    if not 1 <= shown <= count:
        yield Reply.text(ctx.t("answer_range", count=count), private=True)
        return
    now = ctx.services.clock.now()
    if post.closes_at is not None and now > parse_iso(post.closes_at) + LATE_VOTE_GRACE:
        yield Reply.text(ctx.t("answer_too_late"), private=True)
        return
    # The post showed its own order: the answer is recorded by the bank's number.
    choice = post.original(shown, count)
    tz = await chat_zone(ctx.services, cmd.chat.key)
    day = local_day(now, tz)
    correct = choice == entry.question.answer
    inserted = await storage.record_answer(
        post_id=post_id, user_key=cmd.user.key, user_name=cmd.user.name, chat_key=cmd.chat.key,
        question_id=entry.id, choice=choice, correct=correct, now=iso(now), day=day.isoformat(),
        yesterday=(day - timedelta(days=1)).isoformat())
    if not inserted:
        before = await storage.user_answer(post_id, cmd.user.key)
        yield Reply.text(ctx.t("answer_twice", n=post.shown(before.choice, count) if before else "?"),
                         private=True)
        return
    blocks, _ = result_blocks(ctx.core, entry, ctx.lang, choice, post.choice_order)
    buttons: list[tuple[Button, ...]] = []
    card = ctx.core.library.by_id.get(entry.term)
    for addition in await ctx.core.answers.publish(ctx, Answered(post, entry, choice, correct, now)):
        blocks += addition.blocks
        buttons += addition.buttons
    if post.source != "practice":  # a practice post's buttons are practice's own
        row = []
        if card is not None:
            row.append(Button(card.title(ctx.lang)[:LABEL_MAX], "term", card.id))
        row.append(Button(ctx.t("btn_next_question"), "quiz", entry.term))
        buttons.append(tuple(row))
    yield Reply(blocks=tuple(blocks), buttons=tuple(buttons), private=True)
    if cmd.chat.kind is ChatKind.GROUP and post.source != "practice":
        # The chat sees only how many answered: the answer itself stays private.
        tally = await storage.post_tally(post_id)
        title = None
        if post.source == "daily" and card is not None:
            title = ctx.t("daily_quiz_title", term=card.title(ctx.lang))
        reply = question_reply(ctx.core, entry, ctx.lang, post_id, order=post.choice_order,
                               tally=tally, title=title)
        yield Reply(blocks=reply.blocks, title=reply.title, buttons=reply.buttons,
                    edit_source=True)


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="quiz",
        help=Text(hi="Ek sawaal: button dabao ya /answer likho",
                  en="One question: tap an answer or type /answer"),
        handler=quiz,
        options=(OptionSpec("term", Text(hi="kis term pe (khaali = koi bhi)", en="which term (empty = any)"),
                            autocomplete="terms"),),
    ))
    core.router.add(CommandSpec(
        name="answer",
        help=Text(hi="Quiz ka jawab: /answer <quiz-id> <n>", en="Answer a quiz: /answer <quiz-id> <n>"),
        handler=answer,
        options=(OptionSpec("answer", Text(hi="quiz-id aur choice number", en="quiz id and choice number"),
                            required=True),),
        # Not `private`: the result is a private reply, the group's tally a public edit.
        hidden=True,
    ))
