"""Posts keep the order their choices were shown in across a restart (bot/storage/sqlite.py); the
backend-neutral quiz and round tests run on both backends in test_ports.py."""

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
