"""SQLite: created on first run, WAL, migrations applied once, memory kept in step, one process per file."""

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

import pytest

from bot.storage import Storage
from bot.storage._common import migrations
from bot.storage.sqlite import _split_sql
from tests.storage.samples import answer, target


@pytest.fixture
async def storage(tmp_path: Path):
    """This module's store is SQLite only."""
    db = await Storage.open(tmp_path / "data" / "test.sqlite3")
    yield db
    await db.close()


async def test_first_run_creates_folder_file_and_schema(tmp_path: Path):
    """Opening a path in a missing folder creates both and applies every migration."""
    path = tmp_path / "new" / "bot.sqlite3"
    db = await Storage.open(path)
    try:
        assert path.exists()
        assert await db.journal_mode() == "wal"
        assert await db.schema_version() == max(v for v, _, _ in migrations())
    finally:
        await db.close()


async def test_reopening_applies_nothing_twice(tmp_path: Path):
    """A second start keeps the data and the recorded versions."""
    path = tmp_path / "bot.sqlite3"
    db = await Storage.open(path)
    await db.set_user_lang("test:alice", "en")
    await db.set_chat_lang("test:room", "en")
    await db.close()
    db = await Storage.open(path)
    try:
        # The language choices kept in memory come back from the file.
        assert await db.langs("test:alice", "test:room") == ("en", "en")
        async with db._db.execute("SELECT COUNT(*) FROM schema_version") as cur:
            assert (await cur.fetchone())[0] == len(migrations())
    finally:
        await db.close()


def test_sql_splitter_keeps_statements_whole():
    """Statements are split at their ends, not at semicolons inside strings."""
    script = "-- note\nCREATE TABLE a (x TEXT DEFAULT ';');\nINSERT INTO a VALUES ('1;2');\n"
    assert _split_sql(script) == ["CREATE TABLE a (x TEXT DEFAULT ';');",
                                  "INSERT INTO a VALUES ('1;2');"]


async def test_seen_marks_are_written_together_soon_and_counted_meanwhile(storage: Storage):
    """A mark does not wait for the database: it counts at once, and a moment later every
    waiting mark is written in one go (a commit each would cost the answer its time)."""
    from bot.storage._common import SEEN_WRITE_AFTER_S

    for term in ("await", "coroutine", "await"):
        await storage.mark_seen("test:u", term)
    await storage.mark_seen("test:v", "sync")
    assert await storage.seen_terms("test:u") == {"await", "coroutine"}
    rows = await storage._db.execute_fetchall("SELECT COUNT(*) FROM seen_terms")
    assert rows[0][0] == 0  # not written yet
    await asyncio.sleep(SEEN_WRITE_AFTER_S + 0.2)
    rows = await storage._db.execute_fetchall(
        "SELECT user_key, term_id FROM seen_terms ORDER BY user_key, term_id")
    assert [tuple(r) for r in rows] == [("test:u", "await"), ("test:u", "coroutine"),
                                        ("test:v", "sync")]
    assert await storage.seen_terms("test:u") == {"await", "coroutine"}


async def test_closing_writes_the_marks_still_waiting(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    db = await Storage.open(path)
    await db.mark_seen("test:u", "await")
    await db.close()  # well before the delayed write
    db = await Storage.open(path)
    try:
        assert await db.seen_terms("test:u") == {"await"}
    finally:
        await db.close()


async def test_a_failed_write_keeps_the_marks_for_the_next_try(storage: Storage):
    await storage.mark_seen("test:u", "await")
    # The database refuses the insert (as a full disk would), so the transaction rolls back.
    await storage._db.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON seen_terms"
        " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    await storage._seen.write()
    assert await storage._db.execute_fetchall("SELECT term_id FROM seen_terms") == []
    assert await storage.seen_terms("test:u") == {"await"}  # still counted, still waiting
    await storage._db.execute("DROP TRIGGER refuse")
    await storage._seen.write()
    rows = await storage._db.execute_fetchall("SELECT term_id FROM seen_terms")
    assert [r[0] for r in rows] == ["await"]


async def test_an_answer_whose_score_cannot_be_written_is_not_kept(storage: Storage):
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "2026-11-25T06:00:00+00:00")
    await storage._db.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON scores"
        " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    with pytest.raises(sqlite3.DatabaseError):
        await storage.record_answer(**answer(post, "test:u"))
    assert await storage.user_answer(post, "test:u") is None  # rolled back with the score
    await storage._db.execute("DROP TRIGGER refuse")
    assert await storage.record_answer(**answer(post, "test:u")) is True  # may answer again


async def test_a_quiz_click_costs_at_most_two_hops(storage: Storage, monkeypatch):
    """Each call into the database thread wakes it and then this one. A click reads its posted
    question (in memory once read) and the chat's zone (in memory), records the answer in one
    transaction, then reads the tally."""
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "2026-11-25T06:00:00+00:00")
    hops = []
    execute = storage._db._execute

    async def counted(fn, *args, **kwargs):
        hops.append(fn)
        return await execute(fn, *args, **kwargs)

    monkeypatch.setattr(storage._db, "_execute", counted)
    assert (await storage.quiz_post(post)).question_id == "sync-1"
    assert len(hops) == 1  # the first read of a post
    hops.clear()
    assert (await storage.quiz_post(post)).question_id == "sync-1"
    assert await storage.chat_tz("test:g") is None
    assert await storage.record_answer(**answer(post, "test:u"))
    assert await storage.post_tally(post) == (1, 1)
    assert len(hops) == 2
    hops.clear()
    assert await storage.seen_terms("test:u") == set()
    assert len(hops) == 1


async def test_a_posted_question_read_from_memory_cannot_be_changed_by_a_caller(storage: Storage,
                                                                                 monkeypatch):
    monkeypatch.setattr("bot.storage.sqlite.POSTS_KEPT", 3)
    assert await storage.quiz_post(1) is None  # not posted yet: nothing kept
    ids = [await storage.create_quiz_post("test:g", f"q-{n}", "quiz", None, "2026-11-25T06:00:00+00:00")
           for n in range(5)]
    assert ids[0] == 1 and (await storage.quiz_post(1)).question_id == "q-0"
    mine = await storage.quiz_post(ids[1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        mine.question_id = "changed"  # type: ignore[misc]
    assert (await storage.quiz_post(ids[1])).question_id == "q-1"
    for post_id in ids:
        assert (await storage.quiz_post(post_id)).question_id == f"q-{post_id - 1}"
    assert list(storage._posts) == ids[-3:]  # the latest reads, no more than kept


async def test_a_chats_zone_is_kept_in_step_with_its_schedule(tmp_path: Path):
    db = await Storage.open(tmp_path / "z.sqlite3")
    try:
        await target(db, "test:g")
        assert await db.chat_tz("test:g") == "UTC"
        settings = {"chat_key": "test:g", "platform": "test", "chat_id": "test:g",
                    "chat_kind": "group", "at_time": "06:00", "tz": "Asia/Kolkata",
                    "next_day": "2026-11-25", "next_due": "2026-11-25T00:30:00+00:00",
                    "now": "2026-11-24T00:00:00+00:00"}
        await db._db.execute(
            "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON daily_targets"
            " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
        with pytest.raises(sqlite3.DatabaseError):
            await db.daily_set(**settings)
        assert await db.chat_tz("test:g") == "UTC"  # a refused write changes nothing
        await db._db.execute("DROP TRIGGER refuse")
        await db.daily_set(**settings)
        assert await db.chat_tz("test:g") == "Asia/Kolkata"
        assert await db.chat_tz("test:other") is None
    finally:
        await db.close()
    db = await Storage.open(tmp_path / "z.sqlite3")
    try:
        assert await db.chat_tz("test:g") == "Asia/Kolkata"  # loaded at startup
    finally:
        await db.close()


async def test_a_chats_daily_track_defaults_to_the_sheet_and_survives_a_restart(tmp_path: Path):
    """No row: "curriculum". "all" is stored per chat (migration 0009), read from memory, loaded
    again at startup; an unknown track and a refused write change nothing."""
    db = await Storage.open(tmp_path / "t.sqlite3")
    try:
        assert await db.daily_track("test:g") == "curriculum"
        await db.daily_set_track("test:g", "all", "2026-11-24T00:00:00+00:00")
        assert (await db.daily_track("test:g"), await db.daily_track("test:h")) == ("all", "curriculum")
        with pytest.raises(ValueError):
            await db.daily_set_track("test:g", "level-3", "2026-11-24T00:00:00+00:00")
        await db._db.execute(
            "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON daily_tracks"
            " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
        with pytest.raises(sqlite3.DatabaseError):
            await db.daily_set_track("test:g", "curriculum", "2026-11-24T00:00:00+00:00")
        assert await db.daily_track("test:g") == "all"
        with pytest.raises(sqlite3.IntegrityError):  # the schema refuses it too
            await db._db.execute("INSERT INTO daily_tracks VALUES ('test:x', 'everything', '')")
    finally:
        await db.close()
    db = await Storage.open(tmp_path / "t.sqlite3")
    try:
        assert await db.daily_track("test:g") == "all"  # loaded at startup
    finally:
        await db.close()


async def test_a_second_open_of_the_same_file_is_refused_until_the_first_closes(tmp_path: Path):
    """SQLite serves one process per file (its memory and claims are this process's): the file's
    lock refuses a second store with a message that says what to do."""
    from bot.storage import StorageUnavailable

    path = tmp_path / "bot.sqlite3"
    first = await Storage.open(path)
    with pytest.raises(StorageUnavailable, match=r"in use by another bot process.*STORAGE__URL"):
        await Storage.open(path)
    await first.close()
    second = await Storage.open(path)  # the lock went with the first store
    await second.close()
