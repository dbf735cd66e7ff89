"""/challenge: the list in path order with the learner's status, one challenge with its task,
starter, what "done" means, a hint on request and how to submit on this platform."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.core.challenges import Challenge, UnknownChallenge
from bot.core.clock import iso
from bot.core.features._shared import echo
from bot.core.features.challenge._text import say
from bot.core.ports.storage import ChallengeAttempt
from bot.core.router import Context
from bot.core.types import Button, CodeBlock, Heading, Paragraph, Reply, Span, Style

LIST_ROW = 5  # buttons per row: Discord's most
LIST_ROWS = 5  # Discord's most rows (25 buttons)
HINT_WORDS = ("hint", "sanket")
TYPO_RATIO = 0.85


def status_of(attempt: ChallengeAttempt | None) -> str:
    return attempt.status if attempt is not None else "new"


@dataclass(frozen=True, slots=True)
class Resolved:
    challenge: Challenge | None
    note: str | None = None  # how a word that was no id was read (a term)
    error: Reply | None = None


async def resolve(ctx: Context, word: str) -> Resolved:
    """An exact id, then a term (its first challenge not yet solved), then a fuzzy id match
    with "did you mean"."""
    challenges = ctx.services.challenges
    try:
        return Resolved(challenges.get(word))
    except UnknownChallenge as exc:
        near = exc.suggestions
    # A typo of an id ("fix-bloking") is closer to it than to any term the fuzzy search finds.
    typo = bool(near) and difflib.SequenceMatcher(None, word.lower(), near[0]).ratio() >= TYPO_RATIO
    card = None if typo else ctx.core.library.find(word).card
    if card is not None:
        for_term = challenges.for_term(card.id)
        if not for_term:
            if not near:
                return Resolved(None, error=Reply.text(
                    say(ctx.lang, "no_challenge_for_term", term=card.title(ctx.lang)), private=True))
        else:
            attempts = await ctx.services.attempts.challenge_attempts(ctx.command.user.key)
            pick = next((c for c in for_term if status_of(attempts.get(c.id)) != "solved"), for_term[0])
            return Resolved(pick, say(ctx.lang, "term_pick", term=card.title(ctx.lang), id=pick.id))
    blocks = [Paragraph.plain(say(ctx.lang, "unknown", query=echo(word)))]
    buttons: tuple[tuple[Button, ...], ...] = ()
    if near:
        blocks.append(Paragraph.plain(say(ctx.lang, "did_you_mean", ids=", ".join(near))))
        buttons = (tuple(Button(cid, "challenge", cid) for cid in near),)
    buttons += ((Button(say(ctx.lang, "btn_list"), "challenge"),),)
    return Resolved(None, error=Reply(blocks=tuple(blocks), buttons=buttons, private=True))


async def challenge(ctx: Context) -> Reply:
    """`/challenge` lists; `/challenge <id|term> [hint]` shows one."""
    words = (ctx.command.options.get("id") or ctx.command.args).split()
    if not words:
        return await listing(ctx)
    hint = len(words) > 1 and words[-1].casefold() in HINT_WORDS
    word = " ".join(words[:-1] if hint else words)
    found = await resolve(ctx, word)
    if found.challenge is None:
        assert found.error is not None
        return found.error
    return await show(ctx, found.challenge, hint=hint, note=found.note)


def tracks(ctx: Context) -> list[tuple[str, tuple[Challenge, ...]]]:
    """The challenges per track, in path order: the revision sheet's terms, then level 2 (the
    challenges of cards beyond the sheet), as /term lists the cards."""
    beyond = {c.id for c in ctx.core.library.beyond}
    everything = tuple(ctx.services.challenges)
    return [("sheet", tuple(c for c in everything if c.term not in beyond)),
            ("beyond", tuple(c for c in everything if c.term in beyond))]


def solved_per_track(ctx: Context, attempts: dict[str, ChallengeAttempt]) -> dict[str, tuple[int, int]]:
    """Per track, (solved, how many there are)."""
    return {name: (sum(1 for c in group if status_of(attempts.get(c.id)) == "solved"), len(group))
            for name, group in tracks(ctx)}


async def listing(ctx: Context) -> Reply:
    challenges = ctx.services.challenges
    if not len(challenges):
        return Reply.text(say(ctx.lang, "list_empty"), private=True)
    attempts = await ctx.services.attempts.challenge_attempts(ctx.command.user.key)
    blocks: list = [Paragraph.plain(say(ctx.lang, "list_intro"))]
    rows: list[tuple[Button, ...]] = []
    groups = [(name, group) for name, group in tracks(ctx) if group]
    for name, group in groups:
        if len(groups) > 1:
            blocks.append(Heading(say(ctx.lang, f"list_{name}", n=len(group))))
        for c in group:
            status = status_of(attempts.get(c.id))
            blocks.append(Paragraph((
                Span(c.id, Style.CODE), Span(f" ({c.term}) "), Span(c.meta.title.get(ctx.lang)),
                Span(" — " + say(ctx.lang, f"status_{status}"),
                     Style.BOLD if status == "solved" else Style.ITALIC),
            ), bullet=True))
        # One button per challenge, a track's own rows (on the console each prints as its
        # command line): 15 + 9 fill Discord's 5 rows of 5.
        ids = [c.id for c in group]
        rows += [tuple(Button(cid, "challenge", cid) for cid in ids[i:i + LIST_ROW])
                 for i in range(0, len(ids), LIST_ROW)]
    per_track = solved_per_track(ctx, attempts)
    tried = sum(1 for a in attempts.values() if a.status in ("tried", "solved"))
    solved, total = per_track["sheet"]
    done = say(ctx.lang, "list_done", solved=solved, total=total, tried=tried)
    solved2, total2 = per_track["beyond"]
    if total2:
        done = say(ctx.lang, "list_done_both", solved=solved, total=total, solved2=solved2,
                   total2=total2, tried=tried)
    blocks.append(Paragraph.plain(done))
    # Past Discord's 5 rows the first ones stay: every id is also in the list above.
    return Reply(blocks=tuple(blocks), title=say(ctx.lang, "list_title"), buttons=tuple(rows[:LIST_ROWS]))


def how_to_submit(ctx: Context, challenge_id: str) -> str:
    platform = ctx.command.chat.platform
    key = {"console": "how_console", "telegram": "how_telegram", "discord": "how_discord"}.get(
        platform, "how_other")
    return say(ctx.lang, key, id=challenge_id)


async def show(ctx: Context, c: Challenge, *, hint: bool = False, note: str | None = None) -> Reply:
    lang, meta = ctx.lang, c.meta
    user = ctx.command.user
    await ctx.services.attempts.challenge_opened(user.key, c.id, iso(ctx.services.clock.now()))
    attempt = await ctx.services.attempts.challenge_attempt(user.key, c.id)
    blocks: list = []
    if note:
        blocks.append(Paragraph((Span(note, Style.ITALIC),)))
    card = ctx.core.library.by_id.get(c.term)
    blocks += [
        Paragraph((Span(say(lang, "term") + " "), Span(f"/term {c.term}", Style.CODE),
                   Span(f" ({card.title(lang)})" if card else ""),
                   Span(" · " + say(lang, "your_status") + " "),
                   Span(say(lang, f"status_{status_of(attempt)}"), Style.BOLD))),
        Heading(say(lang, "task")),
        Paragraph.plain(meta.task.get(lang)),
        Heading(say(lang, "starter")),
        CodeBlock(c.starter.rstrip("\n"), "py"),
        Paragraph((Span(say(lang, "done") + " ", Style.BOLD), Span(meta.done.get(lang)))),
    ]
    if hint:
        blocks.append(Paragraph((Span(say(lang, "hint") + " ", Style.BOLD), Span(meta.hint.get(lang)))))
    blocks.append(Paragraph.plain(how_to_submit(ctx, c.id)))
    row = [Button(say(lang, "btn_submit"), "submit", c.id)]
    if not hint:
        row.append(Button(say(lang, "btn_hint"), "challenge", f"{c.id} hint"))
    row.append(Button(say(lang, "btn_list"), "challenge"))
    # The title names the id: a reply to this message on Telegram is read back for it.
    return Reply(blocks=tuple(blocks), title=f"🧩 {c.id}: {meta.title.get(lang)}", buttons=(tuple(row),))
