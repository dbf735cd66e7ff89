"""`/daily set HH:MM Zone`, `/daily off`, `/daily status`, `/daily now`, `/daily track`.

In groups only chat admins may change the schedule, the track or post (set, off, now, track
all|curriculum); anyone may read `/daily status` and `/daily track`. In a private chat the user
is the admin. The rights are checked here, per subcommand, not by the platform: a platform's
command permission would hide `/daily status` from members too.

A platform with native subcommands (Discord) passes the values it parsed in `options`; there
`/daily set` may also name another channel of the server (a thread too) to post in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.clock import (
    complete_zones,
    iso,
    local_day,
    local_instant,
    local_text,
    parse_hhmm,
    parse_iso,
    zone,
)
from bot.core.features._questions import post_question
from bot.core.features._shared import echo
from bot.core.features.daily._post import daily_reply, next_term, pick_question, track_terms
from bot.core.router import Choice, CommandSpec, Context, OptionSpec, OptionType, SubcommandSpec, Text
from bot.core.types import (
    BUTTON_PAYLOAD_MAX_BYTES,
    Button,
    ChatKind,
    ChatRef,
    Heading,
    Paragraph,
    Reply,
    Span,
    Style,
)

if TYPE_CHECKING:
    from bot.core.app import Core

STATUS_DAYS = 7
# Marks a channel id in a button's `/daily set` line (the zone-guess button keeps the channel).
CHANNEL_MARK = "#"
# What an admin may type after /daily track, for each stored track (ports.storage.DAILY_TRACKS).
TRACK_WORDS: dict[str, str] = {
    "curriculum": "curriculum", "sheet": "curriculum", "default": "curriculum", "1": "curriculum",
    "all": "all", "level2": "all", "2": "all", "both": "all", "sab": "all",
}


def _next_line(ctx: Context, due: datetime, tz: ZoneInfo) -> Paragraph:
    """"Next post: <when>", the instant as a time span: read in the chat's zone as text, and in
    each viewer's own zone where the platform can show that."""
    head, _, tail = ctx.t("daily_next", when="\0").partition("\0")
    return Paragraph(tuple(s for s in (Span(head), Span.time(local_text(due, tz), iso(due)), Span(tail))
                           if s.text))


def _zone_guess(ctx: Context, time_text: str, typed: str, guess: str, channel: str | None) -> Reply:
    """"Perhaps Asia/Kolkata?" with a button that sets the same request with that zone: the
    channel chosen goes in the button as `#<id>`, which the click hands back vouched for."""
    args = f"set {time_text} {guess}" + (f" {CHANNEL_MARK}{channel}" if channel else "")
    text = Paragraph.plain(ctx.t("daily_zone_guess", got=echo(typed), guess=guess))
    if len(f"daily {args}".encode()) > BUTTON_PAYLOAD_MAX_BYTES:  # a very long zone and a channel
        return Reply(blocks=(text,), private=True)
    return Reply(blocks=(text,), buttons=((Button(f"{time_text} {guess}"[:40], "daily", args),),),
                 private=True)


async def _set(ctx: Context, time_text: str, zone_text: str, wake: Callable[[], None],
               channel: str | None = None) -> Reply:
    """`channel`: the id of another chat of the same platform to post in (Discord's channel
    option), else this chat."""
    cmd = ctx.command
    if channel and channel != cmd.chat.id and cmd.chat.kind is ChatKind.PRIVATE:
        # Admin of a private chat is no right over another chat.
        return Reply.text(ctx.t("daily_channel_private"), private=True)
    target = ChatRef(cmd.chat.platform, channel, ChatKind.GROUP) if channel else cmd.chat
    storage = ctx.services.daily
    existing = await storage.daily_target(target.key)
    if not time_text:
        return Reply.text(ctx.t("daily_set_usage"), private=True)
    at = parse_hhmm(time_text)
    if at is None:
        return Reply.text(ctx.t("daily_bad_time", got=echo(time_text)), private=True)
    tz_name = zone_text.strip() or (existing.tz if existing else "")
    if not tz_name:
        return Reply.text(ctx.t("daily_need_zone", time=f"{at:%H:%M}"), private=True)
    tz = zone(tz_name)
    if tz is None:
        guess = complete_zones(tz_name, 1)
        if guess:
            return _zone_guess(ctx, f"{at:%H:%M}", tz_name, guess[0], channel)
        return Reply.text(ctx.t("daily_bad_zone", got=echo(tz_name)), private=True)
    now = ctx.services.clock.now()
    day = local_day(now, tz)
    # Today still, unless today's time has passed or today was already posted.
    if local_instant(day, at, tz) <= now or await storage.daily_ledger_day(target.key, day.isoformat()):
        day += timedelta(days=1)
    due = local_instant(day, at, tz)
    await storage.daily_set(chat_key=target.key, platform=target.platform, chat_id=target.id,
                            chat_kind=target.kind.value, at_time=f"{at:%H:%M}", tz=tz.key,
                            next_day=day.isoformat(), next_due=iso(due), now=iso(now))
    wake()
    if target != cmd.chat:  # posted elsewhere: its /daily status is read there
        return Reply(blocks=(Paragraph.plain(ctx.t("daily_set_elsewhere", time=f"{at:%H:%M}", tz=tz.key)),
                             _next_line(ctx, due, tz)))
    return Reply(blocks=(Paragraph.plain(ctx.t("daily_set_ok", time=f"{at:%H:%M}", tz=tz.key)),
                         _next_line(ctx, due, tz)),
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
        blocks.append(_next_line(ctx, parse_iso(target.next_due), tz))
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
    options = ctx.command.options
    words = ctx.command.args.split()
    sub = words[0].casefold() if words else "status"
    reads = sub == "status" or (sub == "track" and len(words) == 1)
    if not reads and ctx.command.chat.kind is ChatKind.GROUP and not ctx.command.is_admin:
        return Reply.text(ctx.t("admin_only"), private=True)
    if sub == "set" and "time" in options:  # parsed by the platform: a zone may hold spaces
        return await _set(ctx, options["time"], options.get("zone", ""), wake,
                          options.get("channel") or None)
    if sub == "set":
        channel = None
        if len(words) >= 4 and words[-1].startswith(CHANNEL_MARK):
            if not ctx.command.vouched:  # typed: nothing has checked that this chat may post there
                return Reply.text(ctx.t("daily_channel_typed"), private=True)
            channel, words = words[-1][len(CHANNEL_MARK):], words[:-1]
        # The rest is the zone, spaces and all: "new delhi", "sri lanka", "New York".
        return await _set(ctx, words[1] if len(words) > 1 else "", " ".join(words[2:]), wake, channel)
    if sub in ("off", "stop"):
        return await _off(ctx, wake)
    if sub == "status":
        return await _status(ctx)
    if sub == "now":
        return await _now(ctx)
    if sub == "track":
        return await _track(ctx, words[1:])
    if parse_hhmm(sub):  # "/daily 09:00 Asia/Kolkata" means set
        return await _set(ctx, sub, " ".join(words[1:]), wake)
    return Reply.text(ctx.t("daily_usage"), private=True)


_SET = SubcommandSpec(
    "set", Text(hi="Roz ka post chalu karo: time, zone, aur chaho to channel (admins)",
                en="Start the daily post: time, zone, and a channel if you like (admins)"),
    options=(
        OptionSpec("time", Text(hi="kab, HH:MM, jaise 09:00", en="when, HH:MM, e.g. 09:00"), required=True),
        OptionSpec("zone", Text(hi="time zone, jaise Asia/Kolkata (pehli baar zaroori)",
                                en="time zone, e.g. Asia/Kolkata (needed the first time)"),
                   autocomplete="zones"),
        OptionSpec("channel", Text(hi="kis channel ya thread mein (khaali = yahin)",
                                   en="which channel or thread (empty = here)"),
                   type=OptionType.CHANNEL),
    ))
_TRACK = SubcommandSpec(
    "track", Text(hi="Kaunse terms: revision sheet ya sab (admins badalte hain)",
                  en="Which terms: the revision sheet or all (admins change it)"),
    options=(OptionSpec("track", Text(hi="khaali = abhi wala dikhao", en="empty = show the current one"),
                        choices=(Choice("curriculum", Text(hi="Sirf revision sheet",
                                                           en="The revision sheet only")),
                                 Choice("all", Text(hi="Sab (level 2 bhi)", en="All (level 2 too)")))),))


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
        subcommands=(
            _SET,
            SubcommandSpec("off", Text(hi="Roz ka post band karo (admins)",
                                       en="Stop the daily post (admins)")),
            SubcommandSpec("status", Text(hi="Schedule aur pichhle 7 din ke posts dekho",
                                          en="The schedule and the last 7 days of posts")),
            SubcommandSpec("now", Text(hi="Abhi ek extra post (admins)", en="One extra post, now (admins)")),
            _TRACK,
        ),
        posts_later=True,
    ))
