"""The database: created on first run, WAL, numbered migrations recorded and applied once."""

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

import pytest

from bot.storage import Storage
from bot.storage.db import _split_sql, migrations


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


async def test_preferences_and_seen_terms_round_trip(storage: Storage):
    """Language choices update in place; seen terms are recorded once."""
    await storage.set_chat_lang("test:g", "hi")
    await storage.set_chat_lang("test:g", "en")
    await storage.mark_seen("test:u", "await")
    await storage.mark_seen("test:u", "await")
    assert await storage.chat_lang("test:g") == "en"
    assert await storage.seen_terms("test:u") == {"await"}
    assert await storage.user_lang("test:nobody") is None


def test_migrations_are_uniquely_numbered_files():
    """Every migration file is NNNN_name.sql with its own number."""
    versions = [v for v, _, _ in migrations()]
    assert versions == sorted(set(versions)) and versions[0] == 1


def test_sql_splitter_keeps_statements_whole():
    """Statements are split at their ends, not at semicolons inside strings."""
    script = "-- note\nCREATE TABLE a (x TEXT DEFAULT ';');\nINSERT INTO a VALUES ('1;2');\n"
    assert _split_sql(script) == ["CREATE TABLE a (x TEXT DEFAULT ';');",
                                  "INSERT INTO a VALUES ('1;2');"]


async def test_langs_reads_user_and_chat_choices_together(storage: Storage):
    """The user's and the chat's choice together; either may be missing."""
    assert await storage.langs("test:u", "test:c") == (None, None)
    await storage.set_chat_lang("test:c", "en")
    assert await storage.langs("test:u", "test:c") == (None, "en")
    await storage.set_user_lang("test:u", "hi")
    assert await storage.langs("test:u", "test:c") == ("hi", "en")


async def test_a_refused_language_write_changes_nothing(storage: Storage):
    """The in-memory choices follow the database: a write it refuses is not remembered."""
    await storage.set_user_lang("test:u", "en")
    with pytest.raises(sqlite3.IntegrityError):
        await storage.set_user_lang("test:u", "fr")  # the CHECK allows only hi and en
    with pytest.raises(sqlite3.IntegrityError):
        await storage.set_chat_lang("test:c", "fr")
    assert await storage.langs("test:u", "test:c") == ("en", None)


async def test_seen_marks_are_written_together_soon_and_counted_meanwhile(storage: Storage):
    """A mark does not wait for the database: it counts at once, and a moment later every
    waiting mark is written in one go (a commit each would cost the answer its time)."""
    from bot.storage.db import SEEN_WRITE_AFTER_S

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
    await storage._write_seen()
    assert await storage._db.execute_fetchall("SELECT term_id FROM seen_terms") == []
    assert await storage.seen_terms("test:u") == {"await"}  # still counted, still waiting
    await storage._db.execute("DROP TRIGGER refuse")
    await storage._write_seen()
    rows = await storage._db.execute_fetchall("SELECT term_id FROM seen_terms")
    assert [r[0] for r in rows] == ["await"]


async def _target(storage: Storage, key: str) -> None:
    await storage.daily_set(chat_key=key, platform="test", chat_id=key, chat_kind="group",
                            at_time="06:00", tz="UTC", next_day="2026-11-25",
                            next_due="2026-11-25T06:00:00+00:00", now="2026-11-24T00:00:00+00:00")


def _claim(key: str, **changes) -> dict:
    return {"chat_key": key, "day": "2026-11-25", "term_id": "sync", "cycle": 0,
            "question_id": "sync-1", "next_day": "2026-11-26",
            "next_due": "2026-11-26T06:00:00+00:00", "now": "2026-11-25T06:00:01+00:00",
            **changes}


async def test_a_daily_claim_is_one_transaction_and_never_twice(storage: Storage):
    """The claim writes the ledger row, the rotation, the question and the next slot together;
    a second claim of the same day gets None; claims of many chats at once all succeed."""
    keys = [f"test:g{n}" for n in range(20)]
    for key in keys:
        await _target(storage, key)
    ids = await asyncio.gather(*(storage.daily_claim(**_claim(key)) for key in keys))
    assert None not in ids and len(set(ids)) == 20
    assert await storage.daily_claim(**_claim(keys[0])) is None  # never posted twice
    [row] = await storage.daily_ledger(keys[0])
    assert (row.status, row.post_id, row.term_id) == ("claimed", ids[0], "sync")
    assert (await storage.daily_target(keys[0])).next_day == "2026-11-26"
    assert await storage.daily_rotation(keys[0]) == (0, {"sync"})


async def test_a_failing_claim_leaves_nothing_behind(storage: Storage):
    await _target(storage, "test:g")
    with pytest.raises(sqlite3.IntegrityError):
        await storage.daily_claim(**_claim("test:g", question_id=None))  # NOT NULL
    assert await storage.daily_ledger("test:g") == []
    assert (await storage.daily_target("test:g")).next_day == "2026-11-25"
    assert await storage.daily_claim(**_claim("test:g")) is not None  # and the next one works


def _answer(post_id: int, user: str, **changes) -> dict:
    return {"post_id": post_id, "user_key": user, "user_name": user, "chat_key": "test:g",
            "question_id": "sync-1", "choice": 0, "correct": True, "now": "2026-11-25T06:00:01+00:00",
            "day": "2026-11-25", "yesterday": "2026-11-24", **changes}


async def test_answers_at_once_are_each_recorded_once(storage: Storage):
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "2026-11-25T06:00:00+00:00")
    users = [f"test:u{n}" for n in range(20)]
    recorded = await asyncio.gather(*(storage.record_answer(**_answer(post, u, correct=n % 2 == 0))
                                      for n, u in enumerate(users)))
    assert recorded == [True] * 20
    assert await storage.record_answer(**_answer(post, users[0], choice=1)) is False
    assert await storage.post_tally(post) == (20, 10)
    score = await storage.score("test:g", users[0])
    assert (score.answered, score.correct, score.streak) == (1, 1, 1)
    assert (await storage.user_answer(post, users[0])).choice == 0  # the first answer stays


async def test_an_answer_whose_score_cannot_be_written_is_not_kept(storage: Storage):
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", None, "2026-11-25T06:00:00+00:00")
    await storage._db.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON scores"
        " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    with pytest.raises(sqlite3.DatabaseError):
        await storage.record_answer(**_answer(post, "test:u"))
    assert await storage.user_answer(post, "test:u") is None  # rolled back with the score
    await storage._db.execute("DROP TRIGGER refuse")
    assert await storage.record_answer(**_answer(post, "test:u")) is True  # may answer again


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
    assert await storage.record_answer(**_answer(post, "test:u"))
    assert await storage.post_tally(post) == (1, 1)
    assert len(hops) == 2
    hops.clear()
    assert await storage.seen_terms("test:u") == set()
    assert len(hops) == 1


async def test_a_posted_question_read_from_memory_cannot_be_changed_by_a_caller(storage: Storage,
                                                                                 monkeypatch):
    monkeypatch.setattr("bot.storage.db.POSTS_KEPT", 3)
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
        await _target(db, "test:g")
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


async def test_every_read_returns_the_ports_frozen_rows(storage: Storage):
    """Storage answers with the core's frozen row types (booleans as booleans), never dicts."""
    from bot.core.ports import (
        Answer,
        BoardRow,
        DailyTarget,
        LedgerEntry,
        QuizPost,
        Score,
        Snippet,
        SrsItem,
        TelegramPoll,
    )

    now = "2026-11-25T06:00:00+00:00"
    await _target(storage, "test:g")
    post = await storage.create_quiz_post("test:g", "sync-1", "quiz", "test:u", now)
    await storage.record_answer(**_answer(post, "test:u"))
    await storage.daily_claim(**_claim("test:g"))
    await storage.srs_put("test:u", "q:sync-1", due=now, state_json="{}", reason="tag", now=now)
    await storage.telegram_poll_add(poll_id="p1", post_id=post, chat_id="-1", chat_kind="group",
                                    message_id=7, now=now)
    reads = [
        (await storage.quiz_post(post), QuizPost), (await storage.user_answer(post, "test:u"), Answer),
        (await storage.score("test:g", "test:u"), Score),
        ((await storage.leaderboard("test:g"))[0], BoardRow),
        (await storage.daily_target("test:g"), DailyTarget),
        ((await storage.daily_due("2026-11-27T00:00:00+00:00", ["test"]))[0], DailyTarget),
        ((await storage.daily_ledger("test:g"))[0], LedgerEntry),
        (await storage.daily_ledger_day("test:g", "2026-11-25"), LedgerEntry),
        (await storage.srs_get("test:u", "q:sync-1"), SrsItem),
        ((await storage.srs_due("test:u", now))[0], SrsItem),
        (await storage.telegram_poll("p1"), TelegramPoll),
        ((await storage.answers_in_chat("test:g", "test:u"))[0], Answer),
        (await _snippet(storage), Snippet),
    ]
    for row, kind in reads:
        assert type(row) is kind and dataclasses.is_dataclass(row)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.__setattr__(dataclasses.fields(row)[0].name, None)
    answer = await storage.user_answer(post, "test:u")
    target = await storage.daily_target("test:g")
    assert answer is not None and answer.correct is True
    assert target is not None and target.enabled is True
    assert (await storage.quiz_post(post)).owner_key == "test:u"


async def _snippet(storage: Storage):
    await storage.snippet_add(snippet_id="s1", user_key="test:u", code="print(1)",
                              now="2026-11-25T06:00:00+00:00", expire_before="2026-11-18T06:00:00+00:00")
    return await storage.snippet("s1", not_before="2026-11-18T06:00:00+00:00")


async def test_kept_code_expires_and_is_forgotten(storage: Storage):
    """A snippet older than the keeping time is not handed out, and is deleted when a new one
    is kept; /forget's delete removes only that user's."""
    day = "2026-11-{:02d}T06:00:00+00:00".format
    await storage.snippet_add(snippet_id="old", user_key="test:u", code="a", now=day(1),
                              expire_before=day(1))
    assert (await storage.snippet("old", not_before=day(1))).code == "a"
    assert await storage.snippet("old", not_before=day(2)) is None  # expired: not handed out
    await storage.snippet_add(snippet_id="new", user_key="test:u", code="b", now=day(9),
                              expire_before=day(2))
    await storage.snippet_add(snippet_id="bob", user_key="test:bob", code="c", now=day(9),
                              expire_before=day(2))
    assert await storage.snippet("old", not_before=day(1)) is None  # deleted by the prune
    assert await storage.user_has_snippets("test:u")
    assert await storage.snippets_forget("test:u") == 1
    assert not await storage.user_has_snippets("test:u")
    assert (await storage.snippet("bob", not_before=day(2))).code == "c"
