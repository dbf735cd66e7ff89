"""/quiz and /answer: one question with answer buttons; the answer privately, a tally publicly.

A posted question is a row (`quiz_posts`); its buttons stand for `/answer <post-id> <n>`, so the
console (and anyone) can type them. One answer per user per post: the database's primary key
decides, so two quick clicks cannot both count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.clock import iso, local_day, parse_iso
from bot.core.events import Answered
from bot.core.features._questions import (
    ANSWER_GRACE,
    POLL_EXPLANATION_LINE_BREAKS,
    POLL_EXPLANATION_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_OPTIONS_MIN,
    POLL_QUESTION_MAX,
    fresh_question,
    one_line,
    path_terms,
    post_question,
    question_reply,
    quiz_poll,
    resolve_term,
    shown_order,
)
from bot.core.features._rounds import (
    ROUND_DEFAULT,
    ROUND_MAX,
    ROUND_MIN,
    ROUND_SECONDS,
    RoundRunner,
    start_round,
    stop_round,
)
from bot.core.features._shared import chat_zone, echo
from bot.core.quizbank import Entry
from bot.core.router import CommandSpec, Context, OptionSpec, OptionType, SubcommandSpec, Text
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, ChatKind, Lang, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

__all__ = [
    "POLL_EXPLANATION_LINE_BREAKS", "POLL_EXPLANATION_MAX", "POLL_OPTIONS_MAX", "POLL_OPTIONS_MIN",
    "POLL_OPTION_MAX", "POLL_QUESTION_MAX", "answer", "quiz", "quiz_poll", "register",
    "result_blocks",
]
async def quiz(ctx: Context, args: str | None = None) -> Reply:
    """`/quiz [term]`: a question of that term (none: of the learner's path, `path_terms`), one
    the user has been asked least often."""
    bank = ctx.services.quiz_bank
    args = ctx.command.args if args is None else args
    if not bank.entries:
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    query = (ctx.command.options.get("term") or args).strip()
    term_id, refusal = resolve_term(ctx, query)
    if refusal is not None:
        return refusal
    user = ctx.command.user.key
    path = None if term_id else await path_terms(ctx.core, user)
    entry = fresh_question(bank, term_id, await ctx.services.quiz.question_use(user), terms=path)
    if entry is None:  # pragma: no cover - bank.entries is non-empty
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    post = await post_question(ctx, entry, asked_by=user)
    reply = question_reply(ctx.core, entry, ctx.lang, post.id, order=post.choice_order)
    return replace(reply, poll=quiz_poll(entry, ctx.lang, post.id, order=post.choice_order))


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
    assumed = None
    if len(words) == 1 and words[0].isdigit():  # "/answer 2": the choice alone, for their last question
        last = await ctx.services.quiz.last_quiz_post(cmd.chat.key, cmd.user.key)
        if last is not None:
            words, assumed = [str(last.id), words[0]], last.id
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
    if post.closes_at is not None and (now > parse_iso(post.closes_at) + ANSWER_GRACE
                                       or await storage.post_revealed(post_id)):
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
    if assumed is not None:
        blocks = [Paragraph((Span(ctx.t("answer_assumed", id=assumed), Style.ITALIC),)), *blocks]
    buttons: list[tuple[Button, ...]] = []
    card = ctx.core.library.by_id.get(entry.term)
    for addition in await ctx.core.answers.publish(ctx, Answered(post, entry, choice, correct, now)):
        blocks += addition.blocks
        buttons += addition.buttons
    if post.source != "practice":  # a practice post's buttons are practice's own
        row = []
        if card is not None:
            row.append(Button(cut_line(card.title(ctx.lang), LABEL_MAX), "term", card.id))
        row.append(Button(ctx.t("btn_next_question"), "quiz", entry.term))
        buttons.append(tuple(row))
    yield Reply(blocks=tuple(blocks), buttons=tuple(buttons), private=True)
    # A timed question (a round's) keeps its message until the round reveals its answer and
    # tally: an edit per answer would also drop its round title and timer.
    if cmd.chat.kind is ChatKind.GROUP and post.source != "practice" and post.closes_at is None:
        # The chat sees only how many answered: the answer itself stays private.
        tally = await storage.post_tally(post_id)
        title = None
        if post.source == "daily" and card is not None:
            title = ctx.t("daily_quiz_title", term=card.title(ctx.lang))
        reply = question_reply(ctx.core, entry, ctx.lang, post_id, order=post.choice_order,
                               tally=tally, title=title)
        yield Reply(blocks=reply.blocks, title=reply.title, buttons=reply.buttons,
                    edit_source=True)


TERM_OPTION = OptionSpec("term", Text(hi="kis term pe (khaali = aapke path ke terms)",
                                      en="which term (empty = any on your path)"),
                         autocomplete="terms")


def register(core: Core) -> None:
    runner = RoundRunner(core)
    core.run_in_background(runner)

    async def quiz_command(ctx: Context) -> Reply:
        """`/quiz [term]` (`/quiz ask [term]`), `/quiz round [n] [term]`, `/quiz stop`."""
        sub, rest = spec.subcommand(ctx.command.args)
        if sub is not None and sub.name == "round":
            return await start_round(ctx, runner, rest)
        if sub is not None and sub.name == "stop":
            return await stop_round(ctx, runner)
        return await quiz(ctx, rest)

    spec = CommandSpec(
        name="quiz",
        help=Text(hi="Ek sawaal, ya time wala round: /quiz round",
                  en="One question, or a timed round: /quiz round"),
        handler=quiz_command,
        options=(TERM_OPTION,),
        subcommands=(
            SubcommandSpec("ask", Text(hi="Ek sawaal, jawab ke buttons ke saath",
                                       en="One question, with a button per answer"),
                           options=(TERM_OPTION,), default=True),
            SubcommandSpec("round", Text(
                hi=f"{ROUND_MIN}-{ROUND_MAX} sawaal, har ek pe {ROUND_SECONDS} s, phir scoreboard",
                en=f"{ROUND_MIN}-{ROUND_MAX} questions, {ROUND_SECONDS} s each, then a scoreboard"),
                options=(OptionSpec("n", Text(hi=f"kitne sawaal ({ROUND_MIN}-{ROUND_MAX}, default "
                                                 f"{ROUND_DEFAULT})",
                                              en=f"how many questions ({ROUND_MIN}-{ROUND_MAX}, "
                                                 f"default {ROUND_DEFAULT})"),
                                    type=OptionType.INTEGER), TERM_OPTION)),
            SubcommandSpec("stop", Text(hi="Chal raha round rokna (admin ya jisne shuru kiya)",
                                        en="End the running round (an admin or its starter)")),
        ),
        posts_later=True,  # a round posts its questions into the chat
    )
    core.router.add(spec)
    core.router.add(CommandSpec(
        name="answer",
        help=Text(hi="Quiz ka jawab: /answer <quiz-id> <n>", en="Answer a quiz: /answer <quiz-id> <n>"),
        handler=answer,
        options=(OptionSpec("answer", Text(hi="quiz-id aur choice number", en="quiz id and choice number"),
                            required=True),),
        # Not `private`: the result is a private reply, the group's tally a public edit.
        hidden=True,
    ))
