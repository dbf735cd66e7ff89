"""Answer events: /answer publishes, subscribers add to the private reply, in order."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.events import Addition, Answered, AnswerHooks, SubmissionHooks, Submitted
from bot.core.ports import QuizPost
from bot.core.types import Button, Paragraph

POST = QuizPost(1, "test:c", "await-1", "quiz", None, "2026-11-25T06:00:00+00:00")


def _event(entry=None) -> Answered:
    return Answered(POST, entry, 1, True, datetime(2026, 11, 25, 6, 1, tzinfo=UTC))


async def test_every_subscriber_sees_the_event_and_none_adds_nothing():
    """Subscribers run in the order they subscribed; one returning None adds nothing."""
    seen: list[str] = []

    async def first(ctx, event):
        seen.append("first")
        return Addition(blocks=(Paragraph.plain("one"),))

    async def silent(ctx, event):
        seen.append("silent")
        return None

    async def last(ctx, event):
        seen.append("last")
        return Addition(buttons=((Button("Next", "quiz"),),))

    hooks = AnswerHooks()
    for hook in (first, silent, last, first):  # subscribing twice counts once
        hooks.subscribe(hook)
    added = await hooks.publish(None, _event())  # type: ignore[arg-type]
    assert seen == ["first", "silent", "last"]
    assert [a.blocks for a in added] == [(Paragraph.plain("one"),), ()]
    assert added[1].buttons == ((Button("Next", "quiz"),),)


def test_practice_subscribes_to_answers(core):
    """The practice feature hears answers through the core's hook, not by being imported."""
    from bot.core.features.practice import on_answer

    assert on_answer in core.answers._hooks


async def test_submission_subscribers_each_see_a_graded_submission():
    """/submit's event reaches every subscriber once, in order; None adds nothing."""
    event = Submitted("fix-blocking", "blocking", False, "main-slow", "time-sleep-ok", "blocking",
                      False, datetime(2026, 11, 25, 6, 1, tzinfo=UTC))
    seen: list[str] = []

    async def practice(ctx, got):
        seen.append(got.check)
        return Addition(blocks=(Paragraph.plain("review"),))

    async def quiet(ctx, got):
        seen.append("quiet")
        return None

    hooks = SubmissionHooks()
    hooks.subscribe(practice)
    hooks.subscribe(practice)  # twice is once
    hooks.subscribe(quiet)
    added = await hooks.publish(None, event)
    assert seen == ["main-slow", "quiet"]
    assert [a.blocks[0].spans[0].text for a in added] == ["review"]
