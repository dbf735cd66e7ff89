"""migrate-storage: a SQLite deployment's data lands in PostgreSQL, the same on every run."""

from pathlib import Path

import asyncpg
import pytest

from bot.storage import Storage, StorageUnavailable
from bot.storage.copy import copy_sqlite_to_postgres
from bot.storage.postgresql import PostgresStorage
from tests.storage.samples import answer, claim, target


async def _fill(path: Path) -> int:
    db = await Storage.open(path)
    try:
        await db.set_user_lang("test:u", "en")
        await db.set_chat_lang("test:g", "en")
        await db.mark_seen("test:u", "await")
        await target(db, "test:g", tz="Asia/Kolkata")
        await db.daily_claim(**claim("test:g"))
        post = await db.create_quiz_post("test:g", "sync-1", "quiz", "test:u", "2026-11-25",
                                         choice_order=(3, 1, 2), asked_by="test:u")
        await db.record_answer(**answer(post, "test:u"))
        game = await db.round_start(chat_key="test:g", platform="test", chat_id="g", chat_kind="group",
                                    started_by="test:u", lang="en", term_id=None, size=3, seconds=20,
                                    now="2026-11-25")
        await db.round_add_post(game, 1, post, "2026-11-25T00:00:20+00:00", "m-1")
        await db.daily_set_track("test:g", "all", "2026-11-25")
        await db.snippet_add(snippet_id="s1", user_key="test:u", code="print(1)", now="2026-11-25",
                             expire_before="2026-11-18")
        await db.srs_put("test:u", "q:sync-1", due="2026-11-26", state_json="{}", reason="r",
                         now="2026-11-25")
        await db.challenge_opened("test:u", "fix-blocking", "2026-11-25T06:00:00+00:00")
        await db.record_submission(user_key="test:u", user_name="U", chat_key="test:g",
                                   challenge_id="fix-blocking", code="print(2)", check=None,
                                   now="2026-11-25T06:01:00+00:00", day="2026-11-25",
                                   yesterday="2026-11-24")
        await db.cooldown_take("run", "test:u", 3.0)
        await db.set_platform_value("telegram-webhook:123", "fingerprint")
        await db.set_platform_value("telegram.profile:123:description:", "h")
        await db.telegram_poll_add(poll_id="p", post_id=post, chat_id="-1", chat_kind="group",
                                   message_id=5, now="2026-11-25")
        return post
    finally:
        await db.close()


async def _snapshot(url: str) -> dict[str, list[tuple]]:
    conn = await asyncpg.connect(url)
    try:
        tables = [r[0] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_name <> 'schema_version' ORDER BY 1")]
        return {t: sorted(tuple(r) for r in await conn.fetch(f"SELECT * FROM {t}")) for t in tables}
    finally:
        await conn.close()


async def test_a_copy_run_twice_gives_the_same_data_and_the_bot_reads_it(tmp_path: Path, pg_url: str):
    """Every table arrives; the second run adds nothing; the PostgreSQL store then answers as
    the SQLite one did, and new posts get new ids."""
    path = tmp_path / "bot.sqlite3"
    post = await _fill(path)
    first = await copy_sqlite_to_postgres(path, pg_url)
    by_table = {c.table: c for c in first}
    assert by_table["quiz_posts"].copied == 2 and by_table["quiz_posts"].new == 2  # daily + quiz
    assert all(c.copied == c.new == c.total for c in first)
    assert {c.table for c in first if c.copied == 0} == set()
    snapshot = await _snapshot(pg_url)
    second = await copy_sqlite_to_postgres(path, pg_url)
    assert [(c.table, c.copied, c.new) for c in second] == [(c.table, c.copied, 0) for c in first]
    assert await _snapshot(pg_url) == snapshot

    pg = await PostgresStorage.open(pg_url)
    try:
        assert await pg.langs("test:u", "test:g") == ("en", "en")
        assert await pg.chat_tz("test:g") == "Asia/Kolkata"
        assert await pg.seen_terms("test:u") == {"await"}
        assert (await pg.score("test:g", "test:u")).correct == 1
        assert (await pg.telegram_poll("p")).post_id == post
        assert (await pg.daily_ledger_day("test:g", "2026-11-25")).status == "claimed"
        assert await pg.create_quiz_post("test:g", "q", "quiz", None, "now") == post + 1
        assert (await pg.quiz_post(post)).choice_order == (3, 1, 2)
        [running] = await pg.rounds_running()
        assert [p.post_id for p in await pg.round_posts(running.id)] == [post]
        assert await pg.daily_track("test:g") == "all"
        assert (await pg.snippet("s1", not_before="2026-11-18")).code == "print(1)"
        attempt = await pg.challenge_attempt("test:u", "fix-blocking")
        assert (attempt.status, attempt.last_code, attempt.solved_chat) == ("solved", "print(2)", "test:g")
        await pg.challenge_opened("test:u", "missing-await", "2026-11-25T06:00:00+00:00")
        assert await pg.last_opened_challenge("test:u") == "missing-await"  # after the copied open
        assert await pg.round_end(running.id, "stopped", "now")  # and the next round gets a new id
        assert await pg.round_start(chat_key="test:g", platform="test", chat_id="g", chat_kind="group",
                                    started_by="test:u", lang="en", term_id=None, size=3, seconds=20,
                                    now="now") == running.id + 1
    finally:
        await pg.close()


async def test_a_later_run_brings_changes_over(tmp_path: Path, pg_url: str):
    path = tmp_path / "bot.sqlite3"
    await _fill(path)
    await copy_sqlite_to_postgres(path, pg_url)
    db = await Storage.open(path)
    await db.set_user_lang("test:u", "hi")
    await db.set_user_lang("test:new", "en")
    await db.close()
    counts = {c.table: c for c in await copy_sqlite_to_postgres(path, pg_url)}
    assert (counts["user_prefs"].copied, counts["user_prefs"].new) == (2, 1)
    pg = await PostgresStorage.open(pg_url)
    try:
        assert await pg.langs("test:u", "test:g") == ("hi", "en")
    finally:
        await pg.close()


async def test_copying_refuses_a_missing_file_or_a_running_bot(tmp_path: Path, pg_url: str):
    with pytest.raises(StorageUnavailable, match="no SQLite database"):
        await copy_sqlite_to_postgres(tmp_path / "missing.sqlite3", pg_url)
    path = tmp_path / "bot.sqlite3"
    running = await Storage.open(path)
    try:
        with pytest.raises(StorageUnavailable, match="in use by another bot process"):
            await copy_sqlite_to_postgres(path, pg_url)
    finally:
        await running.close()


async def test_a_copy_from_a_database_of_an_older_version_brings_its_sync_hashes(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """A SQLite file last opened at version 14 is migrated before it is read: the command and
    profile hashes of its old tables arrive in PostgreSQL's platform_values."""
    from bot.storage import _common, sqlite

    path = tmp_path / "bot.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(sqlite, "migrations", lambda b: [m for m in _common.migrations(b) if m[0] <= 14])
        old = await Storage.open(path)
    try:
        await old._db.execute("INSERT INTO discord_command_sync VALUES ('42', 'global', 'd1', 't1')")
        await old._db.execute("INSERT INTO telegram_profile_sync VALUES ('99', 'description:', 'p1', 't2')")
    finally:
        await old.close()
    counts = {c.table: c for c in await copy_sqlite_to_postgres(path, pg_url)}
    assert counts["platform_values"].copied == 2
    assert {"discord_command_sync", "telegram_profile_sync"} & set(counts) == set()
    pg = await PostgresStorage.open(pg_url)
    try:
        assert await pg.platform_values("discord.commands:42:") == {"global": "d1"}
        assert await pg.platform_values("telegram.profile:99:") == {"description:": "p1"}
    finally:
        await pg.close()
