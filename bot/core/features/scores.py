"""/stats, /leaderboard and /forget: scores and streaks per user per chat.

Display names are user text: they go out only as `Span` text, which every adapter escapes for
its own markup, and never into a format string that is parsed again.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.clock import iso, local_day, parse_iso, week_start
from bot.core.features._shared import chat_zone, echo
from bot.core.ports.pictures import NoPicture, StatsSheet, TermMastery
from bot.core.ports.storage import BoardRow
from bot.core.router import CommandSpec, Context, Text
from bot.core.text import cut_line
from bot.core.types import Button, Heading, Image, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

log = logging.getLogger(__name__)

NAME_MAX = 32
TOP = 10


def display_name(name: str, user_key: str) -> str:
    cleaned = "".join(ch for ch in " ".join(name.split()) if ch.isprintable())
    if not cleaned:
        return user_key.split(":", 1)[-1][:NAME_MAX]
    return cut_line(cleaned, NAME_MAX)


async def _cards_seen(ctx: Context) -> str:
    """The user's cards seen on each track of the path: the sheet's and level 2's."""
    lib = ctx.core.library
    seen = await ctx.services.prefs.seen_terms(ctx.command.user.key)
    return ctx.t("stats_terms", a=sum(c.id in seen for c in lib.curriculum), n=len(lib.curriculum),
                 b=sum(c.id in seen for c in lib.beyond), m=len(lib.beyond))


async def stats(ctx: Context) -> Reply:
    cmd = ctx.command
    row = await ctx.services.quiz.score(cmd.chat.key, cmd.user.key)
    now = ctx.services.clock.now()
    due = len(await ctx.services.practice.srs_due(cmd.user.key, iso(now), limit=1000))
    attempts = (await ctx.services.attempts.challenge_attempts(cmd.user.key)).values()
    solved = {a.challenge_id for a in attempts if a.status == "solved"}
    tried = sum(1 for a in attempts if a.status != "new")
    # Per track, as /challenge lists them: a challenge of a level-2 card is level 2.
    beyond = {c.id for c in ctx.core.library.beyond}
    sheet = [c.id for c in ctx.services.challenges if c.term not in beyond]
    level2 = [c.id for c in ctx.services.challenges if c.term in beyond]
    challenges = ctx.t("stats_challenges", solved=len(solved), tried=tried,
                       a=len(solved.intersection(sheet)), n=len(sheet),
                       b=len(solved.intersection(level2)), m=len(level2))
    if row is None and not tried:
        return Reply(blocks=(Paragraph.plain(ctx.t("stats_none")),
                             Paragraph.plain(await _cards_seen(ctx), bullet=True)),
                     buttons=((Button(ctx.t("btn_quiz"), "quiz"),),), private=True)
    tz = await chat_zone(ctx.services, cmd.chat.key)
    today = local_day(now, tz)
    lines = []
    streak = best = 0
    if row is not None:
        # A streak is alive while its last day is today or yesterday.
        alive = row.last_day in (today.isoformat(), (today - timedelta(days=1)).isoformat())
        streak = row.streak if alive else 0
        best = row.best_streak
        pct = round(100 * row.correct / row.answered) if row.answered else 0
        lines += [ctx.t("stats_answered", n=row.answered, ok=row.correct, pct=pct),
                  ctx.t("stats_streak", n=streak, best=row.best_streak)]
    lines += [challenges, ctx.t("stats_due", n=due), await _cards_seen(ctx)]
    blocks = (Paragraph((Span(display_name(cmd.user.name, cmd.user.key), Style.BOLD),)),
              *(Paragraph.plain(line, bullet=True) for line in lines))
    return Reply(blocks=blocks, title=ctx.t("stats_title"),
                 buttons=((Button(ctx.t("btn_quiz"), "quiz"), Button(ctx.t("btn_practice"), "practice")),),
                 private=True, image=await stats_image(ctx, today, tz, streak, best))


async def stats_sheet(ctx: Context, today: date, tz: ZoneInfo, streak: int, best: int) -> StatsSheet:
    """Every term in curriculum order (card seen, quiz answers given and right in this chat,
    a review due) and the local days of this chat with an answer."""
    cmd, services = ctx.command, ctx.services
    answers = await services.quiz.answers_in_chat(cmd.chat.key, cmd.user.key)
    seen = await services.prefs.seen_terms(cmd.user.key)
    due_items = await services.practice.srs_due(cmd.user.key, iso(services.clock.now()), limit=1000)
    bank = services.quiz_bank
    given: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for answer in answers:
        entry = bank.by_id.get(answer.question_id)
        if entry is not None:
            given[entry.term] += 1
            right[entry.term] += answer.correct
    due: set[str] = set()
    for item in due_items:
        kind, _, name = item.item.partition(":")
        entry = bank.by_id.get(name) if kind == "q" else None
        due.add(entry.term if entry is not None else name)
    terms = tuple(TermMastery(card.title(ctx.lang), seen=card.id in seen, quizzed=given[card.id],
                              right=right[card.id], due=card.id in due)
                  for card in ctx.core.library.terms)
    days = frozenset(local_day(parse_iso(a.answered_at), tz) for a in answers)
    return StatsSheet(terms, today, days, streak, best)


async def stats_image(ctx: Context, today: date, tz: ZoneInfo, streak: int, best: int
                      ) -> Image | None:
    """The mastery grid and the streak strip as a picture, beside the text (pictures on)."""
    pictures = ctx.services.pictures
    if pictures is None:
        return None
    try:
        png = await pictures.stats(await stats_sheet(ctx, today, tz, streak, best), ctx.lang)
    except NoPicture as exc:
        log.warning("stats: no picture (%s); the text stands", exc)
        return None
    return Image("stats.png", png, ctx.t("stats_alt"))


def _board(ctx: Context, rows: list[BoardRow]) -> list:
    if not rows:
        return [Paragraph.plain(ctx.t("board_empty"))]
    out = []
    for i, row in enumerate(rows, start=1):
        out.append(Paragraph((
            Span(f"{i}. "),
            Span(display_name(row.user_name, row.user_key), Style.BOLD),
            Span(" — " + ctx.t("board_line", ok=row.correct, n=row.answered)),
        )))
    return out


async def leaderboard(ctx: Context) -> Reply:
    chat = ctx.command.chat
    storage = ctx.services.quiz
    tz = await chat_zone(ctx.services, chat.key)
    monday = week_start(ctx.services.clock.now(), tz)
    week = await storage.leaderboard(chat.key, since=iso(monday), limit=TOP)
    ever = await storage.leaderboard(chat.key, limit=TOP)
    blocks = [Heading(ctx.t("board_week", day=monday.astimezone(tz).date().isoformat(), tz=tz.key)),
              *_board(ctx, week), Heading(ctx.t("board_all")), *_board(ctx, ever)]
    solvers = await ctx.services.attempts.solved_board(chat.key, limit=TOP)
    if solvers:  # challenges first solved here count here
        blocks.append(Heading(ctx.t("board_solved")))
        blocks += [Paragraph((Span(f"{i}. "), Span(display_name(r.user_name, r.user_key), Style.BOLD),
                              Span(" — " + ctx.t("board_solved_line", n=r.solved))))
                   for i, r in enumerate(solvers, start=1)]
    return Reply(blocks=tuple(blocks), title=ctx.t("board_title"),
                 buttons=((Button(ctx.t("btn_quiz"), "quiz"),),))


async def forget(ctx: Context) -> Reply:
    """`/forget` asks; `/forget confirm` deletes the user's answers, scores and reviews, and
    the code kept from their runs."""
    user = ctx.command.user
    word = ctx.command.args.strip().casefold()
    storage = ctx.services.quiz
    snippets = ctx.services.snippets
    if word in ("confirm", "yes", "haan"):
        removed = await storage.forget_user(user.key) + await snippets.snippets_forget(user.key)
        return Reply.text(ctx.t("forget_done" if removed else "forget_nothing"), private=True)
    if word:
        return Reply.text(ctx.t("forget_usage", got=echo(word)), private=True)
    if not (await storage.user_has_practice_data(user.key)
            or await snippets.user_has_snippets(user.key)):
        return Reply.text(ctx.t("forget_nothing"), private=True)
    return Reply(blocks=(Paragraph.plain(ctx.t("forget_ask")),),
                 buttons=((Button(ctx.t("btn_forget_confirm"), "forget", "confirm"),),),
                 private=True)


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="stats",
        help=Text(hi="Aapka score aur streak (is chat mein)", en="Your score and streak (in this chat)"),
        handler=stats,
        private=True,
    ), "score")
    core.router.add(CommandSpec(
        name="leaderboard",
        help=Text(hi="Is chat ke top 10: is hafte aur ab tak",
                  en="This chat's top 10: this week and all time"),
        handler=leaderboard,
    ), "top")
    core.router.add(CommandSpec(
        name="forget",
        help=Text(hi="Apne scores, reviews aur rakha hua code mita do (pehle poochhega)",
                  en="Delete your scores, reviews and kept code (asks first)"),
        handler=forget,
        private=True,
    ))
