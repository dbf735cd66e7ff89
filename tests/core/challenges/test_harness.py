"""The grader in the real sandbox: each required challenge's reference passes, its starter and
honest wrong answers fail the intended check, other correct approaches pass (for the other
challenges too), and bad programs (never ending, flooding, a syntax error) get a clear verdict.

All cases run at once in one sandbox (module fixture), as many at a time as it has slots."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.challenges import Challenges, Verdict, grade
from bot.core.challenges._model import Budget
from bot.sandbox import Limits, Sandbox
from tests.conftest import CONTENT
from tests.sandbox.fixtures import require, test_config

FIX = '''import asyncio
import time

async def fetch(i):
    {wait}
    return i * 10

async def main():
{main}

{entry}
'''
GATHER = "    results = await asyncio.gather(*(fetch(i) for i in range(3)))\n    print(results)"
RUN = "asyncio.run(main())"
GUARD = 'if __name__ == "__main__":\n    with asyncio.Runner() as runner:\n        runner.run(main())'
TASKGROUP = ("    async with asyncio.TaskGroup() as tg:\n"
             "        tasks = [tg.create_task(fetch(i)) for i in range(3)]\n"
             "    print([t.result() for t in tasks])")

PRICE = '''import asyncio

async def get_price():
    await asyncio.sleep(0.1)
    return 42

async def main():
    {get}
    print("price is", price + 1)

{entry}
'''

GREET = '''import asyncio

async def greet(name):
    await asyncio.sleep(0.1)
    print("namaste", name)

{entry}
'''

CRUNCH = '''import asyncio
import time

async def heartbeat(beats):
    while True:
        beats.append(time.monotonic())
        await asyncio.sleep(0.05)

{crunch}

async def main():
    beats = []
    hb = asyncio.create_task(heartbeat(beats))
    result = await crunch(10_000_000)
    hb.cancel()
    print(result, "beats", len(beats))

asyncio.run(main())
'''
TO_THREAD = '''def crunch_sync(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

async def crunch(n):
    return await asyncio.to_thread(crunch_sync, n)'''
EXECUTOR = TO_THREAD.replace("await asyncio.to_thread(crunch_sync, n)",
                             "await asyncio.get_running_loop().run_in_executor(None, crunch_sync, n)")
EVERY_1000 = '''async def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
        if i % 1000 == 999:
            await asyncio.sleep(0)
    return total'''

DOWNLOAD = '''import asyncio

async def download(name, seconds):
    await asyncio.sleep(seconds)
    return name.upper()

async def main():
{main}

{entry}
'''

# (challenge, label, code, the check it must fail or None for a pass)
CASES: list[tuple[str, str, str, str | None]] = [
    ("fix-blocking", "to_thread", FIX.format(wait="await asyncio.to_thread(time.sleep, 1)",
                                             main=GATHER, entry=RUN), None),
    ("fix-blocking", "run_in_executor", FIX.format(
        wait="await asyncio.get_running_loop().run_in_executor(None, time.sleep, 1)",
        main=GATHER, entry=RUN), None),
    ("fix-blocking", "taskgroup+runner+guard", FIX.format(wait="await asyncio.sleep(1)",
                                                          main=TASKGROUP, entry=GUARD), None),
    ("fix-blocking", "syntax error on line 5", FIX.format(wait="await asyncio.sleep(1",
                                                          main=GATHER, entry=RUN), "syntax"),
    ("missing-await", "create_task", PRICE.format(get="price = await asyncio.create_task(get_price())",
                                                  entry=RUN), None),
    ("missing-await", "runner", PRICE.format(get="price = await get_price()", entry=GUARD), None),
    ("missing-await", "prints the coroutine", PRICE.format(
        get="price = get_price()\n    print(price)\n    price = 42", entry=RUN), "never-awaited"),
    ("await-outside", "run greet itself", GREET.format(entry='asyncio.run(greet("duniya"))'), None),
    ("await-outside", "runner in a guard", GREET.format(
        entry='if __name__ == "__main__":\n    with asyncio.Runner() as r:\n        r.run(greet("duniya"))'),
     None),
    ("await-outside", "greet twice", GREET.format(
        entry='async def main():\n    await greet("duniya")\n    await greet("duniya")\n\n'
              'asyncio.run(main())'), "runs"),
    ("starvation", "to_thread", CRUNCH.format(crunch=TO_THREAD), None),
    ("starvation", "run_in_executor", CRUNCH.format(crunch=EXECUTOR), None),
    ("starvation", "yield every 1000 steps", CRUNCH.format(crunch=EVERY_1000), None),
    ("make-concurrent", "taskgroup", DOWNLOAD.format(main=(
        "    async with asyncio.TaskGroup() as tg:\n"
        '        ts = [tg.create_task(download(n, 0.5)) for n in "abc"]\n'
        "    print([t.result() for t in ts])"), entry=RUN), None),
    ("make-concurrent", "create_task then await", DOWNLOAD.format(main=(
        '    ta = asyncio.create_task(download("a", 0.5))\n'
        '    tb = asyncio.create_task(download("b", 0.5))\n'
        '    tc = asyncio.create_task(download("c", 0.5))\n'
        "    print([await ta, await tb, await tc])"), entry=GUARD), None),
    ("make-concurrent", "never ends", DOWNLOAD.format(main=(
        "    while True:\n        await asyncio.sleep(1)"), entry=RUN), "too-slow"),
    ("make-concurrent", "flood", DOWNLOAD.format(main='    while True:\n        print("spam" * 20)',
                                                 entry=RUN), "flood"),
    ("make-concurrent", "flood past the harness", "import os\nwhile True:\n    os.write(1, b'x' * 4096)\n",
     "flood"),
    ("missing-await", "a NUL byte", "print(1)\x00\n", "syntax"),
    ("make-concurrent", "crash", DOWNLOAD.format(main='    raise ValueError("oops")', entry=RUN), "crash"),
]
# Each required challenge's own files: the reference passes, the starter and every wrong answer
# fail their check (the lint runs them too; here they are the grader's behaviour under test).
REQUIRED = ("fix-blocking", "missing-await", "await-outside", "starvation", "make-concurrent")


def content_cases(challenges: Challenges) -> list[tuple[str, str, str, str | None]]:
    out = []
    for cid in REQUIRED:
        ch = challenges.get(cid)
        out.append((cid, "reference", ch.reference, None))
        out.append((cid, "starter", ch.starter, ch.meta.starter_fails))
        out += [(cid, f"wrong/{name}", code, check) for name, check, code in ch.wrong]
    return out


# Other correct approaches to the other challenges (tests/core/challenges/right/<id>/<label>.py).
RIGHT = Path(__file__).parent / "right"
OTHERS = [(p.parent.name, f"right/{p.stem}", p.read_text(encoding="utf-8"), None)
          for p in sorted(RIGHT.glob("*/*.py"))]
CHALLENGES = Challenges.from_dir(CONTENT)
ALL = content_cases(CHALLENGES) + CASES + OTHERS
SWALLOWS_ALARM = '''import time
while True:
    try:
        while True:
            time.sleep(0.01)
    except BaseException:
        pass
'''


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, str], Verdict]:
    async def run_all() -> dict[tuple[str, str], Verdict]:
        async with Sandbox.open(test_config(queue=len(ALL) + 2, limits=Limits(wall_s=30))) as sb:
            require(sb)

            async def one(cid: str, label: str, code: str) -> tuple[tuple[str, str], Verdict]:
                return (cid, label), await grade(sb, CHALLENGES.get(cid), code, lang="en")

            # The grader's own last resort: a program that swallows its alarm meets the
            # sandbox's wall (a 3 s budget here, to keep the test short).
            short = CHALLENGES.get("make-concurrent")
            short = replace(short, meta=short.meta.model_copy(update={"budget": Budget(wall_s=3, cpu_s=5)}))
            pairs = await asyncio.gather(*(one(c, label, code) for c, label, code, _ in ALL))
            out = dict(pairs)
            out[("make-concurrent", "swallows the alarm")] = await grade(sb, short, SWALLOWS_ALARM, lang="en")
            return out

    return asyncio.run(run_all())


@pytest.mark.parametrize(("cid", "label", "expected"), [(c, label, e) for c, label, _, e in ALL],
                         ids=[f"{c}:{label}" for c, label, _, _ in ALL])
def test_verdict(verdicts, cid, label, expected):
    """Passes, or fails on exactly the check meant (see the case's label)."""
    v = verdicts[(cid, label)]
    assert v.check == expected, v
    assert v.passed is (expected is None)


def test_syntax_error_names_its_line(verdicts):
    """A SyntaxError's verdict carries the learner's own line number."""
    v = verdicts[("fix-blocking", "syntax error on line 5")]
    assert "line 5" in v.message and v.program_s is None


def test_starter_fails_with_numbers_and_misconception(verdicts):
    """fix-blocking's starter: the loop was held about a second or more, time-sleep-ok."""
    v = verdicts[("fix-blocking", "starter")]
    held = float(dict(v.values)["lag"])
    assert held >= 0.9 and v.misconception == "time-sleep-ok" and v.card == "blocking"


def test_await_outside_starter_maps_its_syntax_error(verdicts):
    """await-outside's starter fails on the SyntaxError, mapped to top-level-await-ok."""
    v = verdicts[("await-outside", "starter")]
    assert v.misconception == "top-level-await-ok" and "line 7" in v.message


def test_a_pass_reports_the_program_time_beside_the_starter_s(verdicts):
    """make-concurrent's reference: about 0.5 s, beside the starter's 1.5 s."""
    v = verdicts[("make-concurrent", "reference")]
    assert v.passed and v.starter_s == 1.5 and 0.45 <= (v.program_s or 0) < 1.2


def test_hard_coded_output_fails_the_hidden_variation(verdicts):
    """Printing the expected answer without using fetch's results is caught."""
    v = verdicts[("fix-blocking", "wrong/hard-coded")]
    assert v.check == "output-follows" and "[7, 8, 9]" in v.message


def test_a_program_that_swallows_the_alarm_ends_at_the_wall(verdicts):
    """The sandbox's wall ends it; the verdict is too slow, naming the budget."""
    v = verdicts[("make-concurrent", "swallows the alarm")]
    assert v.check == "too-slow" and "main.py" in v.message
