"""What an adapter rendered from a reply, kept for the next time the core hands out the same
reply object (a card: `Library.memo`), so a popular card is escaped and split once per
platform, not on every lookup.

Keyed by identity, which is safe because a `Reply` is frozen (the same object cannot come
to mean something else) and each entry holds its reply (its id cannot be reused while
cached). A reply the core builds afresh (a quiz tally, a run's output) simply misses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from bot.core.types import Reply

T = TypeVar("T")

SIZE = 128  # 16 cards x 2 voices x the few variants an adapter renders


class ReplyMemo(Generic[T]):
    """`memo(reply, *extra)` == `render(reply, *extra)`, computed once per reply object and
    extra arguments while among the SIZE most recently used. What it returns is shared: the
    caller must not change it."""

    def __init__(self, render: Callable[..., T], size: int = SIZE) -> None:
        self._render = render
        self._size = size
        self._entries: OrderedDict[tuple[int, tuple[Hashable, ...]], tuple[Reply, T]] = OrderedDict()

    def __call__(self, reply: Reply, *extra: Hashable) -> T:
        key = (id(reply), extra)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is reply:
            self._entries.move_to_end(key)
            return entry[1]
        value = self._render(reply, *extra)
        self._entries[key] = (reply, value)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return value
