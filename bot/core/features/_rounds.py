"""Timed rounds: `/quiz round [n] [term]` posts n questions one after another, each open for a
while, then a scoreboard; `/quiz stop` ends a round early.

A round is rows (quiz_rounds, quiz_round_posts), not a task: one background service, the
`RoundRunner`, reads the running rounds, does each one's due step (reveal the answer, post the
next question, post the scoreboard) and sleeps until the next step is due, woken early by an
`asyncio.Event` when a round starts or stops. After a restart it carries on from the rows; a
round found long overdue (the bot was down) is closed with its scoreboard instead. Answers are
recorded by `/answer` as they come, so no answer depends on the runner.

With many bot processes on one database, one pass at a time steps the rounds (a lock over
every process, `PlatformState.hold`): two passes at once would reveal and ask each question
twice. The others try again a moment later, so a process that dies hands the rounds on. A pass
whose lock is lost meanwhile (its database connection ended) starts no further step.

Time comes from the clock port, so tests drive rounds with a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from bot.core.clock import iso, parse_iso
from bot.core.features._questions import (
    ANSWER_GRACE,
    chat_track_terms,
    fresh_question,
    one_line,
    path_terms,
    question_blocks,
    question_reply,
    quiz_poll,
    resolve_term,
    store_post,
)
from bot.core.i18n import t
from bot.core.ports.delivery import TargetGone
from bot.core.ports.storage import BoardRow, Held, QuizRound
from bot.core.router import Context
from bot.core.types import ChatKind, ChatRef, Lang, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

log = logging.getLogger(__name__)

ROUND_MIN, ROUND_MAX, ROUND_DEFAULT = 3, 10, 5
ROUND_SECONDS = 20  # each question's time
# A round whose step is this overdue when the runner first sees it (the bot was down) is closed
# with its scoreboard rather than resumed: its players have long gone.
STALE = timedelta(minutes=10)
MAX_SLEEP = 300.0  # re-read the rounds at least this often
# An adapter still connecting (just after a restart) or reconnecting cannot post: the step is
# tried again this much later, until the round is stale.
RETRY_S = 5.0
# Another process is stepping the rounds: look again this much later (a round's step is
# late by at most this when the lock passes between processes).
HELD_ELSEWHERE_S = 1.0


class RoundRunner:
    """The one background service that moves every running round along (see the module)."""

    name = "quiz-rounds"

    def __init__(self, core: Core) -> None:
        self.core = core
        self._wake = asyncio.Event()
        self._resumed: set[int] = set()  # rounds this process has already seen
        self._retry_at: dict[int, datetime] = {}  # rounds whose platform could not post yet

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        clock = self.core.services.clock
        while True:
            self._wake.clear()
            try:
                wait = await self.one_pass()
            except Exception:
                log.exception("rounds: a pass over the running rounds failed; retrying later")
                wait = 5.0
            if wait > 0:
                await clock.wait(self._wake, wait)

    async def one_pass(self) -> float:
        """A tick, if no other process is stepping the rounds right now."""
        async with self.core.services.platform.hold(self.name) as mine:
            return await self.tick(mine) if mine else HELD_ELSEWHERE_S

    async def tick(self, lock: Held | None = None) -> float:
        """Do every due step; the seconds until the next one. With `lock` (the pass's lock over
        every process), no step starts once it is lost: another process may be stepping."""
        store = self.core.services.quiz
        clock = self.core.services.clock
        for rnd in await store.rounds_running():
            if lock is not None and not lock:
                log.warning("rounds: the lock over the bot's processes was lost (%s); this pass"
                            " stops", lock.why)
                return HELD_ELSEWHERE_S
            now = clock.now()
            fresh = rnd.id not in self._resumed  # first seen by this process: maybe stale
            self._resumed.add(rnd.id)
            if rnd.due is not None and parse_iso(rnd.due) > now:
                continue
            if self._retry_at.get(rnd.id, now) > now:
                continue
            overdue = rnd.due is not None and now - parse_iso(rnd.due) > STALE
            try:
                await self.step(rnd, now, stale=overdue and (fresh or rnd.id in self._retry_at))
                self._retry_at.pop(rnd.id, None)
            except (ConnectionError, RuntimeError) as exc:  # the adapter is not connected yet
                log.info("rounds: round %s in %s waits for its platform: %s", rnd.id,
                         rnd.chat_key, exc)
                self._retry_at[rnd.id] = now + timedelta(seconds=RETRY_S)
            except Exception:
                log.exception("rounds: round %s in %s failed; closing it", rnd.id, rnd.chat_key)
                self._retry_at.pop(rnd.id, None)
                await self.finish(rnd, "closed")
        running = await store.rounds_running()
        dues = [max(parse_iso(r.due), self._retry_at.get(r.id, parse_iso(r.due)))
                for r in running if r.due]
        if not dues:
            return MAX_SLEEP
        return min(MAX_SLEEP, max(0.0, (min(dues) - clock.now()).total_seconds()))

    async def step(self, rnd: QuizRound, now: datetime, *, stale: bool = False) -> None:
        store = self.core.services.quiz
        posts = await store.round_posts(rnd.id)
        current = posts[-1] if posts else None
        if current is not None and not current.revealed:
            await self.reveal(rnd, current.position, current.post_id, current.message_id)
            await store.round_revealed(rnd.id, current.position, iso(now))
        if stale:
            await self.finish(rnd, "closed")
        elif rnd.asked < rnd.size:
            await self.ask(rnd, rnd.asked + 1, avoid={p.post_id for p in posts})
        else:
            await self.finish(rnd, "done")

    async def ask(self, rnd: QuizRound, position: int, avoid: set[int]) -> None:
        core, store = self.core, self.core.services.quiz
        bank = core.services.quiz_bank
        asked = set()
        for post_id in avoid:
            post = await store.quiz_post(post_id)
            if post is not None:
                asked.add(post.question_id)
        entry = fresh_question(bank, rnd.term_id, await store.question_use(rnd.started_by), asked,
                               terms=None if rnd.term_id else await round_terms(
                                   core, rnd.chat_kind, rnd.chat_key, rnd.started_by))
        if entry is None:
            await self.finish(rnd, "closed")
            return
        now = core.services.clock.now()
        closes = now + timedelta(seconds=rnd.seconds)
        post = await store_post(core, rnd.chat_key, entry, "quiz", asked_by=rnd.started_by,
                                closes_at=closes)
        lang = _lang(rnd)
        card = core.library.by_id.get(entry.term)
        title = t(lang, "round_question_title", n=position, size=rnd.size,
                  term=card.title(lang) if card else entry.term)
        timer = Paragraph((Span(t(lang, "round_timer", seconds=rnd.seconds), Style.ITALIC),))
        reply = question_reply(core, entry, lang, post.id, order=post.choice_order, title=title,
                               extra=(timer,))
        reply = replace(reply, poll=quiz_poll(entry, lang, post.id, order=post.choice_order,
                                              open_period=rnd.seconds), deadline=iso(closes))
        # Linked to the round once it is out: a post that could not be sent is asked anew
        # (one sent just before a crash still counts its answers in stats, not on the board).
        message_id = await core.services.deliver.deliver(_chat(rnd), reply)
        await store.round_add_post(rnd.id, position, post.id, iso(closes + ANSWER_GRACE),
                                   message_id)

    async def reveal(self, rnd: QuizRound, position: int, post_id: int,
                     message_id: str | None) -> None:
        """Replace the question's message with its answer, where the platform can edit it
        (a quiz poll shows its answer by itself when it closes)."""
        if message_id is None:
            return
        store = self.core.services.quiz
        post = await store.quiz_post(post_id)
        entry = self.core.services.quiz_bank.by_id.get(post.question_id) if post else None
        if post is None or entry is None:
            return
        lang = _lang(rnd)
        q = entry.question
        shown = post.shown(q.answer, len(q.choices))
        blocks = question_blocks(entry, lang, post.id, post.choice_order)[:-1]  # no "how to"
        blocks.append(Paragraph((Span(t(lang, "round_answer_was", n=shown) + " ", Style.BOLD),
                                 Span(one_line(q.choice_text(q.answer, lang))))))
        blocks.append(Paragraph.plain(q.explain.get(lang)))
        answers, right = await store.post_tally(post.id)
        blocks.append(Paragraph((Span(t(lang, "quiz_tally", n=answers, ok=right), Style.BOLD),)))
        reply = Reply(blocks=tuple(blocks), title=t(lang, "round_question_title", n=position,
                                                    size=rnd.size, term=entry.term))
        try:
            if not await self.core.services.deliver.edit(_chat(rnd), message_id, reply):
                log.info("rounds: could not edit question %s of round %s", position, rnd.id)
        except Exception:
            log.warning("rounds: revealing question %s of round %s failed", position, rnd.id,
                        exc_info=True)

    async def finish(self, rnd: QuizRound, status: str) -> None:
        """Post the scoreboard and end the round (only a running round ends, so once). A
        platform not connected yet raises before the round ends: it is tried again."""
        store = self.core.services.quiz
        reply = await scoreboard(self.core, rnd, status)
        try:
            await self.core.services.deliver.deliver(_chat(rnd), reply)
        except (TargetGone, LookupError) as exc:
            log.info("rounds: the scoreboard of round %s was not posted: %s", rnd.id, exc)
        await store.round_end(rnd.id, status, iso(self.core.services.clock.now()))


async def round_terms(core: Core, chat_kind: str, chat_key: str, starter: str) -> frozenset[str]:
    """Where a round with no term draws from. In a group it is the chat's track (as for its
    daily posts: the sheet unless an admin chose all): a group's players are at different
    places on the path, and whoever typed the command should not decide for all. Alone, it is
    the starter's own path, as for /quiz."""
    if chat_kind == ChatKind.GROUP.value:
        return await chat_track_terms(core, chat_key)
    return await path_terms(core, starter)


async def scoreboard(core: Core, rnd: QuizRound, status: str) -> Reply:
    lang = _lang(rnd)
    rows: list[BoardRow] = await core.services.quiz.round_board(rnd.id)
    blocks: list = []
    if status == "closed":
        blocks.append(Paragraph.plain(t(lang, "round_closed_note")))
    if not rows:
        blocks.append(Paragraph.plain(t(lang, "round_board_empty")))
    medals = ("🥇", "🥈", "🥉")
    for i, row in enumerate(rows):
        mark = medals[i] if i < len(medals) else f"{i + 1}."
        name = row.user_name or row.user_key
        blocks.append(Paragraph((Span(f"{mark} "), Span(name, Style.BOLD),
                                 Span(" — " + t(lang, "round_board_line", ok=row.correct,
                                                n=row.answered)))))
    blocks.append(Paragraph((Span(t(lang, "round_again") + " "),
                             Span("/quiz round", Style.CODE))))
    title = t(lang, "round_stopped_title" if status == "stopped" else "round_over_title")
    return Reply(blocks=tuple(blocks), title=title)


def _lang(rnd: QuizRound) -> Lang:
    return cast(Lang, rnd.lang if rnd.lang in ("hi", "en") else "hi")


def _chat(rnd: QuizRound) -> ChatRef:
    return ChatRef(rnd.platform, rnd.chat_id, ChatKind(rnd.chat_kind))


# -- the commands -------------------------------------------------------------------------------

def parse_round(words: str, options: dict[str, str]) -> tuple[int | None, str]:
    """(n, term query) from `[n] [term]` typed or given as options; n None when not a number
    in range (the caller says so)."""
    n_text = options.get("n", "").strip()
    term = options.get("term", "").strip()
    if not n_text and not term:
        head, _, rest = words.strip().partition(" ")
        if head.isdigit():
            n_text, term = head, rest.strip()
        else:
            term = words.strip()
    if not n_text:
        return ROUND_DEFAULT, term
    if not n_text.isdigit() or not ROUND_MIN <= int(n_text) <= ROUND_MAX:
        return None, term
    return int(n_text), term


async def start_round(ctx: Context, runner: RoundRunner, words: str) -> Reply:
    cmd = ctx.command
    services = ctx.services
    if not services.quiz_bank.entries:
        return Reply.text(ctx.t("quiz_no_bank"), private=True)
    if cmd.chat.platform not in services.deliver.delivers_to():
        return Reply.text(ctx.t("round_unavailable"), private=True)
    n, query = parse_round(words, dict(cmd.options))
    if n is None:
        return Reply.text(ctx.t("round_size", lo=ROUND_MIN, hi=ROUND_MAX), private=True)
    term_id, refusal = resolve_term(ctx, query)
    if refusal is not None:
        return refusal
    round_id = await services.quiz.round_start(
        chat_key=cmd.chat.key, platform=cmd.chat.platform, chat_id=cmd.chat.id,
        chat_kind=cmd.chat.kind.value, started_by=cmd.user.key, lang=ctx.lang, term_id=term_id,
        size=n, seconds=ROUND_SECONDS, now=iso(services.clock.now()))
    if round_id is None:
        return Reply.text(ctx.t("round_already"), private=True)
    runner.wake()
    card = ctx.core.library.by_id.get(term_id) if term_id else None
    if card is not None:
        scope = card.title(ctx.lang)
    else:  # say which terms: the sheet's alone, or level 2 as well
        terms = await round_terms(ctx.core, cmd.chat.kind.value, cmd.chat.key, cmd.user.key)
        beyond = any(c.id in terms for c in ctx.core.library.beyond)
        scope = ctx.t("round_all_terms" if beyond else "round_sheet_terms", n=len(terms))
    return Reply.text(ctx.t("round_started", n=n, seconds=ROUND_SECONDS, term=scope),
                      title=ctx.t("round_title"))


async def stop_round(ctx: Context, runner: RoundRunner) -> Reply:
    cmd = ctx.command
    store = ctx.services.quiz
    rnd = await store.round_running(cmd.chat.key)
    if rnd is None:
        return Reply.text(ctx.t("round_none"), private=True)
    if not (cmd.is_admin or rnd.started_by == cmd.user.key):
        return Reply.text(ctx.t("round_stop_refused"), private=True)
    now = ctx.services.clock.now()
    if not await store.round_end(rnd.id, "stopped", iso(now)):
        return Reply.text(ctx.t("round_none"), private=True)  # it ended just now
    runner.wake()
    posts = await store.round_posts(rnd.id)
    if posts and not posts[-1].revealed:  # the open question shows its answer now
        last = posts[-1]
        await runner.reveal(rnd, last.position, last.post_id, last.message_id)
        await store.round_revealed(rnd.id, last.position, None)
    return await scoreboard(ctx.core, rnd, "stopped")
