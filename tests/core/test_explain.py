"""The error explainer recognises each classic asyncio error text and names its card."""

import pytest

from bot.core.explain import EXPLANATIONS, explain, text
from bot.core.i18n import STRINGS

CASES = [
    ("SyntaxError: 'await' outside function", "await_outside", "await-outside-function"),
    ("SyntaxError: 'await' outside async function", "await_outside_async", "async-def"),
    ("TypeError: object NoneType can't be used in 'await' expression", "not_awaitable", "await"),
    ("main.py:3: RuntimeWarning: coroutine 'work' was never awaited", "never_awaited", "coroutine"),
    ("RuntimeError: asyncio.run() cannot be called from a running event loop", "run_in_loop",
     "asyncio-run"),
    ("RuntimeError: no running event loop", "no_running_loop", "event-loop"),
    ("Task was destroyed but it is pending!", "task_destroyed", "event-loop"),
    ("RuntimeError: Event loop is closed", "loop_closed", "asyncio-run"),
    ("ModuleNotFoundError: No module named 'requests'", "no_package", None),
    ("OSError: [Errno 101] Network is unreachable", "no_network", None),
    ("EOFError: EOF when reading a line", "no_stdin", None),
]


@pytest.mark.parametrize(("output", "key", "card"), CASES, ids=[c[1] for c in CASES])
def test_each_classic_error_is_recognised(output: str, key: str, card: str | None):
    """The error text yields exactly its explanation and card."""
    found = explain(f"Traceback (most recent call last):\n  ...\n{output}\n")
    assert [(e.key, e.card) for e in found] == [(key, card)]


def test_every_explanation_has_two_lines_in_both_voices():
    """Each explanation is two lines, in Hinglish and English."""
    for item in EXPLANATIONS:
        for lang in ("hi", "en"):
            assert STRINGS[f"explain_{item.key}"][lang]
            assert len(text(item, lang, "No module named 'x'").splitlines()) == 2


def test_clean_output_has_no_explanation():
    """Ordinary output, even mentioning asyncio, is not explained."""
    assert explain("hello\nasyncio is fun\n") == []


def test_missing_module_names_the_module():
    """The package explanation says which module is not there."""
    [item] = explain("ModuleNotFoundError: No module named 'aiohttp'")
    assert "`aiohttp`" in text(item, "en", "ModuleNotFoundError: No module named 'aiohttp'")
