"""ReplyMemo: an adapter's rendering of a reply object, computed once while it is recent."""

from __future__ import annotations

from bot.adapters.memo import ReplyMemo
from bot.core.types import Reply


class Counting:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, reply: Reply, *extra) -> str:
        self.calls.append((reply, *extra))
        return f"rendered {reply.title} {extra}"


def test_the_same_reply_object_is_rendered_once() -> None:
    render = Counting()
    memo = ReplyMemo(render)
    card = Reply.text("body", title="await")
    first = memo(card, "hi")
    assert memo(card, "hi") is first
    assert len(render.calls) == 1
    memo(card, "en")  # another voice is another rendering
    assert len(render.calls) == 2


def test_an_equal_but_new_reply_is_rendered_again() -> None:
    """Identity, not equality: a reply built afresh (a tally) never hits, even if equal."""
    render = Counting()
    memo = ReplyMemo(render)
    memo(Reply.text("same", title="t"))
    memo(Reply.text("same", title="t"))
    assert len(render.calls) == 2


def test_only_the_most_recent_are_kept() -> None:
    render = Counting()
    memo = ReplyMemo(render, size=2)
    a, b, c = (Reply.text(x, title=x) for x in "abc")
    memo(a), memo(b), memo(a), memo(c)  # b is the least recently used: dropped
    memo(a)
    assert len(render.calls) == 3
    memo(b)
    assert len(render.calls) == 4
