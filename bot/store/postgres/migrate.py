"""PostgreSQL's forward-only schema migrations, applied once under an advisory lock."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

import asyncpg

from bot.domain.errors import StoreError
from bot.store.sqlite.migrate import Migration, check_numbering, load_migrations

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    AnyConnection: TypeAlias = (
        asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    )
    """A connection of its own or one lent by a pool: statements run the same on both."""

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x5265656C_0001
"""The advisory lock key migrations hold ("Reel", 1): one process migrates at a time."""

_LOCK = "SELECT pg_advisory_xact_lock($1)"
_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""
_HAS_VERSION_TABLE = "SELECT to_regclass('schema_version') IS NOT NULL"
_GET_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version"
_RECORD = "INSERT INTO schema_version (version, name) VALUES ($1, $2)"


def postgres_migrations() -> list[Migration]:
    """Return the migrations shipped in bot/store/postgres/migrations, in order."""
    return load_migrations("bot.store.postgres")


async def schema_version(connection: AnyConnection) -> int:
    """Return the highest migration applied; 0 for a database never migrated."""
    if not await connection.fetchval(_HAS_VERSION_TABLE):
        return 0
    return int(await connection.fetchval(_GET_VERSION))


async def migrate(connection: AnyConnection, migrations: Sequence[Migration] | None = None) -> int:
    """Apply every migration newer than the database in one transaction; return the version.

    The transaction first takes an advisory lock, so two processes starting together
    migrate once: the second waits, then finds the work done. Raises StoreError when the
    numbering has gaps, the database is newer than the code, or a migration fails (the
    database then stays as it was).
    """
    if migrations is None:
        migrations = postgres_migrations()
    check_numbering(migrations)
    latest = len(migrations)
    async with connection.transaction():
        await connection.execute(_LOCK, MIGRATION_LOCK)
        await connection.execute(_VERSION_TABLE)
        current = int(await connection.fetchval(_GET_VERSION))
        if current > latest:
            raise StoreError(
                f"the database is at schema version {current}, newer than this code knows "
                f"({latest}); upgrade Reaction Reel or use another DATABASE_URL"
            )
        for migration in migrations[current:]:
            try:
                await connection.execute(migration.sql)
            except asyncpg.PostgresError as error:
                reason = " ".join(str(error).split())
                raise StoreError(
                    f"migration {migration.label} failed: {reason}; the database is left at "
                    f"schema version {current}"
                ) from error
            await connection.execute(_RECORD, migration.version, migration.name)
            log.info("Applied migration %s", migration.label)
    return max(current, latest)
