"""/challenge and /submit: coding challenges graded in the sandbox by what the code does.

Challenges are content (bot/core/challenges loads and grades them); this feature lists and
shows them, grades submissions with progress, keeps each learner's attempts (the
ChallengeStore port) and publishes each graded submission (`core.submissions`), which practice
turns into a card review when a check failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.features.challenge._forms import choose, prefill
from bot.core.features.challenge._show import challenge, how_to_submit, listing, resolve, show
from bot.core.features.challenge._submit import code_of, id_in_reply, split_submission, submit
from bot.core.router import CommandSpec, OptionSpec, Text

if TYPE_CHECKING:
    from bot.core.app import Core

__all__ = ["challenge", "choose", "code_of", "how_to_submit", "id_in_reply", "listing", "prefill",
           "register", "resolve", "show", "split_submission", "submit"]


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="challenge",
        help=Text(hi="Coding challenges: list, ya ek challenge kholo (/challenge <id>)",
                  en="Coding challenges: the list, or open one (/challenge <id>)"),
        handler=challenge,
        options=(OptionSpec("id", Text(hi="challenge id ya term (khaali = list)",
                                       en="challenge id or term (empty = the list)"),
                            autocomplete="challenges"),),
    ), "challenges")
    core.router.add(CommandSpec(
        name="submit",
        help=Text(hi="Challenge ka code grade karao: /submit <id> aur code",
                  en="Have a challenge's code graded: /submit <id> and the code"),
        handler=submit,
        options=(OptionSpec("id", Text(hi="challenge id (khaali = last khola)",
                                       en="challenge id (empty = the last opened)"),
                            autocomplete="challenges"),
                 OptionSpec("code", Text(hi="aapka poora program", en="your whole program"),
                            required=True, multiline=True)),
        private=True,  # the verdict spoils nothing in a group
        long_running=True,
        prefill=prefill,  # Discord's form starts from the starter or the last ❌ attempt
        choose=choose,  # "Submit code" on a posted code block asks which challenge
    ))
