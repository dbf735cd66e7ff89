"""The migration files of both backends."""

from bot.storage._common import migrations


def test_migrations_are_uniquely_numbered_files_per_backend():
    for backend in ("sqlite", "postgresql"):
        versions = [v for v, _, _ in migrations(backend)]
        assert versions == sorted(set(versions)) and versions[0] == 1, backend


def test_every_sqlite_migration_has_a_postgresql_twin():
    """A schema change lands for both backends: migrations/NNNN_x.sql comes with a
    migrations/postgresql/NNNN_*.sql of the same number (and PostgreSQL has none of its own)."""
    sqlite = {v: name for v, name, _ in migrations("sqlite")}
    postgresql = {v for v, _, _ in migrations("postgresql")}
    assert {v: name for v, name in sqlite.items() if v not in postgresql} == {}  # need a twin
    assert postgresql - set(sqlite) == set()
