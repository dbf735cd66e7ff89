"""The services object: delivery by platform, the question bank beside the cards, and the
background work features declare to the host."""

from __future__ import annotations

import dataclasses
import logging
import shutil

import pytest

from bot.core.content import Library
from bot.core.features.daily import DailyScheduler
from bot.core.services import DailyPace, Deliveries, bank_beside
from bot.core.types import ChatKind, ChatRef, Reply
from tests.conftest import CONTENT, make_core


class Sink:
    def __init__(self) -> None:
        self.got: list[tuple[ChatRef, Reply]] = []

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        self.got.append((chat, reply))


async def test_deliveries_go_to_the_platforms_deliverer_and_refuse_others():
    """A post goes to its platform's deliverer; a platform with none is a LookupError."""
    deliveries, sink = Deliveries(), Sink()
    deliveries.register("test", sink)
    chat = ChatRef("test", "1", ChatKind.GROUP)
    await deliveries.deliver(chat, Reply.text("hi"))
    assert sink.got == [(chat, Reply.text("hi"))] and deliveries.delivers_to() == {"test"}
    with pytest.raises(LookupError):
        await deliveries.deliver(ChatRef("other", "1", ChatKind.GROUP), Reply.text("hi"))


def test_the_bank_beside_the_cards_is_loaded(library: Library):
    """The bank next to content/terms has questions, in curriculum order."""
    bank = bank_beside(library)
    assert bank.entries and bank.ordered[0].term == library.terms[0].id


def test_a_broken_bank_leaves_the_quiz_empty_and_says_so(tmp_path, caplog):
    """A broken bank is logged with the lint command and gives an empty bank, not a crash."""
    shutil.copytree(CONTENT / "terms", tmp_path / "terms")
    shutil.copytree(CONTENT / "quiz", tmp_path / "quiz")
    (tmp_path / "quiz" / "await.yaml").write_text("questions: [oops")
    library = Library.from_dir(tmp_path)
    assert bank_beside(Library.from_dir(CONTENT)).entries  # the same bank, unbroken, has some
    with caplog.at_level(logging.ERROR):
        bank = bank_beside(library)
    assert not bank.entries
    assert "python -m bot.lint content/" in caplog.text


def test_services_are_frozen_and_the_scheduler_is_declared_with_their_pace(library, storage):
    """Services cannot be changed in place; the daily scheduler is declared to the host with
    the pace the services carry (the host never reaches into a feature)."""
    core = make_core(library, storage, daily_pace=DailyPace(concurrency=3, rate_per_second=5))
    with pytest.raises(dataclasses.FrozenInstanceError):
        core.services.clock = None  # type: ignore[misc]
    [daily] = [s for s in core.services_to_run() if isinstance(s, DailyScheduler)]
    assert (daily.concurrency, daily.rate_per_second) == (3, 5)
    assert not hasattr(core, "daily") and not hasattr(core, "quiz_bank")
