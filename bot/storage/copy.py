"""`python -m bot migrate-storage --to postgresql://...`: copy a SQLite deployment's data into
PostgreSQL, as often as wanted.

Both databases are opened as the bot opens them (so both are migrated to this version, and the
SQLite file's lock keeps a running bot off it meanwhile). Every table of the SQLite schema (but
daily_instances: registrations of running processes, which end with them) is copied in
foreign-key order, in one PostgreSQL transaction: a row already there (same primary key) is
overwritten with SQLite's values, so a second run adds nothing and a run after more use
of the SQLite file brings PostgreSQL up to it. Rows only PostgreSQL has are left alone.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.storage._common import StorageUnavailable
from bot.storage.postgresql import PostgresStorage
from bot.storage.sqlite import Storage

log = logging.getLogger(__name__)
BATCH = 1000


@dataclass(frozen=True, slots=True)
class TableCount:
    table: str
    copied: int  # rows read from SQLite (and written)
    new: int  # of which PostgreSQL did not have before
    total: int  # rows in PostgreSQL afterwards

    def line(self) -> str:
        return f"{self.table}: {self.copied} copied, {self.new} new, {self.total} in PostgreSQL"


async def _tables(sqlite: Storage) -> list[tuple[str, list[str], list[str]]]:
    """(table, columns, primary-key columns) of every data table, parents before children."""
    db = sqlite._db
    names = [r[0] for r in await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT IN ('schema_version', 'daily_instances') ORDER BY name")]
    info, parents = {}, {}
    for name in names:
        cols = await db.execute_fetchall(f"SELECT name, pk FROM pragma_table_info('{name}')")
        keys = [c[0] for c in sorted((c for c in cols if c[1]), key=lambda c: c[1])]
        if not keys:
            raise StorageUnavailable(f"table {name} has no primary key: it cannot be copied"
                                     " without duplicates on a second run")
        info[name] = ([c[0] for c in cols], keys)
        parents[name] = {r[0] for r in await db.execute_fetchall(
            f"SELECT \"table\" FROM pragma_foreign_key_list('{name}')")} - {name}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise StorageUnavailable(f"foreign keys form a cycle among {sorted(set(names) - set(ordered))}")
        ordered.extend(ready)
    return [(name, *info[name]) for name in ordered]


async def copy_sqlite_to_postgres(path: Path | str, url: str) -> list[TableCount]:
    """Copy every table of the SQLite database at `path` into the PostgreSQL one at `url`;
    the counts per table. StorageUnavailable (one line) when either cannot be used."""
    if not await asyncio.to_thread(Path(path).is_file):
        raise StorageUnavailable(f"no SQLite database at STORAGE__PATH={path} to copy from")
    sqlite = await Storage.open(path)
    try:
        pg = await PostgresStorage.open(url, min_size=1, max_size=1)
        try:
            return await _copy(sqlite, pg)
        finally:
            await pg.close()
    finally:
        await sqlite.close()


async def _copy(sqlite: Storage, pg: PostgresStorage) -> list[TableCount]:
    tables = await _tables(sqlite)
    counts = []
    async with pg._pool.acquire() as conn, conn.transaction():
        for table, columns, keys in tables:
            exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table)
            if not exists:
                raise StorageUnavailable(
                    f"PostgreSQL has no table {table}: its migration lacks a PostgreSQL twin")
            before = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
            names = ", ".join(columns)
            marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
            rest = [c for c in columns if c not in keys]
            on_conflict = (f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in rest)}"
                           if rest else "DO NOTHING")
            insert = (f"INSERT INTO {table} ({names}) VALUES ({marks})"
                      f" ON CONFLICT ({', '.join(keys)}) {on_conflict}")
            copied = 0
            async with sqlite._db.execute(f"SELECT {names} FROM {table}") as cur:
                while rows := await cur.fetchmany(BATCH):
                    try:
                        await conn.executemany(insert, [tuple(r) for r in rows])
                    except (asyncpg.PostgresError, asyncpg.DataError) as exc:
                        raise StorageUnavailable(f"copying {table} failed: {exc}") from None
                    copied += len(rows)
            # Identity columns continue after the copied ids (the next /quiz gets a new one).
            for column in columns:
                sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, $2)", table, column)
                if sequence:
                    await conn.execute(
                        f"SELECT setval($1, MAX({column})) FROM {table} HAVING MAX({column}) IS NOT NULL",
                        sequence)
            total = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
            counts.append(TableCount(table, copied, total - before, total))
            log.info("storage: %s", counts[-1].line())
    return counts
