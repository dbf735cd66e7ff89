"""The error explainer: classic asyncio mistakes (and sandbox limits a beginner runs into)
recognised in a run's output, each with a two-line explanation and the card that teaches it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.types import Lang


@dataclass(frozen=True, slots=True)
class Explanation:
    key: str  # stable id, also the i18n key suffix: explain_<key>
    card: str | None  # the card that teaches it
    pattern: re.Pattern[str]


# Order matters: the first match per key wins, and more specific patterns come first.
EXPLANATIONS: tuple[Explanation, ...] = (
    Explanation("await_outside_async", "async-def", re.compile(r"'await' outside async function")),
    Explanation("await_outside", "await-outside-function", re.compile(r"'await' outside function")),
    Explanation("not_awaitable", "await", re.compile(r"can't be used in 'await' expression")),
    Explanation("never_awaited", "coroutine", re.compile(r"coroutine '[^']*' was never awaited")),
    Explanation("run_in_loop", "asyncio-run",
                re.compile(r"asyncio\.run\(\) cannot be called from a running event loop")),
    Explanation("no_running_loop", "event-loop", re.compile(r"no running event loop")),
    Explanation("task_destroyed", "event-loop", re.compile(r"Task was destroyed but it is pending")),
    Explanation("loop_closed", "asyncio-run", re.compile(r"Event loop is closed")),
    # The sandbox itself: only the standard library, no network, no stdin.
    Explanation("no_package", None,
                re.compile(r"ModuleNotFoundError: No module named '(?!asyncio)[\w.]+'")),
    Explanation("no_network", None,
                re.compile(r"(Network is unreachable|Temporary failure in name resolution|"
                           r"Name or service not known|\[Errno 101\]|Address family not supported)")),
    Explanation("no_stdin", None, re.compile(r"EOFError: EOF when reading a line")),
)

MAX_EXPLANATIONS = 3


def explain(output: str) -> list[Explanation]:
    """The explanations that apply to this output, at most MAX_EXPLANATIONS, in table order."""
    found = [e for e in EXPLANATIONS if e.pattern.search(output)]
    if any(e.key == "await_outside_async" for e in found):
        found = [e for e in found if e.key != "await_outside"]
    return found[:MAX_EXPLANATIONS]


def module_name(output: str) -> str:
    match = re.search(r"No module named '([\w.]+)'", output)
    return match.group(1) if match else "?"


def text(explanation: Explanation, lang: Lang, output: str) -> str:
    from bot.core.i18n import t

    if explanation.key == "no_package":
        return t(lang, "explain_no_package", module=module_name(output))
    return t(lang, f"explain_{explanation.key}")
