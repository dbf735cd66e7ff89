"""The reply-streaming policy of `Answer`, on a tiny in-memory platform (a fixture with the
primitives' contract, not a mock of any SDK): progress edited in place, private answers,
fallbacks when the platform refuses a way, acknowledgement and the busy sign."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable

import pytest

from bot.adapters.base import Answer, Refused
from bot.core.monitor import LatencyHistogram
from bot.core.types import CodeBlock, CodeForm, QuizPoll, Reply


class Room(Answer[int]):
    """A chat platform in memory: messages by id and a log of everything done. Its knobs are
    what real platforms differ in."""

    def __init__(self, *, private_here: bool = True, can_edit: bool = True,
                 source: int | None = None, private_chat: bool = True, notice_max: int = 20,
                 polls: bool = False, ack_after: float | None = None,
                 busy_every: float | None = None, forms: bool = False,
                 others_see_private: bool = False) -> None:
        super().__init__()
        self._others_see_private = others_see_private
        self._private_here, self.can_edit, self.source = private_here, can_edit, source
        self.private_chat, self.notice_max, self.polls = private_chat, notice_max, polls
        self.ack_after, self.busy_every = ack_after, busy_every
        self.forms = forms
        self.messages: dict[int, str] = {} if source is None else {source: "the clicked post"}
        self.log: list[str] = []
        self.notice_spent = False
        self.acknowledged = asyncio.Event()
        self.release_ack: asyncio.Event | None = None  # set: acknowledging waits for it
        self.busy_signs = 0
        self.busy_thrice = asyncio.Event()

    @property
    def private_here(self) -> bool:
        return self._private_here

    @property
    def others_see_private(self) -> bool:
        return self._others_see_private

    async def send(self, reply: Reply) -> int:
        handle = 100 + len(self.log)
        self.messages[handle] = reply.plain()
        self.log.append(f"send {handle} {reply.plain()}" + (" (only them)" if reply.private else ""))
        return handle

    async def edit(self, target: int, reply: Reply) -> int:
        if not self.can_edit:
            raise Refused("not editable here")
        self.messages[target] = reply.plain()
        self.log.append(f"edit {target} {reply.plain()}")
        return target

    async def edit_source(self, reply: Reply) -> int:
        if self.source is None:
            raise Refused("no click")
        return await self.edit(self.source, reply)

    async def send_poll(self, reply: Reply) -> bool:
        if self.polls and reply.poll is not None:
            self.log.append(f"poll {reply.poll.question}")
        return self.polls

    async def send_form(self, reply: Reply) -> bool:
        if self.forms and reply.form is not None:
            self.log.append(f"form /{reply.form.command} {reply.form.code}")
        return self.forms

    async def notice(self, reply: Reply, *, hint: bool = False) -> bool:
        text = reply.plain()
        if self.notice_spent or (len(text) > self.notice_max and not hint):
            return False
        self.notice_spent = True
        self.log.append(f"notice {text[:self.notice_max]}"
                        + (" + how to open a private chat" if hint else ""))
        return True

    async def send_private(self, reply: Reply) -> None:
        if not self.private_chat:
            raise Refused("they never opened a private chat")
        self.log.append(f"private {reply.plain()}")

    async def note_sent_private(self) -> None:
        self.log.append("note: sent privately")

    async def acknowledge(self) -> None:
        self.log.append("ack")
        self.acknowledged.set()
        if self.release_ack is not None:
            await self.release_ack.wait()
            self.log.append("ack done")

    async def show_busy(self) -> None:
        self.busy_signs += 1
        if self.busy_signs == 3:
            self.busy_thrice.set()


async def replies(*items: Reply) -> AsyncIterator[Reply]:
    for item in items:
        yield item


def progress(text: str) -> Reply:
    return Reply.text(text, final=False)


LONG = "a private answer far too long for a notice"


async def play(room: Room, items: Iterable[Reply], **kwargs: bool) -> list[str]:
    async with asyncio.timeout(5):
        await room.play(replies(*items), **kwargs)
    return room.log


async def test_progress_is_replaced_in_place_until_the_final_reply():
    """Each progress reply is edited by the next; after the final one a reply is new."""
    log = await play(Room(), [progress("queued"), progress("running"), Reply.text("done"),
                              Reply.text("extra")])
    assert log == ["send 100 queued", "edit 100 running", "edit 100 done", "send 103 extra"]


async def test_a_refused_edit_sends_the_reply_anew():
    """Where the platform will not edit the progress message, the next reply is a new one."""
    log = await play(Room(can_edit=False), [progress("queued"), Reply.text("done")])
    assert log == ["send 100 queued", "send 101 done"]


async def test_edit_source_replaces_the_clicked_message():
    """A tally replaces the message whose button was clicked."""
    room = Room(source=7)
    await play(room, [Reply.text("tally: 1")])  # edit_source not asked for: a new message
    assert room.messages[7] == "the clicked post"
    room = Room(source=7)
    log = await play(room, [Reply(blocks=Reply.text("tally: 2").blocks, edit_source=True)])
    assert log == ["edit 7 tally: 2"] and room.messages == {7: "tally: 2"}


async def test_edit_source_without_a_clicked_message_is_sent_anew():
    """A typed command has no clicked message: the reply is sent."""
    log = await play(Room(), [Reply(blocks=Reply.text("tally: 2").blocks, edit_source=True)])
    assert log == ["send 100 tally: 2"]


async def test_a_progress_message_wins_over_the_clicked_one():
    """After a progress reply, the next reply replaces the progress, as promised."""
    log = await play(Room(source=7), [progress("counting"),
                                      Reply(blocks=Reply.text("tally: 2").blocks, edit_source=True)])
    assert log == ["send 100 counting", "edit 100 tally: 2"]


async def test_a_private_reply_stays_in_place_where_the_platform_can_hide_it():
    """Ephemeral-capable platforms show a private reply in place, to the user alone."""
    log = await play(Room(), [Reply.text(LONG, private=True)])
    assert log == [f"send 100 {LONG} (only them)"]


async def test_a_short_private_reply_is_a_notice():
    """Where nothing can be hidden in place, a short private reply is a notice only they see."""
    log = await play(Room(private_here=False), [Reply.text("you were right", private=True)])
    assert log == ["notice you were right"]


async def test_a_rich_private_reply_goes_to_the_private_chat_with_a_note():
    """Too long for a notice: to the user's private chat, and a note says so."""
    log = await play(Room(private_here=False), [Reply.text(LONG, private=True)])
    assert log == [f"private {LONG}", "note: sent privately"]


async def test_a_refused_private_chat_gives_the_start_and_a_hint():
    """No private chat: the answer's start as a notice, and how to open the private chat."""
    log = await play(Room(private_here=False, private_chat=False), [Reply.text(LONG, private=True)])
    assert log == [f"notice {LONG[:20]} + how to open a private chat"]


async def test_with_every_private_way_spent_the_reply_is_shown_in_place():
    """Notice already used and no private chat: the reply is shown where the event was."""
    log = await play(Room(private_here=False, private_chat=False),
                     [Reply.text("first", private=True), Reply.text(LONG, private=True)])
    assert log == ["notice first", f"send 101 {LONG} (only them)"]


async def test_a_spoiling_reply_goes_to_the_private_chat_where_others_would_see_it():
    """A typed command in a group (no ephemeral messages): a verdict goes to the private chat."""
    verdict = Reply.text(LONG, private=True, spoils=True)
    log = await play(Room(others_see_private=True), [verdict])
    assert log == [f"private {LONG}", "note: sent privately"]
    ordinary = await play(Room(others_see_private=True), [Reply.text(LONG, private=True)])
    assert ordinary == [f"send 100 {LONG} (only them)"]  # a private reply that spoils nothing
    hidden = await play(Room(), [verdict])  # ephemeral-capable: in place, to them alone
    assert hidden == [f"send 100 {LONG} (only them)"]


async def test_a_spoiling_reply_is_never_shown_in_place_to_others():
    """No private chat and the notice spent: the verdict is not shown where others see it."""
    log = await play(Room(others_see_private=True, private_chat=False),
                     [Reply.text("first", private=True, spoils=True),
                      Reply.text(LONG, private=True, spoils=True)])
    assert log == ["notice first"]


POLL = QuizPoll(quiz_id=1, question="Which awaits?", options=("a", "b"), correct_index=0,
                explanation="")


async def test_a_public_quiz_goes_out_as_a_native_poll_and_ends_the_progress():
    """A poll replaces nothing: the progress before it is left, the next reply is new."""
    question = Reply(blocks=Reply.text("Which awaits?").blocks, poll=POLL)
    log = await play(Room(polls=True), [progress("picking"), question, Reply.text("next")])
    assert log == ["send 100 picking", "poll Which awaits?", "send 102 next"]


async def test_a_private_or_pollless_quiz_is_sent_as_its_reply():
    """No native poll for a private question, nor on a platform without polls."""
    private = Reply(blocks=Reply.text("Q").blocks, poll=POLL, private=True)
    assert await play(Room(polls=True), [private]) == ["send 100 Q (only them)"]
    assert await play(Room(polls=False), [Reply(blocks=Reply.text("Q").blocks, poll=POLL)]) \
        == ["send 100 Q"]


async def test_long_running_is_acknowledged_first_and_busy_until_its_last_reply():
    """Acknowledged before any reply; the busy sign is renewed while it works, then stops."""
    room = Room(busy_every=0.01)

    async def work() -> AsyncIterator[Reply]:
        yield progress("running")
        await room.busy_thrice.wait()
        yield Reply.text("done")

    async with asyncio.timeout(5):
        await room.play(work(), long_running=True)
    signs = room.busy_signs
    await asyncio.sleep(0.05)
    assert room.log == ["ack", "send 101 running", "edit 101 done"]
    assert signs >= 3 and room.busy_signs == signs


async def test_a_quick_command_shows_no_busy_sign_and_needs_no_acknowledgement():
    """A command answered at once is neither acknowledged nor shown as busy."""
    room = Room(ack_after=0.02, busy_every=0.01)
    await play(room, [Reply.text("hi")])
    await asyncio.sleep(0.06)
    assert room.log == ["send 100 hi"] and room.busy_signs == 0


async def test_a_quick_command_that_turns_slow_is_acknowledged_in_time():
    """Still working after ack_after: acknowledged then, and the reply follows."""
    room = Room(ack_after=0.01)

    async def sluggish() -> AsyncIterator[Reply]:
        await room.acknowledged.wait()
        yield Reply.text("late but here")

    async with asyncio.timeout(5):
        await room.play(sluggish())
    assert room.log == ["ack", "send 101 late but here"]


async def test_the_acknowledgement_and_the_first_reply_never_overlap():
    """A reply ready while the acknowledgement is under way waits for it to finish."""
    room = Room(ack_after=0.0)
    room.release_ack = asyncio.Event()

    async def ready_during_ack() -> AsyncIterator[Reply]:
        await room.acknowledged.wait()
        yield Reply.text("answer")

    task = asyncio.create_task(room.play(ready_during_ack()))
    await asyncio.wait_for(room.acknowledged.wait(), 5)
    await asyncio.sleep(0.02)  # the reply is ready and waiting
    assert room.log == ["ack"]
    room.release_ack.set()
    await asyncio.wait_for(task, 5)
    assert room.log == ["ack", "ack done", "send 102 answer"]


async def test_a_failing_command_stops_the_busy_sign():
    """The stream's error propagates and no busy sign follows it."""
    room = Room(busy_every=0.01)

    async def broken() -> AsyncIterator[Reply]:
        yield progress("running")
        raise ValueError("the handler broke")

    with pytest.raises(ExceptionGroup) as info:
        await room.play(broken(), long_running=True)
    assert info.group_contains(ValueError, match="the handler broke")
    signs = room.busy_signs
    await asyncio.sleep(0.05)
    assert room.busy_signs == signs


async def test_code_to_edit_opens_a_form_where_there_is_one_else_shows_the_code():
    """A platform with forms opens one prefilled (and nothing else is sent); elsewhere the
    reply, which shows the code, is sent."""
    back = Reply(blocks=(CodeBlock("print(1)"),), form=CodeForm("run", "code", "print(1)"),
                 private=True)
    assert await play(Room(forms=True), [back]) == ["form /run print(1)"]
    assert await play(Room(), [back]) == ["send 100 print(1) (only them)"]


async def test_the_first_reply_is_timed_once_from_the_update_receipt():
    """With timing asked for, the time from receipt to the first reply is recorded once, however
    many replies follow; progress edits and later sends add nothing."""
    histogram = LatencyHistogram()
    room = Room()
    room.time_first_reply(histogram, received=time.monotonic() - 0.25)
    await play(room, [progress("queued"), progress("running"), Reply.text("done")])
    assert histogram.count == 1
    assert 0.25 <= histogram.sum < 60

