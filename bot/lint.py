"""`python -m bot.lint content/`: the content lint (bot/core/lint.py) with a local sandbox of
its own, in which every challenge's reference, starter and known wrong answers are run. The core
takes the sandbox as a port; like `__main__`, this is where the implementation is chosen."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from bot.core.challenges._lint import MAX_WALL_S
from bot.core.lint import main as lint_main
from bot.core.ports.sandbox import SandboxPort


def open_sandbox(queue: int) -> AbstractAsyncContextManager[SandboxPort]:
    """A sandbox for the lint's runs: no warm pool (each run's budget differs), no cooldown, room
    in the queue for every run at once, and wall time for the slowest challenge."""
    from bot.sandbox import Config, Limits, Sandbox

    return Sandbox.open(Config(pool=0, cooldown_s=0.0, queue=queue,
                               limits=Limits(wall_s=MAX_WALL_S)))


def main(argv: list[str] | None = None) -> int:
    return lint_main(argv, open_sandbox=open_sandbox)


if __name__ == "__main__":
    raise SystemExit(main())
