"""The error explainer: classic asyncio mistakes (and sandbox limits a beginner runs into), each
with a two-line explanation and the card that teaches the fix.

A mistake is recognised from the run's evidence (`RunResult.evidence`: the exception that ended
it with its ExceptionGroup members, the warnings it emitted, shutdown included, and what asyncio
reported on its own), so "a coroutine used as a value" is a TypeError about a 'coroutine' *and*
the never-awaited warning, wherever they were printed or cut. Where the evidence is not complete
(a run stopped by a limit, a sandbox that reports none) the output text fills in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from bot.core.ports.sandbox import Evidence, Fault
from bot.core.types import Lang

# Where each topic is taught. Level-2 topics name the card planned for them first, then the
# nearest existing card: the first one the library has is linked, so a level-2 card is picked up
# as soon as it exists under that id (if it lands under another id, change it here: one line).
CARDS: dict[str, tuple[str, ...]] = {
    "async-def": ("async-def",),
    "asyncio-run": ("asyncio-run",),
    "await": ("await",),
    "await-outside-function": ("await-outside-function",),
    "blocking": ("blocking",),
    "coroutine": ("coroutine",),
    "event-loop": ("event-loop",),
    "tasks": ("create-task", "non-blocking"),  # create_task, keeping a reference, awaiting it
    "gather": ("gather", "async"),
    "taskgroup": ("taskgroup", "concurrency"),  # TaskGroup and ExceptionGroup
    "timeouts": ("timeouts", "await"),  # asyncio.timeout, wait_for
    "cancellation": ("cancellation", "asyncio-run"),  # CancelledError
    "async-with": ("async-with-for", "await"),  # async with, async for
}

Match = Callable[[Evidence], dict[str, str] | None]  # None: no match; else the text's fields


@dataclass(frozen=True, slots=True)
class Mistake:
    key: str  # stable id, also the i18n key suffix: explain_<key>
    topic: str | None  # a key of CARDS (None: a sandbox limit, no card)
    match: Match  # recognises it from the evidence
    text: re.Pattern[str]  # recognises it from the output when the evidence is not complete
    hides: tuple[str, ...] = ()  # keys it already explains (a consequence of this mistake)
    # A coroutine made on the line this error was raised at and so never awaited (as in
    # `asyncio.run(inner())` inside a running loop) is its consequence: no explanation of its own.
    absorbs: bool = False

    @property
    def cards(self) -> tuple[str, ...]:
        return CARDS[self.topic] if self.topic else ()


@dataclass(frozen=True, slots=True)
class Finding:
    mistake: Mistake
    fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.mistake.key

    @property
    def cards(self) -> tuple[str, ...]:
        return self.mistake.cards


# -- what the evidence is matched with ---------------------------------------------------------

def short(type_name: str) -> str:
    return type_name.rpartition(".")[2]


def _fault_fields(f: Fault) -> dict[str, str]:
    return {"error": f"{short(f.type)}: {f.message}" if f.message else short(f.type), "line": str(f.line)}


def fault(types: Iterable[str], message: str = "", via: tuple[str, ...] = ("raised", "member")) -> Match:
    """An uncaught exception (or an ExceptionGroup member) of one of these types (short names:
    `CancelledError` matches `asyncio.exceptions.CancelledError`) whose message matches."""
    names, pattern = frozenset(types), re.compile(message)

    def match(ev: Evidence) -> dict[str, str] | None:
        for f in ev.faults:
            if f.via in via and short(f.type) in names and pattern.search(f.message):
                return _fault_fields(f)
        return None
    return match


_NEVER_AWAITED = re.compile(r"^coroutine '(?:[\w.<>]+\.)?(\w+|<\w+>)' was never awaited")


def never_awaited(ev: Evidence, line: int = 0) -> dict[str, str] | None:
    """The first never-awaited warning; the one made on `line`, if there is one."""
    found = [(w.line, m.group(1)) for w in ev.warnings
             if w.category == "RuntimeWarning" and (m := _NEVER_AWAITED.search(w.message))]
    if not found:
        return None
    return {"name": min(found, key=lambda item: item[0] != line)[1]}  # min: the first of equals


def loop(source: str, message: str) -> Match:
    pattern = re.compile(message)

    def match(ev: Evidence) -> dict[str, str] | None:
        for r in ev.loop:
            if r.source == source and pattern.search(r.message):
                error = f"{short(r.exception)}: {r.exception_message}" if r.exception_message else short(
                    r.exception)
                return {"error": error, "task": r.exception_message}
        return None
    return match


def left_pending(ev: Evidence) -> dict[str, str] | None:
    """A task asyncio.run() cancelled as it ended, when main() itself ended well (after an
    uncaught exception that clean-up is expected, not a mistake of its own)."""
    return None if ev.faults else loop("exit", r"^Task was pending when asyncio\.run\(\) ended")(ev)


def both(*matches: Match) -> Match:
    def match(ev: Evidence) -> dict[str, str] | None:
        fields: dict[str, str] = {}
        for m in matches:
            found = m(ev)
            if found is None:
                return None
            fields |= found
        return fields
    return match


def naming_the_coroutine(inner: Match) -> Match:
    """`inner`, with the name of the coroutine the never-awaited warning names, if there is one."""
    def match(ev: Evidence) -> dict[str, str] | None:
        found = inner(ev)
        return None if found is None else found | (never_awaited(ev, int(found.get("line", 0))) or {})
    return match


def taskgroup_failed(ev: Evidence) -> dict[str, str] | None:
    head = ev.raised
    if head is None or short(head.type) not in ("ExceptionGroup", "BaseExceptionGroup") or (
            "TaskGroup" not in head.message):
        return None
    members = [f for f in ev.faults if f.via == "member"]
    if not members:
        return {"error": "?", "type": "Exception"}
    return _fault_fields(members[0]) | {"type": short(members[0].type)}


RUNTIME = ("RuntimeError",)
ANY_LINK = ("raised", "member", "cause", "context")  # urllib wraps the socket error as its cause
NO_EVIDENCE = Evidence()
HIDES_UNAWAITED = ("never_awaited",)

# Order matters: at most MAX_EXPLANATIONS are shown, in this order, the more specific first.
MISTAKES: tuple[Mistake, ...] = (
    Mistake("await_outside_async", "async-def", fault(["SyntaxError"], r"'await' outside async function"),
            re.compile(r"'await' outside async function")),
    Mistake("await_outside", "await-outside-function", fault(["SyntaxError"], r"'await' outside function"),
            re.compile(r"'await' outside function")),
    Mistake("gather_list", "gather", both(fault(["TypeError"], r"^unhashable type: 'list'$"), never_awaited),
            re.compile(r"(?s)unhashable type: 'list'.*was never awaited|was never awaited.*"
                       r"unhashable type: 'list'"), HIDES_UNAWAITED),
    Mistake("coroutine_as_value", "coroutine",
            naming_the_coroutine(fault(["TypeError", "AttributeError"], r"'coroutine'")),
            re.compile(r"(TypeError|AttributeError): .*'coroutine'"), HIDES_UNAWAITED),
    Mistake("coroutine_expected", "coroutine",
            fault(["TypeError", "ValueError"], r"^a coroutine was expected, got <(function|bound method)"),
            re.compile(r"a coroutine was expected, got <(function|bound method)")),
    Mistake("awaitable_required", "await",
            fault(["TypeError"], r"^An asyncio\.Future, a coroutine or an awaitable is required"),
            re.compile(r"An asyncio\.Future, a coroutine or an awaitable is required")),
    Mistake("not_awaitable", "await", fault(["TypeError"], r"can't be used in 'await' expression"),
            re.compile(r"can't be used in 'await' expression")),
    Mistake("reused_coroutine", "coroutine", fault(RUNTIME, r"^cannot reuse already awaited coroutine"),
            re.compile(r"RuntimeError: cannot reuse already awaited coroutine")),
    Mistake("async_protocol", "async-with",
            fault(["TypeError", "AttributeError"],
                  r"'async (for|with)' |asynchronous context manager protocol|__aenter__|__aiter__|"
                  r"^'async_generator' object is not iterable|"
                  r"^'(Lock|Semaphore|BoundedSemaphore|Condition)' object does not support the context "
                  r"manager protocol"),
            re.compile(r"TypeError: ('async (for|with)' |.*asynchronous context manager protocol|"
                       r"'async_generator' object is not iterable|'(Lock|Semaphore|BoundedSemaphore|"
                       r"Condition)' object does not support the context manager protocol)")),
    Mistake("taskgroup_failed", "taskgroup", taskgroup_failed,
            re.compile(r"ExceptionGroup: unhandled errors in a TaskGroup")),
    Mistake("timeout", "timeouts", fault(["TimeoutError"]), re.compile(r"^(asyncio\.)?TimeoutError\b", re.M)),
    Mistake("cancelled", "cancellation", fault(["CancelledError"]),
            re.compile(r"^(asyncio\.(exceptions\.)?)?CancelledError\b", re.M)),
    Mistake("task_exception_lost", "tasks", loop("loop", r"^Task exception was never retrieved"),
            re.compile(r"Task exception was never retrieved")),
    Mistake("task_destroyed", "tasks", loop("loop", r"^Task was destroyed but it is pending"),
            re.compile(r"Task was destroyed but it is pending")),
    Mistake("run_in_loop", "asyncio-run",
            fault(RUNTIME, r"^asyncio\.run\(\) cannot be called from a running event loop"),
            re.compile(r"asyncio\.run\(\) cannot be called from a running event loop"), absorbs=True),
    Mistake("loop_running", "asyncio-run", fault(RUNTIME, r"^This event loop is already running"),
            re.compile(r"RuntimeError: This event loop is already running"), absorbs=True),
    Mistake("different_loop", "event-loop",
            fault((*RUNTIME, "ValueError"), r"attached to a different loop|bound to a different event loop"),
            re.compile(r"attached to a different loop|bound to a different event loop")),
    Mistake("no_running_loop", "event-loop", fault(RUNTIME, r"^no running event loop"),
            re.compile(r"RuntimeError: no running event loop"), absorbs=True),
    Mistake("no_current_loop", "asyncio-run", fault(RUNTIME, r"^There is no current event loop"),
            re.compile(r"There is no current event loop"), absorbs=True),
    Mistake("loop_closed", "asyncio-run", fault(RUNTIME, r"^Event loop is closed"),
            re.compile(r"RuntimeError: Event loop is closed"), absorbs=True),
    Mistake("invalid_state", "await", fault(["InvalidStateError"]),
            re.compile(r"InvalidStateError: (Result is not set|Exception is not set)")),
    Mistake("never_awaited", "coroutine", never_awaited, re.compile(r"coroutine '[^']*' was never awaited")),
    Mistake("task_left_pending", "tasks", left_pending,
            re.compile(r"(?!)")),  # only the evidence can tell: nothing is printed
    Mistake("blocked_loop", "blocking", loop("log", r"^Executing %s took %\.3f seconds"),
            re.compile(r"Executing <.*> took \d+\.\d+ seconds")),
    # The sandbox itself: only the standard library, no network, no stdin.
    Mistake("no_package", None, fault(["ModuleNotFoundError"], r"^No module named '(?!asyncio)[\w.]+'"),
            re.compile(r"ModuleNotFoundError: No module named '(?!asyncio)[\w.]+'")),
    Mistake("no_network", None,
            fault(["OSError", "gaierror", "URLError", "ConnectionRefusedError", "PermissionError"],
                  r"Network is unreachable|Temporary failure in name resolution|Name or service not known|"
                  r"\[Errno 101\]|Address family not supported", via=ANY_LINK),
            re.compile(r"(Network is unreachable|Temporary failure in name resolution|"
                       r"Name or service not known|\[Errno 101\]|Address family not supported)")),
    Mistake("no_stdin", None, fault(["EOFError"], r"^EOF when reading a line"),
            re.compile(r"EOFError: EOF when reading a line")),
)

MAX_EXPLANATIONS = 3
_TASK = re.compile(r"\S+ \((\w+|<\w+>)\)$")
_MODULE = re.compile(r"No module named '([\w.]+)'")


def explain(output: str, evidence: Evidence = NO_EVIDENCE) -> list[Finding]:
    """The mistakes this run shows, at most MAX_EXPLANATIONS, in table order: from the evidence,
    and where it is not complete from the output text too."""
    found: list[Finding] = []
    absorbed: set[int] = set()  # lines whose never-awaited coroutines an error explains
    for mistake in MISTAKES:
        if absorbed and mistake.key == "never_awaited":
            evidence = replace(evidence, warnings=tuple(
                w for w in evidence.warnings if w.line not in absorbed))
        fields = mistake.match(evidence)
        if fields is not None and mistake.absorbs and fields.get("line", "0") != "0":
            absorbed.add(int(fields["line"]))
        if fields is None and not evidence.complete and mistake.text.search(output):
            fields = {}
        if fields is not None:
            found.append(Finding(mistake, fields))
    hidden = {key for f in found for key in f.mistake.hides}
    return [f for f in found if f.key not in hidden][:MAX_EXPLANATIONS]


def text(finding: Finding, lang: Lang, output: str = "") -> str:
    """The finding's two lines in the user's voice."""
    from bot.core.i18n import t

    fields = dict(finding.fields)
    if finding.key == "no_package":
        match = _MODULE.search(fields.get("error", "")) or _MODULE.search(output)
        fields["module"] = match.group(1) if match else "?"
    if finding.key == "task_left_pending":
        match = _TASK.search(fields.get("task", ""))
        fields["name"] = match.group(1) if match else "work"
    defaults = {"name": "work", "error": "?", "type": "Exception"}
    return t(lang, f"explain_{finding.key}", **{k: _inline(v) for k, v in (defaults | fields).items()})


def _inline(value: str, limit: int = 80) -> str:
    """A field shown in `code`: one line, no backtick to close it early, short."""
    value = " ".join(value.replace("`", "'").split())
    return value if len(value) <= limit else value[:limit - 1] + "…"
