"""Timed rounds (/quiz round, /quiz stop) through the real core, a real database and a fake clock:
the round runner is driven step by step (`tick`) or run as the background service it is."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.features._rounds import HELD_ELSEWHERE_S, ROUND_SECONDS, STALE, RoundRunner
from bot.core.types import ChatRef, Reply
from tests.conftest import make_core
from tests.core.features.conftest import ALICE, BOB, DM, GROUP, replies, shown_as

GRACE_S = 3  # ANSWER_GRACE


class Channel:
    """A deliverer that hands out message ids and records edits, like a chat platform."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []
        self.edits: list[tuple[str, Reply]] = []
        self.down = False  # as an adapter still connecting after a restart

    async def deliver(self, chat: ChatRef, reply: Reply) -> str:
        await asyncio.sleep(0)
        if self.down:
            raise ConnectionError("the adapter is not connected")
        message_id = str(len(self.sent) + 1)
        self.sent.append((message_id, reply))
        return message_id

    async def edit_delivered(self, chat: ChatRef, message_id: str, reply: Reply) -> bool:
        self.edits.append((message_id, reply))
        return True

    def questions(self) -> list[Reply]:
        return [r for _, r in self.sent if any(b.command == "answer" for row in r.buttons for b in row)]

    def boards(self) -> list[Reply]:
        return [r for _, r in self.sent if r.title and "scoreboard" in r.title]


@pytest.fixture
def channel(core) -> Channel:
    chan = Channel()
    core.register_deliverer("test", chan)
    return chan


def runner_of(core) -> RoundRunner:
    return next(s for s in core.services_to_run() if isinstance(s, RoundRunner))


def post_of(question: Reply) -> int:
    return int(next(b for row in question.buttons for b in row if b.command == "answer").args.split()[0])


async def answer(core, question: Reply, *, right: bool, user=ALICE) -> None:
    post_id = post_of(question)
    post = await core.services.quiz.quiz_post(post_id)
    q = core.services.quiz_bank.by_id[post.question_id].question
    original = q.answer if right else next(n for n in range(1, len(q.choices) + 1) if n != q.answer)
    await replies(core, f"/answer {post_id} {await shown_as(core, post_id, original)}", GROUP, user)


async def test_a_round_runs_to_its_scoreboard_and_counts_in_stats(core, clock, channel):
    """Three questions, each revealed by an edit when its time is up, then the scoreboard."""
    (started,) = await replies(core, "/quiz round 3 await", GROUP)
    assert "3" in started.plain() and not started.private
    runner = runner_of(core)
    assert await runner.tick() == ROUND_SECONDS + GRACE_S  # question 1 is out, due after its time
    for n in range(1, 4):
        question = channel.questions()[-1]
        assert len(channel.questions()) == n and f"{n}/3" in question.title
        assert question.poll is not None and question.poll.open_period == ROUND_SECONDS
        post = await core.services.quiz.quiz_post(post_of(question))
        assert core.services.quiz_bank.by_id[post.question_id].term == "await"
        await answer(core, question, right=n != 2)
        await answer(core, question, right=True, user=BOB)
        message_id = next(m for m, r in channel.sent if r is question)
        clock.advance(seconds=ROUND_SECONDS + GRACE_S)
        await runner.tick()
        edited, reveal = channel.edits[-1]
        assert edited == message_id and "Time khatam" in reveal.plain()
        assert not reveal.buttons  # the revealed question takes no more answers
    board = channel.boards()[-1]
    lines = board.plain()
    assert lines.index("Bob") < lines.index("Alice") and "2/3" in lines and "3/3" in lines
    assert await core.services.quiz.round_running(GROUP.key) is None
    score = await core.services.quiz.score(GROUP.key, ALICE.key)
    assert (score.answered, score.correct, score.streak) == (3, 2, 1)
    # Three different questions.
    assert len({post_of(q) for q in channel.questions()}) == 3
    assert len({(await core.services.quiz.quiz_post(post_of(q))).question_id
                for q in channel.questions()}) == 3


async def test_the_runner_as_a_service_sleeps_on_its_event_and_finishes_a_round(core, clock, channel):
    """Run as the host runs it, woken by the start: the round reaches its scoreboard."""
    runner = runner_of(core)
    async with asyncio.TaskGroup() as tg:
        task = tg.create_task(runner.run())
        await asyncio.sleep(0.05)
        await replies(core, "/quiz round 3", GROUP)
        for _ in range(500):
            if channel.boards():
                break
            await asyncio.sleep(0.01)
        task.cancel()
    assert len(channel.questions()) == 3 and len(channel.boards()) == 1
    assert "Kisi ne jawab nahi diya" in channel.boards()[0].plain()


async def test_an_answer_after_the_time_is_up_does_not_count(core, clock, channel):
    """Past its deadline (and the grace for votes in flight) a question refuses answers."""
    await replies(core, "/quiz round 3", GROUP)
    await runner_of(core).tick()
    question = channel.questions()[-1]
    clock.advance(seconds=ROUND_SECONDS + GRACE_S + 1)
    (late,) = await replies(core, f"/answer {post_of(question)} 1", GROUP, ALICE)
    assert late.private and "time khatam" in late.plain().lower()
    assert await core.services.quiz.score(GROUP.key, ALICE.key) is None


async def test_one_round_per_chat(core, channel):
    """A second round while one runs is refused with a hint."""
    await replies(core, "/quiz round", GROUP)
    (again,) = await replies(core, "/quiz round 4", GROUP, BOB)
    assert again.private and "/quiz stop" in again.plain()


async def test_a_round_size_out_of_range_gets_a_friendly_hint(core, channel):
    """n must be 3 to 10; no round starts otherwise."""
    for text in ("/quiz round 2", "/quiz round 11", "/quiz round 99 await"):
        (reply,) = await replies(core, text, GROUP)
        assert reply.private and "3 se 10" in reply.plain()
    assert await core.services.quiz.round_running(GROUP.key) is None


async def test_stop_by_its_starter_ends_the_round_with_the_board(core, clock, channel):
    """The starter stops it: the scoreboard so far, and the runner asks nothing more."""
    await replies(core, "/quiz round 5", GROUP)
    runner = runner_of(core)
    await runner.tick()
    await answer(core, channel.questions()[-1], right=True)
    (board,) = await replies(core, "/quiz stop", GROUP, ALICE)
    assert not board.private and "roka" in board.title and "Alice" in board.plain()
    assert "Time khatam" in channel.edits[-1][1].plain()  # the open question shows its answer
    (late,) = await replies(core, f"/answer {post_of(channel.questions()[-1])} 1", GROUP, BOB)
    assert "time khatam" in late.plain().lower()  # and, shown, it takes no more answers
    clock.advance(seconds=60)
    await runner.tick()
    assert len(channel.questions()) == 1
    assert (await core.services.quiz.round_get(1)).status == "stopped"


async def test_stop_is_refused_to_others_and_allowed_to_an_admin(core, channel):
    """Bob, neither admin nor starter, may not stop Alice's round; a chat admin may."""
    await replies(core, "/quiz round", GROUP, ALICE)
    (refused,) = await replies(core, "/quiz stop", GROUP, BOB)
    assert refused.private and "admin" in refused.plain()
    assert await core.services.quiz.round_running(GROUP.key) is not None
    (board,) = await replies(core, "/quiz stop", GROUP, BOB, admin=True)
    assert "scoreboard" in board.title
    assert await core.services.quiz.round_running(GROUP.key) is None
    (none,) = await replies(core, "/quiz stop", GROUP, BOB, admin=True)
    assert "koi round nahi" in none.plain()


async def test_a_restart_mid_round_carries_on_and_loses_no_answer(core, library, storage, clock,
                                                                   channel):
    """A new core over the same database resumes the round from its rows."""
    await replies(core, "/quiz round 3", GROUP)
    await runner_of(core).tick()
    await answer(core, channel.questions()[-1], right=True)
    again = make_core(library, storage, clock=clock)  # the process restarted
    again.register_deliverer("test", channel)
    clock.advance(seconds=ROUND_SECONDS + GRACE_S)
    runner = runner_of(again)
    await runner.tick()
    assert len(channel.questions()) == 2 and channel.edits  # revealed, and the next one is out
    for _ in range(2):
        clock.advance(seconds=ROUND_SECONDS + GRACE_S)
        await runner.tick()
    assert "1/1" in channel.boards()[-1].plain()


async def test_a_round_found_long_overdue_after_a_restart_is_closed_with_its_board(
        core, library, storage, clock, channel):
    """Down for longer than a round can wait: the round closes, its answers on the board."""
    await replies(core, "/quiz round 5", GROUP)
    await runner_of(core).tick()
    await answer(core, channel.questions()[-1], right=True)
    clock.advance(seconds=STALE.total_seconds() + 60)
    again = make_core(library, storage, clock=clock)
    again.register_deliverer("test", channel)
    await runner_of(again).tick()
    board = channel.boards()[-1]
    assert "band ho gaya" in board.plain() and "Alice" in board.plain()
    assert len(channel.questions()) == 1
    assert (await storage.round_get(1)).status == "closed"


async def test_rounds_need_a_platform_that_takes_posts(core):
    """Without a deliverer for the chat's platform, /quiz round says so and starts nothing."""
    (reply,) = await replies(core, "/quiz round", GROUP)
    assert reply.private and await core.services.quiz.round_running(GROUP.key) is None


async def test_quiz_with_a_term_still_asks_one_question(core):
    """`/quiz await` is the single question (the default subcommand); `/quiz ask await` too."""
    for text in ("/quiz await", "/quiz ask await"):
        (reply,) = await replies(core, text)
        post = await core.services.quiz.quiz_post(post_of(reply))
        assert core.services.quiz_bank.by_id[post.question_id].term == "await"


async def test_an_answer_to_a_round_question_is_private_and_edits_nothing(core, channel):
    """The group's round question keeps its title and timer: no tally edit per answer."""
    await replies(core, "/quiz round 3", GROUP)
    await runner_of(core).tick()
    question = channel.questions()[-1]
    out = await replies(core, f"/answer {post_of(question)} 1", GROUP, ALICE)
    assert len(out) == 1 and out[0].private and not out[0].edit_source


async def test_a_platform_still_connecting_after_a_restart_delays_the_round_not_ends_it(
        core, clock, channel):
    """A post refused because the adapter is not connected yet is tried again a little later."""
    await replies(core, "/quiz round 3", GROUP)
    channel.down = True
    runner = runner_of(core)
    assert await runner.tick() == pytest.approx(5.0)
    assert await core.services.quiz.round_running(GROUP.key) is not None
    channel.down = False
    clock.advance(seconds=5)
    await runner.tick()
    assert len(channel.questions()) == 1
    for _ in range(3):
        clock.advance(seconds=ROUND_SECONDS + GRACE_S)
        await runner.tick()
    assert len(channel.boards()) == 1 and await core.services.quiz.round_running(GROUP.key) is None


async def test_one_process_at_a_time_steps_the_rounds(library, pg, clock):
    """Two processes on one PostgreSQL: while another holds the rounds' lock this runner's pass
    posts nothing (two would ask each question twice); once it lets go, the round goes on here."""
    from bot.storage.postgresql import PostgresStorage

    storage = await PostgresStorage.open(await pg.fresh_url())
    try:
        core = make_core(library, storage, clock=clock)
        chan = Channel()
        core.register_deliverer("test", chan)
        runner = runner_of(core)
        await replies(core, "/quiz round 3", GROUP)
        async with storage.hold(RoundRunner.name) as other:  # the other process's pass
            assert other
            assert await runner.one_pass() == HELD_ELSEWHERE_S
            assert chan.questions() == []
        assert await runner.one_pass() == ROUND_SECONDS + GRACE_S
        assert len(chan.questions()) == 1
    finally:
        await storage.close()


async def test_a_pass_whose_lock_was_lost_starts_no_step(library, pg, clock):
    """The database ended the pass's lock connection (pg_terminate_backend): another process
    may be stepping now, so this pass asks nothing; the next pass, holding the lock again,
    asks the question."""
    import asyncpg

    from bot.storage.postgresql import HOLD_CLASS, PostgresStorage

    url = await pg.fresh_url()
    storage = await PostgresStorage.open(url)
    admin = await asyncpg.connect(url)
    try:
        core = make_core(library, storage, clock=clock)
        chan = Channel()
        core.register_deliverer("test", chan)
        runner = runner_of(core)
        await replies(core, "/quiz round 3", GROUP)
        async with storage.hold(RoundRunner.name) as lock:
            assert lock
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND classid = $1::bigint::oid AND objid = hashtext($2)::oid",
                HOLD_CLASS, RoundRunner.name)
            await asyncio.wait_for(lock.lost.wait(), 5)
            assert await runner.tick(lock) == HELD_ELSEWHERE_S
            assert chan.questions() == []
        assert await runner.one_pass() == ROUND_SECONDS + GRACE_S
        assert len(chan.questions()) == 1
    finally:
        await admin.close()
        await storage.close()


async def _used_the_whole_sheet(core, user=ALICE) -> None:
    """`user` asks for every sheet question once in private: the least used are level 2's now."""
    sheet = {c.id for c in core.library.curriculum}
    for _ in [e for e in core.services.quiz_bank.entries if e.term in sheet]:
        await replies(core, "/quiz", DM, user)


async def _first_term(core, channel, text: str, chat=GROUP, *, admin: bool = False) -> tuple[str, Reply]:
    """The term of the first question of the round `text` starts, and the start reply."""
    (started,) = await replies(core, text, chat, admin=admin)
    await runner_of(core).tick()
    post = await core.services.quiz.quiz_post(post_of(channel.questions()[-1]))
    return core.services.quiz_bank.by_id[post.question_id].term, started


async def test_a_group_round_stays_on_the_sheet_unless_the_chat_chose_all(core, channel):
    """A group round with no term follows the chat's track, not its starter's path: the sheet by
    default, both tracks after `/daily track all`."""
    await _used_the_whole_sheet(core)
    await replies(core, "/term taskgroup", DM)  # the starter has reached level 2
    sheet = {c.id for c in core.library.curriculum}
    term, started = await _first_term(core, channel, "/quiz round 3")
    assert term in sheet and "revision sheet ke 15 terms" in started.plain()
    await replies(core, "/quiz stop", GROUP)
    await replies(core, "/daily track all", GROUP, admin=True)
    term, started = await _first_term(core, channel, "/quiz round 3")
    assert term not in sheet and "saare 24 terms" in started.plain()


async def test_a_private_round_follows_the_starters_path(core, channel):
    """Alone, a round with no term asks about the sheet until the learner reaches level 2."""
    await _used_the_whole_sheet(core)
    sheet = {c.id for c in core.library.curriculum}
    term, started = await _first_term(core, channel, "/quiz round 3", DM)
    assert term in sheet and "revision sheet ke 15 terms" in started.plain()
    await replies(core, "/quiz stop", DM)
    await replies(core, "/term queue", DM)
    term, _ = await _first_term(core, channel, "/quiz round 3", DM)
    assert term not in sheet


async def test_no_round_starts_where_nothing_could_post_it(core):
    """No deliverer for the chat's platform (a one-shot command: the process ends after it):
    `/quiz round` says it needs the running bot, in both voices, and stores no round."""
    (hi,) = await replies(core, "/quiz round 3", GROUP)
    assert "make run" in hi.plain() and hi.private
    await replies(core, "/lang en", GROUP, admin=True)
    (en,) = await replies(core, "/quiz round 3", GROUP)
    assert "A timed round needs the running bot" in en.plain() and "make run" in en.plain()
    assert await core.services.quiz.rounds_running() == []
