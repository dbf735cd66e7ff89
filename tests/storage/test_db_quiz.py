"""Posts keep the order their choices were shown in; rounds are rows (bot/storage/sqlite.py)."""

from pathlib import Path

from bot.storage import Storage

NOW = "2026-11-25T06:00:00+00:00"


async def test_a_posts_choice_order_survives_a_restart(tmp_path: Path):
    """The order, asker and closing time written with a post come back after reopening."""
    db = await Storage.open(tmp_path / "bot.sqlite3")
    post_id = await db.create_quiz_post("test:g", "sync-1", "quiz", None, NOW,
                                        choice_order=(3, 1, 2), asked_by="test:u",
                                        closes_at="2026-11-25T06:00:20+00:00")
    await db.close()
    db = await Storage.open(tmp_path / "bot.sqlite3")
    try:
        post = await db.quiz_post(post_id)
        assert post.choice_order == (3, 1, 2) and post.asked_by == "test:u"
        assert post.closes_at == "2026-11-25T06:00:20+00:00"
        assert [post.original(k, 3) for k in (1, 2, 3)] == [3, 1, 2]
        assert [post.shown(n, 3) for n in (1, 2, 3)] == [2, 3, 1]
    finally:
        await db.close()


async def test_a_post_without_an_order_is_the_banks_order(storage: Storage):
    """Posts made before shuffling (no stored order) map every place to itself."""
    post_id = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW)
    post = await storage.quiz_post(post_id)
    assert post.choice_order == () and post.order(4) == (1, 2, 3, 4)
    assert post.original(2, 4) == 2 and post.shown(3, 4) == 3


async def test_question_use_counts_asked_and_answered_posts_per_user(storage: Storage):
    """Posts a user asked for or answered count for them; others' do not."""
    mine = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW, asked_by="test:u")
    await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW, asked_by="test:v")
    daily = await storage.create_quiz_post("test:g", "sync-2", "daily", None, NOW)
    await storage.record_answer(post_id=daily, user_key="test:u", user_name="U", chat_key="test:g",
                                question_id="sync-2", choice=1, correct=True, now=NOW,
                                day="2026-11-25", yesterday="2026-11-24")
    await storage.record_answer(post_id=mine, user_key="test:u", user_name="U", chat_key="test:g",
                                question_id="sync-1", choice=1, correct=True, now=NOW,
                                day="2026-11-25", yesterday="2026-11-24")
    assert await storage.question_use("test:u") == {"sync-1": 1, "sync-2": 1}


async def test_one_running_round_per_chat(storage: Storage):
    """A second round in a chat is refused until the first ends; then its board is kept."""
    args = dict(chat_key="test:g", platform="test", chat_id="g", chat_kind="group",
                started_by="test:u", lang="hi", term_id=None, size=3, seconds=20, now=NOW)
    first = await storage.round_start(**args)
    assert first and await storage.round_start(**args) is None
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, NOW)
    await storage.round_add_post(first, 1, post, "2026-11-25T06:00:20+00:00", "m-1")
    [linked] = await storage.round_posts(first)
    assert (linked.post_id, linked.message_id, linked.revealed) == (post, "m-1", False)
    await storage.record_answer(post_id=post, user_key="test:u", user_name="U", chat_key="test:g",
                                question_id="sync-1", choice=1, correct=True, now=NOW,
                                day="2026-11-25", yesterday="2026-11-24")
    row = await storage.round_running("test:g")
    assert (row.id, row.asked, row.due) == (first, 1, "2026-11-25T06:00:20+00:00")
    assert not await storage.post_revealed(post)
    await storage.round_revealed(first, 1, NOW)
    assert (await storage.round_posts(first))[0].revealed and await storage.post_revealed(post)
    assert (await storage.round_get(first)).due == NOW
    assert await storage.round_end(first, "stopped", NOW)
    assert not await storage.round_end(first, "done", NOW)  # only a running round ends
    assert [(b.user_key, b.answered, b.correct) for b in await storage.round_board(first)] == [
        ("test:u", 1, 1)]
    assert await storage.round_start(**args)
