"""Blind play: how often a player who never reads the question is right (run: `make bench`, or
`python -m bench.blind_quiz [--bot N]`). Prints a table and merges its entries into
bench/results.json as {"name", "value", "unit", "goal"}.

Two players: "always pick choice k" and "always pick the longest choice" (in each voice; a tie
for the longest counts as a random pick among the tied). Each is set against what random
guessing gets (the mean of 1/choices). Goal: within 5 points of chance.

- Default: over the whole bank in its stored order, which is what the console and posts made
  before choices were shuffled show (bot.core.quizbank.BlindPlay.of_bank).
- `--bot N`: N fresh `/quiz` questions played through a real core and database (a temporary
  folder), as a new user would in the console: the player reads only the choices the reply
  shows (the poll's options when it carries one, else the answer buttons' labels, numbered in
  the order shown) and answers with the button's own command. So once posts shuffle their
  choices, this measures the shuffled order, not the bank's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import figure, merge, table  # noqa: E402
from bot.core.quizbank import Bank, BlindPlay  # noqa: E402

MARGIN = 0.05  # goal: a blind player within 5 points of chance
_NUMBERED = re.compile(r"^\d+\.\s*")


def bank_figures(bank: Bank) -> list[dict]:
    blind = BlindPlay.of_bank(e.question for e in bank.entries)
    return figures(blind.position, blind.position_chance, blind.longest, blind.chance,
                   f"over the bank's {blind.questions} questions in stored order")


def figures(position: dict[int, float], position_chance: dict[int, float],
            longest: dict[str, float], chance: float, where: str, prefix: str = "blind_quiz") -> list[dict]:
    out = []
    for k, rate in sorted(position.items()):
        goal = f"{position_chance[k]:.0%} ± {MARGIN:.0%} (chance, {where})"
        out.append(figure(f"{prefix}_always_choice_{k}", round(100 * rate, 1), "%", goal))
    for lang, rate in sorted(longest.items()):
        goal = f"<= {chance + MARGIN:.0%} (chance {chance:.0%}, {where})"
        out.append(figure(f"{prefix}_always_longest_{lang}", round(100 * rate, 1), "%", goal))
    return out


async def play_through_bot(n: int, lang: str = "hi") -> list[dict]:
    """N /quiz questions through a real core; one blind player per strategy, each its own user,
    so every player gets fresh questions (the bot avoids a user's answered ones)."""
    from bot.core.app import Core
    from bot.core.content import Library
    from bot.core.services import Services, bank_beside
    from bot.core.types import ChatKind, ChatRef, Command, UserRef
    from bot.storage import Storage

    library = Library.from_dir(ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        storage = await Storage.open(Path(tmp) / "blind.sqlite3")
        try:
            core = Core(library, Services.of(storage, quiz_bank=bank_beside(library)))
            width = max(len(e.question.choices) for e in Bank.from_dir(ROOT / "content" / "quiz").entries)
            ties = random.Random(17)
            players = {f"choice_{k}": (lambda texts, k=k: k) for k in range(1, width + 1)}
            players["longest"] = lambda texts: _longest(texts, ties)
            hits = dict.fromkeys(players, 0)
            chances = dict.fromkeys(players, 0.0)
            for name, pick in players.items():
                chat = ChatRef("console", f"blind-{name}", ChatKind.PRIVATE)
                user = UserRef("console", f"blind-{name}", f"blind {name}")
                await _say(core, Command.from_text(f"/lang {lang}", chat, user))
                for _ in range(n):
                    shown, lines = await _ask(core, chat, user, Command)
                    if not lines:
                        raise SystemExit(f"/quiz gave no answer buttons: {shown!r}")
                    k = pick(shown)
                    # A question with fewer than k choices is a miss (answered 1 to move on).
                    chances[name] += 1 / len(lines) if k <= len(lines) else 0.0
                    command = Command.from_text(lines[k - 1 if k <= len(lines) else 0], chat, user)
                    hits[name] += k <= len(lines) and "✅" in await _say(core, command)
        finally:
            await storage.close()
    position = {k: hits[f"choice_{k}"] / n for k in range(1, width + 1)}
    position_chance = {k: chances[f"choice_{k}"] / n for k in range(1, width + 1)}
    return figures(position, position_chance, {lang: hits["longest"] / n}, chances["longest"] / n,
                   f"{n} /quiz questions through the bot", prefix="blind_quiz_bot")


def _longest(texts: list[str], rng: random.Random) -> int:
    """The longest choice shown; among equals, one at random (as BlindPlay counts ties)."""
    sizes = [len(t.strip()) for t in texts]
    return rng.choice([i for i, size in enumerate(sizes, start=1) if size == max(sizes)])


async def _say(core, command) -> str:
    return "\n".join([r.plain() async for r in core.stream(command)])


async def _ask(core, chat, user, Command) -> tuple[list[str], list[str]]:
    """The choices the question reply shows, in order, and the answer command behind each."""
    async for reply in core.stream(Command.from_text("/quiz", chat, user)):
        lines = [b.command_line for row in reply.buttons for b in row if b.command == "answer"]
        if not lines:
            continue
        if reply.poll is not None:
            return list(reply.poll.options), lines
        labels = [b.label for row in reply.buttons for b in row if b.command == "answer"]
        return [_NUMBERED.sub("", label) for label in labels], lines
    return [], []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bot", type=int, metavar="N", help="also play N /quiz questions through the bot")
    parser.add_argument("--no-save", action="store_true", help="print only; do not merge results.json")
    args = parser.parse_args(argv)
    bank = Bank.from_dir(ROOT / "content" / "quiz")
    out = bank_figures(bank)
    if args.bot:
        out += asyncio.run(play_through_bot(args.bot))
    print(table(out))
    if not args.no_save:
        merge(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
