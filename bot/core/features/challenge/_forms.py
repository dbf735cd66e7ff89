"""What Discord's forms need from /submit: the code a modal starts with (the starter, or after
a ❌ the learner's last attempt) and the challenges a "Submit code" message command offers."""

from __future__ import annotations

from bot.core.router import Choices, Context
from bot.core.text import cut_line

SELECT_MAX = 25  # Discord's most options in a select menu
LABEL_MAX = 100


async def _wanted(ctx: Context) -> str | None:
    cmd = ctx.command
    words = (cmd.options.get("id") or cmd.args).split()
    if words and words[0].casefold() in ctx.services.challenges.by_id:
        return words[0].casefold()
    return await ctx.services.attempts.last_opened_challenge(cmd.user.key)


async def prefill(ctx: Context) -> str | None:
    wanted = await _wanted(ctx)
    challenge = ctx.services.challenges.by_id.get(wanted) if wanted else None
    if challenge is None:
        return None
    attempt = await ctx.services.attempts.challenge_attempt(ctx.command.user.key, challenge.id)
    if attempt is not None and attempt.last_check is not None and attempt.last_code:
        return attempt.last_code  # after a ❌: carry on from there
    return challenge.starter


async def choose(ctx: Context) -> Choices | None:
    challenges = ctx.services.challenges
    if not len(challenges):
        return None
    last = await ctx.services.attempts.last_opened_challenge(ctx.command.user.key)
    values = tuple((c.id, cut_line(f"{c.id}: {c.meta.title.get(ctx.lang)}", LABEL_MAX))
                   for c in challenges.ordered[:SELECT_MAX])
    default = last if last in {v for v, _ in values} else None
    return Choices("id", values, default)
