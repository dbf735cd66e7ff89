"""`/daily set HH:MM Zone`, `/daily off`, `/daily status`, `/daily now`, `/daily track`.

In groups only chat admins may change the schedule, the track or post (set, off, now, track
all|curriculum); anyone may read `/daily status` and `/daily track`. In a private chat the user
is the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.clock import (
    iso,
    local_day,
    local_instant,
    parse_hhmm,
    parse_iso,
    zone,
)
from bot.core.features._questions import post_question
from bot.core.features._shared import echo
from bot.core.features.daily._post import daily_reply, next_term, pick_question, track_terms
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import Button, ChatKind, Heading, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

STATUS_DAYS = 7
# What an admin may type after /daily track, for each stored track (ports.storage.DAILY_TRACKS).
TRACK_WORDS: dict[str, str] = {
    "curriculum": "curriculum", "sheet": "curriculum", "default": "curriculum", "1": "curriculum",
    "all": "all", "level2": "all", "2": "all", "both": "all", "sab": "all",
}


def _fmt(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    text = f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    return text if local.utcoffset() == timedelta(0) else f"{text} ({instant:%H:%M} UTC)"


async def _set(ctx: Context, words: list[str], wake: Callable[[], None]) -> Reply:
    cmd = ctx.command
    storage = ctx.services.daily
    existing = await storage.daily_target(cmd.chat.key)
    if not words:
        return Reply.text(ctx.t("daily_set_usage"), private=True)
    at = parse_hhmm(words[0])
    if at is None:
        return Reply.text(ctx.t("daily_bad_time", got=echo(words[0])), private=True)
    tz_name = words[1] if len(words) > 1 else (existing.tz if existing else "")
    if not tz_name:
        return Reply.text(ctx.t("daily_need_zone", time=f"{at:%H:%M}"), private=True)
    tz = zone(tz_name)
    if tz is None:
        return Reply.text(ctx.t("daily_bad_zone", got=echo(tz_name)), private=True)
    if len(words) > 2:
        return Reply.text(ctx.t("daily_set_usage"), private=True)
    now = ctx.services.clock.now()
    day = local_day(now, tz)
    # Today still, unless today's time has passed or today was already posted.
    if local_instant(day, at, tz) <= now or await storage.daily_ledger_day(cmd.chat.key, day.isoformat()):
        day += timedelta(days=1)
    due = local_instant(day, at, tz)
    await storage.daily_set(chat_key=cmd.chat.key, platform=cmd.chat.platform, chat_id=cmd.chat.id,
                            chat_kind=cmd.chat.kind.value, at_time=f"{at:%H:%M}", tz=tz.key,
                            next_day=day.isoformat(), next_due=iso(due), now=iso(now))
    wake()
    return Reply(blocks=(Paragraph.plain(ctx.t("daily_set_ok", time=f"{at:%H:%M}", tz=tz.key)),
                         Paragraph.plain(ctx.t("daily_next", when=_fmt(due, tz)))),
                 buttons=((Button(ctx.t("btn_daily_status"), "daily", "status"),),))


async def _off(ctx: Context, wake: Callable[[], None]) -> Reply:
    now = ctx.services.clock.now()
    if await ctx.services.daily.daily_disable(ctx.command.chat.key, "off", iso(now)):
        wake()
        return Reply.text(ctx.t("daily_off_ok"))
    return Reply.text(ctx.t("daily_off_already"), private=True)


async def _status(ctx: Context) -> Reply:
    storage = ctx.services.daily
    key = ctx.command.chat.key
    target = await storage.daily_target(key)
    if target is None:
        return Reply.text(ctx.t("daily_none"), private=True)
    tz = zone(target.tz) or ZoneInfo("UTC")
    blocks: list = []
    if target.enabled:
        blocks.append(Paragraph.plain(ctx.t("daily_on", time=target.at_time, tz=target.tz)))
        blocks.append(Paragraph.plain(ctx.t("daily_next", when=_fmt(parse_iso(target.next_due), tz))))
    else:
        reason = target.disabled_reason or "off"
        key_ = "daily_is_off" if reason == "off" else "daily_is_gone"
        blocks.append(Paragraph.plain(ctx.t(key_, time=target.at_time, tz=target.tz,
                                            reason=reason)))
    blocks.append(Paragraph.plain(await _track_line(ctx)))
    terms = await track_terms(ctx.core, key)
    _cycle, seen = await storage.daily_rotation(key)
    shown = len(seen & set(terms))  # a track changed mid-round counts only what is on it
    blocks.append(Paragraph.plain(ctx.t("daily_rotation", n=shown, total=len(terms))))
    rows = await storage.daily_ledger(key, STATUS_DAYS)
    if rows:
        blocks.append(Heading(ctx.t("daily_log")))
        for row in rows:
            status = ctx.t(f"daily_status_{row.status}")
            spans = [Span(row.local_day, Style.CODE), Span(": "), Span(status, Style.BOLD)]
            if row.term_id:
                spans.append(Span(f" · {row.term_id}"))
            if row.detail and row.status in ("failed", "gone", "unknown"):
                spans.append(Span(f" ({row.detail})"))
            blocks.append(Paragraph(tuple(spans), bullet=True))
    return Reply(blocks=tuple(blocks), title=ctx.t("daily_status_title"), private=True)


async def _now(ctx: Context) -> Reply:
    """An extra post, here and now: it does not replace (or use up) the scheduled one."""
    core = ctx.core
    key = ctx.command.chat.key
    term, cycle = await next_term(core, key)
    entry = pick_question(core, term)
    now = iso(ctx.services.clock.now())
    post = await post_question(ctx, entry, "daily")
    await ctx.services.daily.daily_mark_shown(key, cycle, term, now)
    return daily_reply(core, entry, ctx.lang, post.id, post.choice_order)


async def _track_line(ctx: Context) -> str:
    lib = ctx.core.library
    track = await ctx.services.daily.daily_track(ctx.command.chat.key)
    return ctx.t(f"daily_track_{track}", n=len(lib.track(track)), sheet=len(lib.curriculum),
                 beyond=len(lib.beyond))


async def _track(ctx: Context, words: list[str]) -> Reply:
    """`/daily track` shows the chat's track; `/daily track all|curriculum` (an admin) sets it.
    Applies from the next post on; the schedule itself is untouched."""
    if not words:
        return Reply.text(await _track_line(ctx) + "\n" + ctx.t("daily_track_usage"), private=True)
    track = TRACK_WORDS.get(words[0].casefold().replace("-", "").replace(" ", ""))
    if track is None or len(words) > 1:
        return Reply.text(ctx.t("daily_track_bad", got=echo(" ".join(words))), private=True)
    await ctx.services.daily.daily_set_track(ctx.command.chat.key, track, iso(ctx.services.clock.now()))
    return Reply(blocks=(Paragraph.plain(await _track_line(ctx)),),
                 buttons=((Button(ctx.t("btn_daily_status"), "daily", "status"),),))


async def daily(ctx: Context, wake: Callable[[], None]) -> Reply:
    words = (ctx.command.options.get("action") or ctx.command.args).split()
    if ctx.command.options.get("time"):
        words = ["set", ctx.command.options["time"], *ctx.command.options.get("zone", "").split()]
    sub = words[0].casefold() if words else "status"
    reads = sub == "status" or (sub == "track" and len(words) == 1)
    if not reads and ctx.command.chat.kind is ChatKind.GROUP and not ctx.command.is_admin:
        return Reply.text(ctx.t("admin_only"), private=True)
    if sub == "set":
        return await _set(ctx, words[1:], wake)
    if sub in ("off", "stop"):
        return await _off(ctx, wake)
    if sub == "status":
        return await _status(ctx)
    if sub == "now":
        return await _now(ctx)
    if sub == "track":
        return await _track(ctx, words[1:])
    if parse_hhmm(sub):  # "/daily 09:00 Asia/Kolkata" means set
        return await _set(ctx, words, wake)
    return Reply.text(ctx.t("daily_usage"), private=True)


def register_commands(core: Core, wake: Callable[[], None]) -> None:
    """The /daily command; `wake` tells the scheduler that a schedule changed."""

    async def handler(ctx: Context) -> Reply:
        return await daily(ctx, wake)

    core.router.add(CommandSpec(
        name="daily",
        help=Text(hi="Roz ek term + quiz: /daily set 09:00 Asia/Kolkata, off, status, now, track all",
                  en="A term + quiz every day: /daily set 09:00 Asia/Kolkata, off, status, now, track all"),
        # In a group only admins change the schedule (see `daily`); members can read it.
        member_help=Text(hi="Is chat ka roz ka term + quiz: kab aur kaunsa (/daily status)",
                         en="This chat's daily term + quiz: when and which (/daily status)"),
        handler=handler,
        options=(OptionSpec("action", Text(
            hi="set HH:MM Zone | off | status | now | track all|curriculum",
            en="set HH:MM Zone | off | status | now | track all|curriculum")),),
    ))
