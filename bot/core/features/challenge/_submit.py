"""/submit: grade a program against a challenge's hidden checks in the sandbox, with progress
while it waits and runs, and a private verdict: ✅ or ❌ first, then why, the belief behind it
and the card to read; on ✅ the time against the starter's, the reference and what is next."""

from __future__ import annotations

import difflib
import re
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import NamedTuple

from bot.core.challenges import (
    Challenge,
    SubmissionError,
    UnknownChallenge,
    Verdict,
    build_program,
    check_code,
    parse,
    verdict_from,
)
from bot.core.clock import iso, local_day
from bot.core.events import Submitted
from bot.core.features._shared import chat_zone, echo, fenced_code
from bot.core.features.challenge._show import how_to_submit
from bot.core.features.challenge._text import say
from bot.core.ports.sandbox import Busy, CoolingDown, Queued, RunRequest, Unavailable
from bot.core.router import Context
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Block, Button, CodeBlock, Heading, Paragraph, Reply, Span, Style

_ID_WORD = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
_TITLED = re.compile(r"🧩\s*([a-z][a-z0-9-]{1,40})")
_NAMED = re.compile(r"/(?:submit|challenge)\s+([a-z][a-z0-9-]{1,40})")


def code_of(text: str) -> str:
    """The first ``` fenced block if there is one (text around it ignored), else the text."""
    return fenced_code(text)


class Parsed(NamedTuple):
    wanted: str | None  # the id as typed (None: none given)
    code: str


def split_submission(text: str, known: set[str], *, near: set[str] = frozenset()) -> Parsed:
    """`<id> <code>`, `<id>\\n<code>` or just `<code>`. A first word is an id when it is a
    known one, or when it looks like one (lowercase with a hyphen, or close to a known id)
    and stands alone on its line: a typo then gets "did you mean", not a grade of the id."""
    stripped = text.lstrip()
    if not stripped or stripped.startswith("`"):
        return Parsed(None, code_of(text))
    first, nl, rest = stripped.partition("\n")
    word, _, after = first.strip().partition(" ")
    key = word.casefold()
    if key in known:
        return Parsed(key, code_of(after + nl + rest))
    if not after.strip() and _ID_WORD.match(word) and ("-" in word or key in near):
        return Parsed(word, code_of(rest))
    # "nosuch print(1)": an id-like word that only breaks the code it stands before is an id
    # (an unknown one gets "did you mean"), not a syntax error in the last challenge opened.
    if after.strip() and _ID_WORD.match(word) and not _compiles(code_of(text)) \
            and _compiles(code_of(after + nl + rest)):
        return Parsed(word, code_of(after + nl + rest))
    return Parsed(None, code_of(text))


def _compiles(code: str) -> bool:
    """Whether the code is valid Python (compiled only, never run)."""
    try:
        compile(code, "<submission>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def id_in_reply(text: str, known: set[str]) -> str | None:
    """The challenge a replied-to message is about: its 🧩 title, a /submit or /challenge
    line in it, else the first known id it names."""
    for pattern in (_TITLED, _NAMED):
        for match in pattern.finditer(text):
            if match[1] in known:
                return match[1]
    hits = []
    for cid in known:
        if found := re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", text):
            hits.append((found.start(), cid))
    return min(hits)[1] if hits else None


async def submit(ctx: Context) -> AsyncIterator[Reply]:
    cmd, lang = ctx.command, ctx.lang
    challenges = ctx.services.challenges
    known = set(challenges.by_id)
    if cmd.options.get("id") or cmd.options.get("code"):
        parsed = Parsed((cmd.options.get("id") or "").strip() or None, code_of(cmd.options.get("code", "")))
    else:
        first = cmd.args.strip().split(maxsplit=1)[0].casefold() if cmd.args.strip() else ""
        near = {first} if difflib.get_close_matches(first, known, n=1, cutoff=0.8) else set()
        parsed = split_submission(cmd.args, known, near=near)
    notes: list[Block] = []
    wanted = parsed.wanted
    if wanted is None and cmd.replied_to:
        wanted = id_in_reply(cmd.replied_to, known)
        if wanted:
            notes.append(Paragraph((Span(say(lang, "from_reply", id=wanted), Style.ITALIC),)))
    if wanted is None:
        wanted = await ctx.services.attempts.last_opened_challenge(cmd.user.key)
        if wanted:
            notes.append(Paragraph((Span(say(lang, "assumed", id=wanted), Style.ITALIC),)))
    if wanted is None:
        yield Reply(blocks=(Paragraph.plain(say(lang, "no_id")),),
                    buttons=((Button(say(lang, "btn_list"), "challenge"),),), private=True)
        return
    try:
        challenge = challenges.get(wanted)
    except UnknownChallenge as exc:
        blocks = [Paragraph.plain(say(lang, "unknown", query=echo(wanted)))]
        if exc.suggestions:
            blocks.append(Paragraph.plain(say(lang, "did_you_mean", ids=", ".join(exc.suggestions))))
        row = (*(Button(cid, "challenge", cid) for cid in exc.suggestions),
               Button(say(lang, "btn_list"), "challenge"))
        yield Reply(blocks=tuple(blocks), buttons=(row,), private=True)
        return
    if not parsed.code.strip():
        yield Reply(blocks=(*notes, Paragraph.plain(say(lang, "no_code", id=challenge.id)),
                            CodeBlock(challenge.starter.rstrip("\n"), "py"),
                            Paragraph.plain(how_to_submit(ctx, challenge.id))),
                    buttons=((Button(say(lang, "btn_retry", id=challenge.id), "challenge", challenge.id),),),
                    private=True)
        return
    try:
        code = check_code(parsed.code)
    except SubmissionError as exc:
        yield Reply(blocks=(*notes, Paragraph((Span("❌ " + exc.message(lang), Style.BOLD),))),
                    private=True)
        return
    async for reply in _grade(ctx, challenge, code, notes):
        yield reply


async def _grade(ctx: Context, challenge: Challenge, code: str, notes: list[Block]
                 ) -> AsyncIterator[Reply]:
    lang, cmd = ctx.lang, ctx.command
    sandbox = ctx.services.sandbox
    if sandbox is None or not sandbox.available:
        reason = sandbox.reason if sandbox is not None else "no sandbox configured"
        yield Reply.text(say(lang, "unavailable", reason=reason), private=True)
        return
    nonce = secrets.token_hex(12)
    budget = challenge.meta.budget
    request = RunRequest.of(build_program(challenge, code, nonce), wall_s=budget.wall_s, cpu_s=budget.cpu_s)
    # The console is the operator's own terminal: no cooldown there.
    user_key = None if cmd.chat.platform == "console" else cmd.user.key
    # Progress and verdict spoil nothing in a group: they go only to the learner.
    yield Reply.text(say(lang, "running"), private=True, final=False, spoils=True)
    result = None
    try:
        async for event in sandbox.submit(request, user_key=user_key):
            if isinstance(event, Queued):
                yield Reply.text(say(lang, "queued", ahead=event.position), private=True, final=False,
                                 spoils=True)
            else:
                result = event
    except Busy as exc:
        yield Reply.text(say(lang, "busy", seconds=exc.retry_after), private=True)
        return
    except CoolingDown as exc:
        yield Reply.text(say(lang, "cooldown", seconds=exc.retry_after), private=True)
        return
    except Unavailable as exc:
        yield Reply.text(say(lang, "unavailable", reason=str(exc)), private=True)
        return
    assert result is not None
    cards = {tag: m.card for tag, m in ctx.services.quiz_bank.misconceptions.items()}
    verdict = verdict_from(challenge, parse(result, nonce, cpu_s=budget.cpu_s), lang, cards)
    now = ctx.services.clock.now()
    day = local_day(now, await chat_zone(ctx.services, cmd.chat.key))
    first_pass = await ctx.services.attempts.record_submission(
        user_key=cmd.user.key, user_name=cmd.user.name, chat_key=cmd.chat.key,
        challenge_id=challenge.id, code=code, check=verdict.check, now=iso(now), day=day.isoformat(),
        yesterday=(day - timedelta(days=1)).isoformat())
    blocks, buttons = verdict_blocks(ctx, challenge, verdict, first_pass)
    event = Submitted(challenge.id, challenge.term, verdict.passed, verdict.check,
                      verdict.misconception, verdict.card, first_pass, now)
    for addition in await ctx.core.submissions.publish(ctx, event):
        blocks += addition.blocks
        buttons += addition.buttons
    title = challenge.meta.title.get(lang)
    head = (say(lang, "passed_title", title=title) if verdict.passed
            else say(lang, "failed_title", title=title, check=verdict.check))
    yield Reply(blocks=(*notes, *blocks), title=head, buttons=tuple(buttons), private=True, spoils=True)


def verdict_blocks(ctx: Context, challenge: Challenge, verdict: Verdict, first_pass: bool
                   ) -> tuple[list[Block], list[tuple[Button, ...]]]:
    lang = ctx.lang
    blocks: list[Block] = []
    buttons: list[tuple[Button, ...]] = []
    if not verdict.passed:
        blocks.append(Paragraph.plain(verdict.message))
        mis = (ctx.services.quiz_bank.misconceptions.get(verdict.misconception)
               if verdict.misconception else None)
        if mis is not None:
            blocks.append(Paragraph((Span(say(lang, "misconception") + " ", Style.BOLD),
                                     Span(mis.text.get(lang), Style.ITALIC))))
        card = ctx.core.library.by_id.get(verdict.card)
        row = []
        if card is not None:
            blocks.append(Paragraph((Span(say(lang, "read") + " "), Span(f"/term {card.id}", Style.CODE),
                                     Span(f" ({card.title(lang)})"))))
            row.append(Button(cut_line(card.title(lang), LABEL_MAX), "term", card.id))
        row += [Button(say(lang, "btn_hint"), "challenge", f"{challenge.id} hint"),
                Button(say(lang, "btn_submit"), "submit", challenge.id)]
        buttons.append(tuple(row))
        return blocks, buttons
    if verdict.program_s is not None and verdict.starter_s is not None:
        blocks.append(Paragraph.plain(say(lang, "times", took=f"{verdict.program_s:.2f}",
                                          starter=f"{verdict.starter_s:.2f}")))
    elif verdict.program_s is not None:
        blocks.append(Paragraph.plain(say(lang, "took", took=f"{verdict.program_s:.2f}")))
    blocks.append(Paragraph((Span(say(lang, "counted" if first_pass else "again"), Style.ITALIC),)))
    blocks += [Heading(say(lang, "reference")), CodeBlock(challenge.reference.rstrip("\n"), "py")]
    nxt = ctx.services.challenges.after(challenge.id)
    if nxt is not None:
        blocks.append(Paragraph((Span(say(lang, "next") + " "), Span(f"/challenge {nxt.id}", Style.CODE),
                                 Span(f" ({nxt.meta.title.get(lang)})"))))
        buttons.append((Button(cut_line(say(lang, "btn_next", id=nxt.id), LABEL_MAX), "challenge", nxt.id),))
    else:
        blocks.append(Paragraph.plain(say(lang, "last")))
    return blocks, buttons
