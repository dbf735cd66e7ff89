"""/quiz and /answer: one question with answer buttons; the answer privately, a tally publicly.

A posted question is a row (`quiz_posts`); its buttons stand for `/answer <post-id> <n>`, so the
console (and anyone) can type them. One answer per user per post: the database's primary key
decides, so two quick clicks cannot both count.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.clock import DEFAULT_TZ, clock_of, iso, local_day, parse_iso, zone
from bot.core.quizbank import Bank, BankError, Entry
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import (
    Block,
    Button,
    ChatKind,
    CodeBlock,
    Lang,
    Paragraph,
    QuizPoll,
    Reply,
    Span,
    Style,
)

if TYPE_CHECKING:
    from bot.core.app import Core

log = logging.getLogger(__name__)
LABEL_MAX = 40

# A question becomes a native quiz poll only within these bounds: conservative ones that the
# platforms with quiz polls accept (Telegram's PollLimit, Nov 2026: question 300, option 100,
# 2-12 options, explanation 200 with 2 line breaks). The adapter checks its SDK's own limits too.
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_OPTIONS_MIN, POLL_OPTIONS_MAX = 2, 10
POLL_EXPLANATION_MAX = 200
POLL_EXPLANATION_LINE_BREAKS = 2


def load_bank(core: Core) -> Bank:
    """The bank next to the cards (`<content>/quiz`), loaded once per core."""
    bank = getattr(core, "quiz_bank", None)
    if bank is not None:
        return bank
    order = [c.id for c in core.library.terms]
    root = _content_root(core)
    try:
        bank = Bank.from_dir(root / "quiz", order) if root else Bank((), {}, order)
    except BankError as exc:
        log.error("quiz: the question bank is broken (%s); run python -m bot.core.lint content/",
                  exc)
        bank = Bank((), {}, order)
    core.quiz_bank = bank  # type: ignore[attr-defined]
    return bank


def _content_root(core: Core) -> Path | None:
    for card in core.library.terms:
        if card.path is not None:
            return Path(card.path).resolve().parent.parent
    return None


async def chat_zone(core: Core, chat_key: str):
    """The chat's time zone (its daily schedule's), for days, streaks and weeks."""
    name = await core.storage.chat_tz(chat_key) or DEFAULT_TZ
    return zone(name) or zone(DEFAULT_TZ)


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.strip().splitlines() if part.strip())


def question_blocks(entry: Entry, lang: Lang, post_id: int) -> list:
    q = entry.question
    blocks: list = [Paragraph.plain(q.prompt.get(lang))]
    if q.code:
        blocks.append(CodeBlock(q.code.rstrip("\n"), "python"))
    for n, choice in enumerate(q.choices, start=1):
        text = choice.text.get(lang)
        if "\n" in text.strip():
            blocks.append(Paragraph((Span(f"{n}."),)))
            blocks.append(CodeBlock(text.strip("\n"), "text"))
        else:
            blocks.append(Paragraph((Span(f"{n}. "), Span(text.strip()))))
    from bot.core.i18n import t

    blocks.append(Paragraph((Span(t(lang, "quiz_how"), Style.ITALIC), Span(" "),
                             Span(f"/answer {post_id} <n>", Style.CODE))))
    return blocks


def answer_buttons(entry: Entry, lang: Lang, post_id: int) -> tuple[tuple[Button, ...], ...]:
    rows = []
    for n, choice in enumerate(entry.question.choices, start=1):
        label = f"{n}. {_one_line(choice.text.get(lang))}"
        if len(label) > LABEL_MAX:
            label = label[: LABEL_MAX - 1] + "…"
        rows.append((Button(label, "answer", f"{post_id} {n}"),))
    return tuple(rows)


def question_reply(core: Core, entry: Entry, lang: Lang, post_id: int, *,
                   tally: tuple[int, int] | None = None, title: str | None = None) -> Reply:
    from bot.core.i18n import t

    card = core.library.by_id.get(entry.term)
    blocks = question_blocks(entry, lang, post_id)
    if tally is not None:
        blocks.append(Paragraph((Span(t(lang, "quiz_tally", n=tally[0], ok=tally[1]), Style.BOLD),)))
    head = title or t(lang, "quiz_title", term=card.title(lang) if card else entry.term)
    return Reply(blocks=tuple(blocks), title=head, buttons=answer_buttons(entry, lang, post_id))


def quiz_poll(entry: Entry, lang: Lang, post_id: int, lead: tuple[Block, ...] = ()
              ) -> QuizPoll | None:
    """The question as a quiz poll, or None when it does not fit a poll: a choice that is
    multi-line (program output) or too long, too many choices, a long explanation. A code
    snippet cannot go into the poll's plain-text question: it goes into the intro message."""
    q = entry.question
    question = q.prompt.get(lang).strip()
    options = tuple(c.text.get(lang).strip() for c in q.choices)
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
                    correct_index=q.answer - 1, explanation=explanation, intro=intro)


async def post_question(ctx: Context, entry: Entry, source: str = "quiz",
                        owner_key: str | None = None) -> int:
    now = iso(clock_of(ctx.core).now())
    return await ctx.core.storage.create_quiz_post(ctx.command.chat.key, entry.id, source,
                                                   owner_key, now)


async def quiz(ctx: Context) -> Reply:
    """`/quiz [term]`: a question (of that term), preferring ones the user has not answered."""
    from bot.core.features.term import echo

    bank = load_bank(ctx.core)
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
    seen = await ctx.core.storage.answered_questions(ctx.command.user.key)
    entry = bank.pick(term=term_id, avoid=seen)
    if entry is None:  # pragma: no cover - bank.entries is non-empty
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    post_id = await post_question(ctx, entry)
    reply = question_reply(ctx.core, entry, ctx.lang, post_id)
    return replace(reply, poll=quiz_poll(entry, ctx.lang, post_id))


def result_blocks(core: Core, entry: Entry, lang: Lang, choice: int) -> tuple[list, bool]:
    """Right/wrong, the right answer, the explanation, the misconception the choice caught
    and where to read more. Returns (blocks, correct)."""
    from bot.core.i18n import t

    q = entry.question
    correct = choice == q.answer
    blocks: list = []
    if correct:
        blocks.append(Paragraph((Span(t(lang, "quiz_right"), Style.BOLD),)))
    else:
        blocks.append(Paragraph((Span(t(lang, "quiz_wrong"), Style.BOLD),
                                 Span(" " + t(lang, "quiz_right_was", n=q.answer) + " "),
                                 Span(_one_line(q.choice_text(q.answer, lang)), Style.CODE
                                      if q.kind != "concept" else Style.PLAIN))))
    blocks.append(Paragraph.plain(q.explain.get(lang)))
    tag = q.choices[choice - 1].misconception
    mis = core.quiz_bank.misconceptions.get(tag) if tag else None  # type: ignore[attr-defined]
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
    """`/answer <post-id> <n>`: what an answer button stands for."""
    from bot.core.features.term import echo

    cmd = ctx.command
    words = (cmd.options.get("answer") or cmd.args).split()
    if len(words) != 2 or not all(w.isdigit() for w in words):
        yield Reply.text(ctx.t("answer_usage", got=echo(" ".join(words)) or "—"), private=True)
        return
    post_id, choice = int(words[0]), int(words[1])
    storage = ctx.core.storage
    bank = load_bank(ctx.core)
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
    if not 1 <= choice <= count:
        yield Reply.text(ctx.t("answer_range", count=count), private=True)
        return
    clock = clock_of(ctx.core)
    now = clock.now()
    tz = await chat_zone(ctx.core, cmd.chat.key)
    day = local_day(now, tz)
    correct = choice == entry.question.answer
    inserted = await storage.record_answer(
        post_id=post_id, user_key=cmd.user.key, user_name=cmd.user.name, chat_key=cmd.chat.key,
        question_id=entry.id, choice=choice, correct=correct, now=iso(now), day=day.isoformat(),
        yesterday=(day - timedelta(days=1)).isoformat())
    if not inserted:
        before = await storage.user_answer(post_id, cmd.user.key)
        yield Reply.text(ctx.t("answer_twice", n=before.choice if before else "?"),
                         private=True)
        return
    blocks, _ = result_blocks(ctx.core, entry, ctx.lang, choice)
    buttons: list[tuple[Button, ...]] = []
    card = ctx.core.library.by_id.get(entry.term)
    if post.source == "practice":
        from bot.core.features.practice import after_answer

        elapsed = (now - parse_iso(post.posted_at)).total_seconds()
        more_blocks, more_buttons = await after_answer(ctx, entry, choice, correct, elapsed)
        blocks += more_blocks
        buttons += more_buttons
    else:
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
        reply = question_reply(ctx.core, entry, ctx.lang, post_id, tally=tally, title=title)
        yield Reply(blocks=reply.blocks, title=reply.title, buttons=reply.buttons,
                    edit_source=True)


def register(core: Core) -> None:
    load_bank(core)
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
