"""The error explainer recognises each mistake from a run's evidence (falling back to the output
text only where the evidence is not complete) and names the card that teaches the fix."""

import pytest

from bot.core.explain import CARDS, MISTAKES, explain, text
from bot.core.i18n import STRINGS
from bot.core.ports.sandbox import Evidence, Fault, LoopReport, Warned
from tests.conftest import CONTENT

TEXT_CASES = [
    ("SyntaxError: 'await' outside function", "await_outside"),
    ("SyntaxError: 'await' outside async function", "await_outside_async"),
    ("TypeError: object NoneType can't be used in 'await' expression", "not_awaitable"),
    ("main.py:3: RuntimeWarning: coroutine 'work' was never awaited", "never_awaited"),
    ("RuntimeError: asyncio.run() cannot be called from a running event loop", "run_in_loop"),
    ("RuntimeError: no running event loop", "no_running_loop"),
    ("Task was destroyed but it is pending!", "task_destroyed"),
    ("RuntimeError: Event loop is closed", "loop_closed"),
    ("TypeError: unsupported operand type(s) for +: 'coroutine' and 'int'", "coroutine_as_value"),
    ("RuntimeError: cannot reuse already awaited coroutine", "reused_coroutine"),
    ("Task exception was never retrieved", "task_exception_lost"),
    ("RuntimeError: Task <Task pending> got Future <Future pending> attached to a different loop",
     "different_loop"),
    ("TypeError: An asyncio.Future, a coroutine or an awaitable is required", "awaitable_required"),
    ("ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)", "taskgroup_failed"),
    ("TimeoutError", "timeout"),
    ("RuntimeError: This event loop is already running", "loop_running"),
    ("asyncio.exceptions.CancelledError", "cancelled"),
    ("ModuleNotFoundError: No module named 'requests'", "no_package"),
    ("OSError: [Errno 101] Network is unreachable", "no_network"),
    ("EOFError: EOF when reading a line", "no_stdin"),
]


@pytest.mark.parametrize(("output", "key"), TEXT_CASES, ids=[c[1] for c in TEXT_CASES])
def test_without_evidence_the_output_text_is_recognised(output: str, key: str):
    """A run that reported no evidence (stopped by a limit, an older sandbox) is explained from
    its output text."""
    found = explain(f"Traceback (most recent call last):\n  ...\n{output}\n")
    assert [f.key for f in found] == [key]


def raised(type_: str, message: str = "", line: int = 3, *more: Fault) -> Evidence:
    return Evidence(faults=(Fault("raised", type_, message, line), *more), complete=True)


NEVER = Warned("RuntimeWarning", "coroutine 'price' was never awaited", 5)
PLUS = "unsupported operand type(s) for +: 'coroutine' and 'int'"
GROUP = "unhandled errors in a TaskGroup (1 sub-exception)"
PENDING = LoopReport("exit", "Task was pending when asyncio.run() ended", "", "Task-2 (greet)")
EVIDENCE_CASES = [
    (Evidence(faults=(Fault("raised", "TypeError", PLUS, 6),), warnings=(NEVER,), complete=True),
     "coroutine_as_value"),
    (raised("AttributeError", "'coroutine' object has no attribute 'json'"), "coroutine_as_value"),
    (Evidence(faults=(Fault("raised", "TypeError", "unhashable type: 'list'", 5),), warnings=(NEVER,),
              complete=True), "gather_list"),
    (raised("RuntimeError", "cannot reuse already awaited coroutine"), "reused_coroutine"),
    (raised("ValueError", "a coroutine was expected, got <function main at 0x7f00>"), "coroutine_expected"),
    (raised("TypeError", "An asyncio.Future, a coroutine or an awaitable is required"), "awaitable_required"),
    (raised("TypeError", "object str can't be used in 'await' expression"), "not_awaitable"),
    (raised("TypeError", "'async for' requires an object with __aiter__ method, got range"),
     "async_protocol"),
    (raised("ExceptionGroup", GROUP, 7, Fault("member", "ValueError", "job 2 failed", 4)),
     "taskgroup_failed"),
    (raised("TimeoutError", "", 5, Fault("cause", "asyncio.exceptions.CancelledError", "", 0)), "timeout"),
    (raised("asyncio.exceptions.CancelledError"), "cancelled"),
    (Evidence(loop=(LoopReport("loop", "Task exception was never retrieved", "ValueError", "oops"),),
              complete=True), "task_exception_lost"),
    (Evidence(loop=(LoopReport("loop", "Task was destroyed but it is pending!"),), complete=True),
     "task_destroyed"),
    (Evidence(loop=(PENDING,), complete=True), "task_left_pending"),
    (raised("RuntimeError", "asyncio.run() cannot be called from a running event loop"), "run_in_loop"),
    (raised("RuntimeError", "This event loop is already running"), "loop_running"),
    (raised("RuntimeError", "<asyncio.locks.Lock object at 0x7f> is bound to a different event loop"),
     "different_loop"),
    (raised("RuntimeError", "no running event loop"), "no_running_loop"),
    (raised("RuntimeError", "There is no current event loop in thread 'MainThread'."), "no_current_loop"),
    (raised("RuntimeError", "Event loop is closed"), "loop_closed"),
    (raised("asyncio.exceptions.InvalidStateError", "Result is not set."), "invalid_state"),
    (Evidence(warnings=(NEVER,), complete=True), "never_awaited"),
    (Evidence(loop=(LoopReport("log", "Executing %s took %.3f seconds"),), complete=True), "blocked_loop"),
    (raised("SyntaxError", "'await' outside function (main.py, line 2)", 2), "await_outside"),
    (raised("SyntaxError", "'await' outside async function (main.py, line 3)", 3), "await_outside_async"),
    (raised("ModuleNotFoundError", "No module named 'aiohttp'"), "no_package"),
    (raised("urllib.error.URLError", "<urlopen error [Errno -3] Temporary failure in name resolution>", 2,
            Fault("cause", "socket.gaierror", "[Errno -3] Temporary failure in name resolution")),
     "no_network"),
    (raised("EOFError", "EOF when reading a line"), "no_stdin"),
]


@pytest.mark.parametrize(("evidence", "key"), EVIDENCE_CASES, ids=[c[1] for c in EVIDENCE_CASES])
def test_each_mistake_is_recognised_from_its_evidence_alone(evidence: Evidence, key: str):
    """The evidence alone, with no output at all, yields exactly that mistake."""
    assert [f.key for f in explain("", evidence)] == [key]


def test_every_mistake_has_an_evidence_case_and_two_lines_in_both_voices():
    """Each mistake is covered above and explained in two lines, in Hinglish and English."""
    assert {key for _, key in EVIDENCE_CASES} == {m.key for m in MISTAKES}
    for evidence, key in EVIDENCE_CASES:
        [finding] = explain("", evidence)
        for lang in ("hi", "en"):
            assert STRINGS[f"explain_{key}"][lang]
            lines = text(finding, lang).splitlines()
            assert len(lines) == 2 and "{" not in "".join(lines), (key, lang, lines)


def test_every_card_named_exists_or_has_an_existing_fallback():
    """Each topic's last card is one the library has today; a level-2 card comes first."""
    cards = {path.stem for path in (CONTENT / "terms").glob("*.md")}
    for topic, ids in CARDS.items():
        assert ids[-1] in cards, topic
    assert all(m.topic is None or m.topic in CARDS for m in MISTAKES)


def test_complete_evidence_is_not_second_guessed_by_the_output():
    """When the run reported to its end, printed error text that never happened is not explained:
    a program cannot talk the explainer into a mistake by printing it."""
    printed = "RuntimeError: This event loop is already running\nTask exception was never retrieved\n"
    assert explain(printed, Evidence(complete=True)) == []
    assert [f.key for f in explain(printed)] == ["task_exception_lost", "loop_running"]


def test_a_taskgroup_failure_names_its_real_error():
    """The explanation quotes the member that failed and the except* that catches it."""
    [finding] = explain("", raised("ExceptionGroup", GROUP, 7, Fault("member", "KeyError", "'user'", 4)))
    assert "`KeyError: 'user'`" in text(finding, "en") and "`except* KeyError:`" in text(finding, "en")


def test_a_member_of_the_group_is_explained_too():
    """A coroutine used as a value inside a TaskGroup: the group and the mistake inside it."""
    evidence = Evidence(faults=(Fault("raised", "ExceptionGroup", GROUP, 9),
                                Fault("member", "TypeError", "'coroutine' object is not iterable", 4)),
                        warnings=(Warned("RuntimeWarning", "coroutine 'rows' was never awaited", 4),),
                        complete=True)
    found = explain("", evidence)
    assert [f.key for f in found] == ["coroutine_as_value", "taskgroup_failed"]
    assert "`x = await rows()`" in text(found[0], "en")


def test_the_coroutine_used_as_a_value_is_named_from_its_own_line():
    """Of two never-awaited coroutines, the explanation names the one made on the failing line."""
    evidence = Evidence(faults=(Fault("raised", "TypeError", PLUS, 8),), complete=True,
                        warnings=(Warned("RuntimeWarning", "coroutine 'log' was never awaited", 3),
                                  Warned("RuntimeWarning", "coroutine 'price' was never awaited", 8)))
    [finding] = explain("", evidence)
    assert "`x = await price()`" in text(finding, "en")


def test_a_never_awaited_coroutine_made_by_the_failing_line_is_not_explained_twice():
    """`asyncio.run(inner())` inside a loop: the warning about inner is the error's consequence.
    An unrelated never-awaited coroutine elsewhere is still explained."""
    fault = Fault("raised", "RuntimeError", "asyncio.run() cannot be called from a running event loop", 5)
    same = Evidence(faults=(fault,), complete=True,
                    warnings=(Warned("RuntimeWarning", "coroutine 'inner' was never awaited", 5),))
    assert [f.key for f in explain("", same)] == ["run_in_loop"]
    other = Evidence(faults=(fault,), complete=True,
                     warnings=(Warned("RuntimeWarning", "coroutine 'log' was never awaited", 9),))
    assert [f.key for f in explain("", other)] == ["run_in_loop", "never_awaited"]


def test_tasks_cancelled_after_an_uncaught_error_are_not_a_mistake_of_their_own():
    """After main() raised, asyncio.run() cancelling the other tasks is expected clean-up."""
    pending = LoopReport("exit", "Task was pending when asyncio.run() ended", "", "Task-3 (hold)")
    evidence = Evidence(faults=(Fault("raised", "KeyError", "'k'", 2),), loop=(pending,), complete=True)
    assert explain("", evidence) == []


def test_a_task_left_pending_is_named():
    """The explanation names the coroutine the forgotten task was running."""
    [finding] = explain("", Evidence(loop=(PENDING,), complete=True))
    assert "`greet`" in text(finding, "en") and "`greet`" in text(finding, "hi")


def test_a_message_alone_does_not_make_the_mistake():
    """Type and message count together: a KeyError about a 'coroutine' key is not a coroutine
    used as a value, nor is a ValueError saying 'Event loop is closed' a closed loop."""
    assert explain("", raised("KeyError", "'coroutine'")) == []
    assert explain("", raised("ValueError", "Event loop is closed")) == []


def test_clean_output_has_no_explanation():
    """Ordinary output, even mentioning asyncio, is not explained."""
    assert explain("hello\nasyncio is fun\n") == []
    assert explain("hello\n", Evidence(complete=True)) == []


def test_missing_module_names_the_module():
    """The package explanation says which module is not there, from the evidence or the text."""
    [item] = explain("", raised("ModuleNotFoundError", "No module named 'aiohttp'"))
    assert "`aiohttp`" in text(item, "en")
    [item] = explain("ModuleNotFoundError: No module named 'httpx'")
    assert "`httpx`" in text(item, "en", "ModuleNotFoundError: No module named 'httpx'")


def test_fields_quoted_in_code_cannot_break_out_of_it():
    """An exception message with backticks and newlines is shown on one line, backticks replaced."""
    [finding] = explain("", Evidence(loop=(LoopReport(
        "loop", "Task exception was never retrieved", "ValueError", "a`b` " + "x" * 200),), complete=True))
    line = text(finding, "en").splitlines()[0]
    assert "a'b'" in line and "`" not in line.split("(`", 1)[1].split("`)", 1)[0] and "…" in line
