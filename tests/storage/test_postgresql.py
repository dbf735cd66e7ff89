"""PostgreSQL's own promises: processes that start together migrate once, a choice made
through one process holds in the next command of another, every port method is there."""

import asyncio
import inspect
import os
import signal

import asyncpg
import pytest

from bot.storage import Storage, StorageUnavailable, postgresql
from bot.storage._common import SEEN_WRITE_AFTER_S, migrations
from bot.storage.postgresql import HOLD_CLASS, PostgresStorage, redacted


async def test_stores_opening_together_migrate_once(pg_url: str):
    """Five stores (five pools, as five processes) open at once: every migration applied once."""
    stores = await asyncio.gather(*(PostgresStorage.open(pg_url) for _ in range(5)))
    try:
        rows = await stores[0]._pool.fetch("SELECT version FROM schema_version ORDER BY version")
        assert [r[0] for r in rows] == [v for v, _, _ in migrations("postgresql")]
        assert {await s.schema_version() for s in stores} == {max(r[0] for r in rows)}
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_a_choice_made_through_one_process_holds_in_another(pg_url: str):
    """No store keeps a copy another could stale: languages, zones, daily tracks and rounds
    written through one are read back through the other at once; seen cards a moment later (they
    are written together)."""
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    try:
        assert await two.langs("test:u", "test:g") == (None, None)  # read (and cached, if any)
        await one.set_user_lang("test:u", "en")
        await one.set_chat_lang("test:g", "hi")
        assert await two.langs("test:u", "test:g") == ("en", "hi")
        await one.set_user_lang("test:u", "hi")
        assert await two.user_lang("test:u") == "hi"
        for tz in ("UTC", "Asia/Kolkata"):
            await one.daily_set(chat_key="test:g", platform="test", chat_id="g", chat_kind="group",
                                at_time="06:00", tz=tz, next_day="2026-11-25",
                                next_due="2026-11-25T00:30:00+00:00", now="2026-11-24")
            assert await two.chat_tz("test:g") == tz
        assert await two.daily_track("test:g") == "curriculum"
        await one.daily_set_track("test:g", "all", "2026-11-24")
        assert await two.daily_track("test:g") == "all"
        game = await two.round_start(chat_key="test:g", platform="test", chat_id="g",
                                     chat_kind="group", started_by="test:u", lang="en",
                                     term_id=None, size=3, seconds=20, now="2026-11-24")
        assert (await one.round_running("test:g")).id == game
        assert await one.round_start(chat_key="test:g", platform="test", chat_id="g",
                                     chat_kind="group", started_by="test:v", lang="en",
                                     term_id=None, size=3, seconds=20, now="2026-11-24") is None
        assert await one.round_end(game, "stopped", "2026-11-24")
        assert await two.rounds_running() == []
        await one.mark_seen("test:u", "await")
        assert await one.seen_terms("test:u") == {"await"}  # counted at once where it was made
        await asyncio.sleep(SEEN_WRITE_AFTER_S + 0.3)
        assert await two.seen_terms("test:u") == {"await"}
    finally:
        await one.close()
        await two.close()


async def test_challenge_opens_and_first_passes_through_two_processes(pg_url: str):
    """Opens made through two stores keep their order; first passes made at once through both
    count once (one streak move, one solver)."""
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    try:
        for n, cid in enumerate(("fix-blocking", "missing-await", "fix-blocking", "starvation")):
            await (one, two)[n % 2].challenge_opened("test:u", cid, "2026-11-25T06:00:00+00:00")
        assert await one.last_opened_challenge("test:u") == "starvation"
        firsts = await asyncio.gather(*(
            store.record_submission(user_key="test:u", user_name="U", chat_key="test:g",
                                    challenge_id="starvation", code="x", check=None,
                                    now="2026-11-25T06:01:00+00:00", day="2026-11-25",
                                    yesterday="2026-11-24")
            for store in (one, two) * 4))
        assert sorted(firsts) == [False] * 7 + [True]
        assert (await two.challenge_attempt("test:u", "starvation")).tries == 8
        assert [r.solved for r in await one.solved_board("test:g")] == [1]
    finally:
        await one.close()
        await two.close()


def _methods(cls: type) -> dict[str, inspect.Signature]:
    """The store's own public coroutine methods, also those of its mixins in bot.storage."""
    return {name: inspect.signature(fn) for klass in reversed(cls.__mro__)
            if klass.__module__.startswith("bot.storage")
            for name, fn in vars(klass).items()
            if inspect.iscoroutinefunction(fn) and not name.startswith("_")}


def test_the_postgresql_store_serves_every_storage_port():
    """Every method the core's ports declare, with the same parameters."""
    from bot.core.ports.storage import Store

    declared = {name: inspect.signature(fn) for klass in Store.__mro__
                if klass.__module__ == "bot.core.ports.storage"
                for name, fn in vars(klass).items() if inspect.iscoroutinefunction(fn)}
    pg = _methods(PostgresStorage)
    assert len(declared) > 40 and sorted(set(declared) - set(pg)) == []
    for name, signature in declared.items():
        assert list(signature.parameters) == list(pg[name].parameters), name


def test_every_method_of_the_sqlite_store_has_a_postgresql_twin():
    """A storage method added to one backend only fails here (journal_mode is SQLite's own)."""
    sqlite, pg = _methods(Storage), _methods(PostgresStorage)
    missing = sorted(set(sqlite) - set(pg) - {"journal_mode", "open"})
    assert missing == []
    for name in set(sqlite) & set(pg) - {"open"}:
        assert list(sqlite[name].parameters) == list(pg[name].parameters), name


async def test_an_unreachable_server_is_one_clear_line_without_the_password():
    with pytest.raises(StorageUnavailable) as caught:
        await PostgresStorage.open("postgresql://bot:s3cret@127.0.0.1:1/bot")
    message = str(caught.value)
    assert "STORAGE__URL=postgresql://bot:***@127.0.0.1:1/bot" in message
    assert "s3cret" not in message and "\n" not in message
    assert redacted("postgresql://h/db") == "postgresql://h/db"


async def test_seen_marks_still_waiting_are_written_at_close(pg_url: str):
    one = await PostgresStorage.open(pg_url)
    await one.mark_seen("test:u", "await")
    await one.mark_seen("test:u", "task")
    await one.close()  # well before the delayed write
    two = await PostgresStorage.open(pg_url)
    try:
        assert await two.seen_terms("test:u") == {"await", "task"}
    finally:
        await two.close()


async def test_a_database_that_refuses_the_schema_is_one_clear_line(pg_url: str):
    """A role that may not create tables (a misconfigured deployment) stops startup with the
    server's reason, and nothing half-applied."""
    import asyncpg

    conn = await asyncpg.connect(pg_url)
    try:
        await conn.execute("CREATE ROLE visitor LOGIN")
    except asyncpg.DuplicateObjectError:
        pass
    finally:
        await conn.close()
    visitor = pg_url.replace("postgresql://postgres@", "postgresql://visitor@")
    with pytest.raises(StorageUnavailable, match="cannot migrate PostgreSQL") as caught:
        await PostgresStorage.open(visitor)
    assert "\n" not in str(caught.value)  # then the server's reason, e.g. no schema it may use


async def test_a_cooldown_taken_through_one_process_holds_in_another(pg_url: str):
    """A user's run noted by one process is refused by the other, given back through the
    other, and free again in the first."""
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    try:
        taken = await one.cooldown_take("run", "test:u", 60.0)
        assert taken.taken
        assert not (await two.cooldown_take("run", "test:u", 60.0)).taken
        await two.cooldown_give_back("run", "test:u", taken.at)
        assert (await one.cooldown_take("run", "test:u", 60.0)).taken
    finally:
        await asyncio.gather(one.close(), two.close())


async def test_a_lock_is_held_by_one_process_until_it_lets_go_or_dies(pg_url: str):
    """A second process is refused the lock at once; it gets it after the first lets go, and
    after a holder's connection ends without letting go (a killed process)."""
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    try:
        async with one.hold("telegram-polling:42") as held:
            assert held
            async with two.hold("telegram-polling:42") as second:
                assert not second
            async with two.hold("telegram-polling:43") as other:
                assert other
        async with two.hold("telegram-polling:42") as held:
            assert held
        # A process killed while holding: its session takes the lock, then its socket closes.
        dying = await asyncpg.connect(pg_url)
        assert await dying.fetchval("SELECT pg_try_advisory_lock($1, hashtext($2))",
                                    HOLD_CLASS, "telegram-polling:42")
        async with one.hold("telegram-polling:42") as held:
            assert not held
        dying.terminate()
        for _ in range(50):  # the server notices the closed socket within moments
            async with one.hold("telegram-polling:42") as held:
                if held:
                    break
            await asyncio.sleep(0.1)
        assert held
    finally:
        await asyncio.gather(one.close(), two.close())


async def holder_pid(pg_url: str, name: str) -> int:
    """The server process (backend) whose session holds the lock `name`."""
    conn = await asyncpg.connect(pg_url)
    try:
        return await conn.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = $1::bigint::oid AND objid = hashtext($2)::oid AND objsubid = 2",
            HOLD_CLASS, name)
    finally:
        await conn.close()


async def test_a_lock_whose_connection_the_database_ends_is_lost_at_once(pg_url: str):
    """pg_terminate_backend on the holder's session: the holder learns at once that it no
    longer holds the lock (its block goes on, told), another process takes it, and the block
    ends without an error."""
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    try:
        async with one.hold("telegram-polling:42") as held:
            assert held and not held.lost.is_set()
            pid = await holder_pid(pg_url, "telegram-polling:42")
            assert await two._pool.fetchval("SELECT pg_terminate_backend($1)", pid)
            await asyncio.wait_for(held.lost.wait(), 5)
            assert not held and "ended the lock's connection" in (held.why or "")
            async with two.hold("telegram-polling:42") as taken:
                assert taken
        async with one.hold("telegram-polling:42") as again:  # a fresh connection of the pool
            assert again
    finally:
        await asyncio.gather(one.close(), two.close())


async def test_a_lock_whose_connection_stops_answering_is_lost(pg_url: str, monkeypatch):
    """A connection that goes silent (its server process stopped, as a cut network looks) is
    noticed by the periodic check; the lock is free for others once the server lets go."""
    monkeypatch.setattr(postgresql, "HOLD_CHECK_S", 0.3)
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    pid = None
    try:
        async with one.hold("rounds") as held:
            pid = await holder_pid(pg_url, "rounds")
            os.kill(pid, signal.SIGSTOP)
            await asyncio.wait_for(held.lost.wait(), 5)
            assert not held and "stopped answering" in (held.why or "")
            os.kill(pid, signal.SIGCONT)
            pid = None
        for _ in range(50):  # the server notices the closed socket within moments
            async with two.hold("rounds") as taken:
                if taken:
                    break
            await asyncio.sleep(0.1)
        assert taken
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGCONT)
        await asyncio.gather(one.close(), two.close())


async def test_language_reads_at_once_each_get_their_own_answer(pg_url: str):
    """Reads at once (one on the held connection, the others through the pool) each answer for
    their own user, and a choice made meanwhile through another process holds in the next."""
    one, two = await PostgresStorage.open(pg_url), await PostgresStorage.open(pg_url)
    try:
        for i in range(0, 20, 2):
            await two.set_user_lang(f"test:u{i}", "en")
        got = await asyncio.gather(*(one.langs(f"test:u{i}", "test:g") for i in range(20)))
        assert got == [("en" if i % 2 == 0 else None, None) for i in range(20)]
        await two.set_user_lang("test:u1", "hi")
        assert await one.langs("test:u1", "test:g") == ("hi", None)
    finally:
        await one.close()
        await two.close()


async def test_a_language_read_after_the_server_ended_the_connections_answers(pg_url: str):
    """The server ends every connection of a store (a restart, an operator): the next language
    read connects again and answers, and the store still closes."""
    store = await PostgresStorage.open(pg_url + "&application_name=async-guru-lane-test")
    other = await PostgresStorage.open(pg_url)
    try:
        await other.set_user_lang("test:u", "en")
        assert await store.langs("test:u", "test:g") == ("en", None)
        ended = await other._pool.fetchval(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = 'async-guru-lane-test'")
        assert ended >= 1
        await asyncio.sleep(0.3)  # the ended connections' sockets close
        assert await store.langs("test:u", "test:g") == ("en", None)
    finally:
        await store.close()
        await other.close()
