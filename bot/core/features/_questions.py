"""A posted question as replies: its text and answer buttons, a quiz poll where it fits, the
row that a post is. /quiz, /practice and the daily post all show questions this way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.clock import iso
from bot.core.i18n import t
from bot.core.quizbank import Entry
from bot.core.router import Context
from bot.core.types import Block, Button, CodeBlock, Lang, Paragraph, QuizPoll, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

LABEL_MAX = 40

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
    blocks.append(Paragraph((Span(t(lang, "quiz_how"), Style.ITALIC), Span(" "),
                             Span(f"/answer {post_id} <n>", Style.CODE))))
    return blocks


def answer_buttons(entry: Entry, lang: Lang, post_id: int) -> tuple[tuple[Button, ...], ...]:
    rows = []
    for n, choice in enumerate(entry.question.choices, start=1):
        label = f"{n}. {one_line(choice.text.get(lang))}"
        if len(label) > LABEL_MAX:
            label = label[: LABEL_MAX - 1] + "…"
        rows.append((Button(label, "answer", f"{post_id} {n}"),))
    return tuple(rows)


def question_reply(core: Core, entry: Entry, lang: Lang, post_id: int, *,
                   tally: tuple[int, int] | None = None, title: str | None = None) -> Reply:
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
    now = iso(ctx.services.clock.now())
    return await ctx.services.quiz.create_quiz_post(ctx.command.chat.key, entry.id, source,
                                                    owner_key, now)
