"""Challenge attempts: status new/tried/solved per user and challenge, the last code, the
first pass's time and chat (counted once, moving that chat's streak), and /forget."""

import dataclasses
from pathlib import Path

import pytest

from bot.core.ports.storage import ChallengeAttempt
from bot.storage import Storage

U = "test:alice"


@pytest.fixture
async def db(tmp_path: Path):
    store = await Storage.open(tmp_path / "bot.sqlite3")
    yield store
    await store.close()


async def submit(db: Storage, check: str | None, *, chat: str = "test:room", code: str = "print(1)",
                 now: str = "2026-11-25T06:00:00+00:00", day: str = "2026-11-25",
                 challenge: str = "fix-blocking") -> bool:
    return await db.record_submission(user_key=U, user_name="Alice", chat_key=chat,
                                      challenge_id=challenge, code=code, check=check, now=now,
                                      day=day, yesterday="2026-11-24")


async def test_opening_makes_a_new_row_and_remembers_the_last_opened(db: Storage):
    """An opened challenge is 'new' and the latest opened one is what /submit means."""
    assert await db.last_opened_challenge(U) is None
    await db.challenge_opened(U, "fix-blocking", "2026-11-25T06:00:00+00:00")
    await db.challenge_opened(U, "missing-await", "2026-11-25T06:01:00+00:00")
    row = await db.challenge_attempt(U, "fix-blocking")
    assert isinstance(row, ChallengeAttempt) and row.status == "new" and row.tries == 0
    assert await db.last_opened_challenge(U) == "missing-await"
    await db.challenge_opened(U, "fix-blocking", "2026-11-25T06:02:00+00:00")
    assert await db.last_opened_challenge(U) == "fix-blocking"
    # Within one second the later open still wins.
    for cid in ("starvation", "missing-await", "starvation"):
        await db.challenge_opened(U, cid, "2026-11-25T06:03:00+00:00")
    assert await db.last_opened_challenge(U) == "starvation"
    await db.challenge_opened("test:bob", "save-all", "2026-11-25T06:03:00+00:00")
    assert await db.last_opened_challenge(U) == "starvation"


async def test_a_failed_submission_is_tried_with_its_code_and_check(db: Storage):
    """A ❌ keeps the code (for the next form) and the check it failed; it counts nothing."""
    assert await submit(db, "main-slow", code="bad code") is False
    row = await db.challenge_attempt(U, "fix-blocking")
    assert row is not None
    assert (row.status, row.tries, row.last_code, row.last_check) == ("tried", 1, "bad code", "main-slow")
    assert row.solved_at is None
    assert await db.score("test:room", U) is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.status = "solved"  # type: ignore[misc]


async def test_the_first_pass_counts_once_in_its_chat(db: Storage):
    """The first ✅ is solved in this chat, moves its streak; a repeat ✅ anywhere counts nothing."""
    await submit(db, "output")
    assert await submit(db, None, code="good") is True
    assert await submit(db, None, chat="test:other", now="2026-11-25T07:00:00+00:00") is False
    row = await db.challenge_attempt(U, "fix-blocking")
    assert row is not None and row.status == "solved" and row.tries == 3
    assert (row.solved_chat, row.solved_at) == ("test:room", "2026-11-25T06:00:00+00:00")
    score = await db.score("test:room", U)
    assert score is not None and (score.answered, score.streak, score.last_day) == (0, 1, "2026-11-25")
    assert await db.score("test:other", U) is None
    # A later ❌ keeps it solved.
    await submit(db, "main-slow")
    assert (await db.challenge_attempt(U, "fix-blocking")).status == "solved"
    board = await db.solved_board("test:room")
    assert [(r.user_key, r.user_name, r.solved) for r in board] == [(U, "Alice", 1)]
    assert await db.solved_board("test:other") == []
    assert await db.solved_board("test:room", since="2026-11-26") == []


async def test_a_pass_on_the_next_day_extends_the_streak(db: Storage):
    """Solving yesterday and today makes a two-day streak in that chat."""
    await db.record_submission(user_key=U, user_name="Alice", chat_key="test:room",
                               challenge_id="missing-await", code="x", check=None,
                               now="2026-11-24T06:00:00+00:00", day="2026-11-24",
                               yesterday="2026-11-23")
    await submit(db, None)
    score = await db.score("test:room", U)
    assert score is not None and (score.streak, score.best_streak) == (2, 2)


async def test_forget_deletes_attempts_and_stored_code(db: Storage):
    """/forget removes every attempt (the stored code with it)."""
    await db.challenge_opened(U, "fix-blocking", "2026-11-25T06:00:00+00:00")
    assert await db.user_has_practice_data(U)
    await submit(db, "output", code="secret code")
    assert await db.forget_user(U) >= 1
    assert await db.challenge_attempts(U) == {}
    assert await db.last_opened_challenge(U) is None
    assert not await db.user_has_practice_data(U)
