"""SQLite's forward-only schema migrations, tracked by ``PRAGMA user_version``."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.domain.errors import StoreError

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_GET_VERSION = "PRAGMA user_version"
_ROLLBACK = "ROLLBACK"

MIN_SQLITE = (3, 35, 0)
"""The oldest SQLite the schema and statements work on (``RETURNING`` came in 3.35)."""


def sqlite_library_version() -> str:
    """Return the version of the SQLite library Python is linked against, e.g. ``3.45.1``."""
    return sqlite3.sqlite_version


def check_sqlite_version(version: tuple[int, int, int] | None = None) -> None:
    """Raise StoreError when the SQLite library (or ``version``) is older than `MIN_SQLITE`."""
    found = sqlite3.sqlite_version_info if version is None else version
    if found < MIN_SQLITE:
        shown = ".".join(str(part) for part in found)
        needed = ".".join(str(part) for part in MIN_SQLITE)
        raise StoreError(
            f"SQLite {shown} is too old: Reaction Reel needs {needed} or later "
            "(run it with a Python built against a newer SQLite)"
        )


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL script that moves the schema from ``version - 1`` to ``version``."""

    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        """Return the migration's file stem, e.g. ``0001_initial``."""
        return f"{self.version:04d}_{self.name}"


def load_migrations(
    package: str = "bot.store.sqlite", folder: str = "migrations"
) -> list[Migration]:
    """Read ``NNNN_name.sql`` files shipped as package data, in version order."""
    found: list[Migration] = []
    for entry in resources.files(package).joinpath(folder).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise StoreError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        found.append(
            Migration(
                version=int(match["version"]),
                name=match["name"],
                sql=entry.read_text(encoding="utf-8"),
            )
        )
    found.sort(key=lambda migration: migration.version)
    check_numbering(found)
    return found


def check_numbering(migrations: Sequence[Migration]) -> None:
    """Raise StoreError unless versions run 1, 2, 3... in order, without gaps or repeats."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise StoreError(
                f"migrations must be numbered 0001, 0002... without gaps: "
                f"expected {expected:04d}, found {migration.label}"
            )


def _wrapped(migration: Migration) -> str:
    # executescript() commits any open transaction before it runs, so an outer BEGIN would
    # not make the file atomic: the transaction and the version bump go inside the script.
    # The newlines guard against a file ending in a "--" comment or without a semicolon.
    return (
        "BEGIN IMMEDIATE;\n"
        f"{migration.sql}\n;\n"
        f"PRAGMA user_version = {int(migration.version)};\n"
        "COMMIT;\n"
    )


async def schema_version(connection: aiosqlite.Connection) -> int:
    """Return the database's ``PRAGMA user_version``."""
    async with connection.execute(_GET_VERSION) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def migrate(
    connection: aiosqlite.Connection, migrations: Sequence[Migration] | None = None
) -> int:
    """Apply every migration newer than the database, each atomically; return the version.

    ``migrations`` defaults to the files in ``bot/store/sqlite/migrations``; tests pass their own.
    Raises StoreError when the numbering has gaps, when the database is newer than the
    code, or when a migration fails (the database then stays at the version before it).
    """
    check_sqlite_version()
    if migrations is None:
        migrations = load_migrations()
    check_numbering(migrations)
    latest = len(migrations)
    current = await schema_version(connection)
    if current > latest:
        raise StoreError(
            f"the database is at schema version {current}, newer than this code knows "
            f"({latest}); upgrade Reaction Reel or use another DATABASE_PATH"
        )
    for migration in migrations[current:]:
        try:
            await connection.executescript(_wrapped(migration))
        except sqlite3.Error as error:
            if connection.in_transaction:
                await connection.execute(_ROLLBACK)
            # Another process (the CLI beside the bot) may have applied it first.
            if await schema_version(connection) >= migration.version:
                continue
            reason = " ".join(str(error).split())
            raise StoreError(
                f"migration {migration.label} failed: {reason}; the database is left at "
                f"schema version {migration.version - 1}"
            ) from error
        log.info("Applied migration %s", migration.label)
    return await schema_version(connection)
