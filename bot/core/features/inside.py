"""/inside: the bot explains itself with live figures of this very process.

Everything shown is measured at the moment of asking: event-loop lag from the monitor task, the
tasks alive right now, each adapter's state from the supervisor, the sandbox's and scheduler's
own figures when they run in this process, uptime and memory from /proc.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.clock import DEFAULT_TZ, iso, local_text, parse_iso, zone
from bot.core.monitor import AdapterState, LagStats, measure_lag, read_memory, tasks_by_kind
from bot.core.router import CommandSpec, Context, Text
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, Heading, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core

LESSON_CARDS = ("event-loop", "non-blocking")


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def duration(seconds: float) -> str:
    """Two units at most: "3 d 4 h", "2 h 5 min", "4 min 10 s", "12 s"."""
    s = max(0, int(seconds))
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    if d:
        return f"{d} d {h} h"
    if h:
        return f"{h} h {m} min"
    if m:
        return f"{m} min {s} s"
    return f"{s} s"


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _line(label: str, text: str, *, bullet: bool = False) -> Paragraph:
    return Paragraph((Span(label + ": ", Style.BOLD), Span(text)), bullet=bullet)


# Fewer samples than this (the monitor started a moment ago) make a poor p99: measure now.
MIN_SAMPLES = 10


def _lag_text(ctx: Context, stats: LagStats | None, key: str) -> str:
    if stats is None:
        return ctx.t("inside_lag_none")
    figures = f"p50 {ms(stats.p50)} · p99 {ms(stats.p99)} · max {ms(stats.max)}"
    return f"{figures} ({ctx.t(key, samples=stats.samples, seconds=int(stats.window))})"


def _adapter_lines(ctx: Context) -> list[Paragraph]:
    now = time.monotonic()
    lines = []
    for status in ctx.core.runtime.adapters.all():
        state = status.effective
        if state is AdapterState.RECONNECTING:
            wait = max(0.0, (status.retry_at or now) - now)
            detail = ctx.t("inside_adapter_retry", failures=status.failures,
                           wait=duration(wait) if wait >= 1 else f"{wait:.1f} s",
                           reason=status.reason)
        elif state is AdapterState.DISABLED:
            detail = ctx.t("inside_adapter_disabled", reason=status.reason)
        else:
            detail = ctx.t("inside_adapter_since", since=duration(now - status.since))
        lines.append(_line(status.name, f"{state.value} ({detail})", bullet=True))
    if not lines:
        lines.append(Paragraph.plain(ctx.t("inside_adapters_none"), bullet=True))
    return lines


def _tasks_text(ctx: Context) -> str:
    kinds = tasks_by_kind()
    total = sum(kinds.values())
    # Ours first ("adapter", "service", ...), then what libraries and asyncio started.
    parts = [f"{kind} {n}" for kind, n in sorted(kinds.items(), key=lambda kv: (kv[0] == "other",
                                                                             kv[0]))]
    return f"{total} — " + " · ".join(parts) + " · " + ctx.t("inside_threads",
                                                             n=threading.active_count())


def _sandbox_text(ctx: Context) -> str:
    provider = ctx.core.runtime.sandbox
    if provider is None:
        return ctx.t("inside_sandbox_none")
    load = provider.load()
    return ctx.t("inside_sandbox", queued=load.queued, running=load.running,
                 capacity=load.capacity)


def _when(ctx: Context, due: datetime, tz: ZoneInfo) -> Span:
    """An instant as a time value: read in the chat's zone (named) with how far off it is; a
    platform that shows each viewer their own zone (Discord) renders the instant instead."""
    left = (due - ctx.services.clock.now()).total_seconds()
    soon = ctx.t("inside_daily_left", left=duration(left)) if left > 0 else ctx.t("inside_daily_due")
    return Span.time(f"{local_text(due, tz)} · {soon}", iso(due))


async def _daily_line(ctx: Context) -> Paragraph:
    """The scheduler's next post (any chat) and this chat's own, in this chat's zone (the one
    its /daily set chose; UTC for a chat without one)."""
    label = Span(ctx.t("inside_daily_label") + ": ", Style.BOLD)
    mine = await ctx.services.daily.daily_target(ctx.command.chat.key)
    mine = mine if mine is not None and mine.enabled else None
    tz = (zone(mine.tz) if mine else None) or ZoneInfo(DEFAULT_TZ)
    spans: list[Span] = []
    provider = ctx.core.runtime.scheduler
    due = provider.next_post() if provider is not None else None
    if provider is None:
        spans.append(Span(ctx.t("inside_daily_none")))
    elif due is None:
        spans.append(Span(ctx.t("inside_daily_idle")))
    else:
        spans += [Span(ctx.t("inside_daily") + " "), _when(ctx, due, tz)]
    if mine is not None:
        here = parse_iso(mine.next_due)
        if due is not None and here == due:
            spans.append(Span(" (" + ctx.t("inside_daily_this_chat") + ")"))
        else:
            spans += [Span(" · " + ctx.t("inside_daily_here") + " "), _when(ctx, here, tz)]
    return Paragraph((label, *spans))


def _commands_text(ctx: Context) -> str:
    counts = ctx.core.runtime.commands
    ok = sum(n for (_, outcome), n in counts.items() if outcome == "ok")
    errors = sum(n for (_, outcome), n in counts.items() if outcome == "error")
    return ctx.t("inside_commands", ok=ok, errors=errors)


async def inside(ctx: Context) -> Reply:
    runtime = ctx.core.runtime
    stats = runtime.lag.stats() if runtime.lag.is_running() else None
    key = "inside_lag_window"
    if stats is None or stats.samples < MIN_SAMPLES:
        # Without the monitor (a one-shot `--once`), or just after it started, measure now, the
        # same way, for a fifth of a second: awaiting sleeps, so this never holds the loop.
        key = "inside_lag_warmup" if runtime.lag.started else "inside_lag_now"
        stats = await measure_lag()
    memory = read_memory()
    blocks: list = [
        _line(ctx.t("inside_lag"), _lag_text(ctx, stats, key)),
        _line(ctx.t("inside_tasks"), _tasks_text(ctx)),
        Paragraph((Span(ctx.t("inside_adapters") + ":", Style.BOLD),)),
        *_adapter_lines(ctx),
        _line(ctx.t("inside_sandbox_label"), _sandbox_text(ctx)),
        await _daily_line(ctx),
        _line(ctx.t("inside_commands_label"), _commands_text(ctx)),
        _line(ctx.t("inside_uptime"), duration(runtime.uptime())),
        _line(ctx.t("inside_memory"), ctx.t("inside_memory_text", rss=mib(memory.rss),
                                            peak=mib(memory.peak))
              if memory else ctx.t("inside_memory_none")),
        _line(ctx.t("inside_process"), f"pid {os.getpid()} · Python {platform.python_version()}"
                                       f" · {ctx.t('inside_one_loop')}"),
        Heading(ctx.t("inside_lesson_title")),
        Paragraph.plain(ctx.t("inside_lesson_1")),
        Paragraph.plain(ctx.t("inside_lesson_2")),
    ]
    library = ctx.core.library
    buttons = tuple(Button(cut_line(library.by_id[card_id].title(ctx.lang), LABEL_MAX), "term", card_id)
                    for card_id in LESSON_CARDS if card_id in library.by_id)
    return Reply(blocks=tuple(blocks), title=ctx.t("inside_title"),
                 buttons=(buttons,) if buttons else ())


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="inside",
        help=Text(hi="Bot ke andar jhaanko: event loop lag, tasks, adapters, memory — abhi ke figures",
                  en="Look inside the bot: event-loop lag, tasks, adapters, memory — live figures"),
        handler=inside,
    ))
