"""Copy a SQLite database into an empty PostgreSQL one, ids and all, then verify the counts."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.errors import Conflict, InvalidInput, StoreError
from bot.domain.schedule_time import from_utc_text
from bot.store.postgres.database import PostgresDatabase, open_postgres_store, safe_url
from bot.store.sqlite.database import open_sqlite_store

BATCH = 5_000
"""Rows read from SQLite and sent with one COPY at a time."""


@dataclass(frozen=True, slots=True)
class Table:
    """One table to copy: its columns, and which of them are times or flags in SQLite."""

    name: str
    columns: tuple[str, ...]
    times: frozenset[str]
    flags: frozenset[str]
    identity: bool
    """Whether ``id`` is an identity whose sequence must continue after the copied ids."""


def _table(name: str, columns: str, times: str = "", flags: str = "", *, identity: bool) -> Table:
    """Return a Table from space-separated column names."""
    return Table(
        name, tuple(columns.split()), frozenset(times.split()), frozenset(flags.split()), identity
    )


# In dependency order: a row's foreign keys point at tables above it. reactions leaves out
# global_sources: the trigger on article_reactions counts it again as the links arrive.
TABLES = (
    _table("movies", "id title slug created_at", "created_at", identity=True),
    _table(
        "movie_aliases",
        "id movie_id guild_id alias alias_slug created_at",
        "created_at",
        identity=True,
    ),
    _table(
        "articles",
        "id guild_id content_hash movie_id title source published spoiler created_at",
        "created_at",
        "spoiler",
        identity=True,
    ),
    _table(
        "reactions",
        "id movie_id key_hash platform text author_name handle date url post_id created_at",
        "created_at",
        identity=True,
    ),
    _table(
        "article_reactions",
        "article_id position reaction_id movie_id guild_id spoiler",
        flags="spoiler",
        identity=False,
    ),
    _table(
        "reaction_state",
        "guild_id reaction_id hidden hidden_reason featured updated_at",
        "updated_at",
        "hidden featured",
        identity=False,
    ),
    _table("bot_meta", "key value", identity=False),
    _table(
        "guild_settings",
        "guild_id mod_role_id spoiler_mode page_size updated_at",
        "updated_at",
        identity=False,
    ),
    _table(
        "audit_log",
        "id guild_id user_id action target reason created_at via",
        "created_at",
        identity=True,
    ),
    _table(
        "movie_titles",
        "guild_id title_slug movie_id title current updated_at",
        "updated_at",
        "current",
        identity=False,
    ),
    _table(
        "schedules",
        "id guild_id channel_id every at movie_id next_run_at last_run_at paused paused_reason "
        "created_by updated_at",
        "next_run_at last_run_at updated_at",
        "paused",
        identity=True,
    ),
    _table("schedule_posts", "schedule_id reaction_id posted_at", "posted_at", identity=False),
)

Advance = Callable[[int], None]


def _read_only(source: Path) -> sqlite3.Connection:
    # Read from worker threads one call at a time (asyncio.to_thread), never at once.
    return sqlite3.connect(
        f"{source.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False
    )


def sqlite_counts(source: Path) -> dict[str, int]:
    """Return the row count of every copied table of the SQLite database at ``source``."""
    with closing(_read_only(source)) as connection:
        # Table names come from TABLES, never from input.
        return {
            table.name: int(connection.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0])  # noqa: S608
            for table in TABLES
        }


async def source_counts(source: Path) -> dict[str, int]:
    """Migrate the SQLite database at ``source`` to the latest schema; return its counts."""
    if not await asyncio.to_thread(source.is_file):
        raise InvalidInput(f"there is no SQLite database at {source}")
    migrated = await open_sqlite_store(source)
    await migrated.close()
    return await asyncio.to_thread(sqlite_counts, source)


def _converted(table: Table, row: tuple[Any, ...]) -> tuple[Any, ...]:
    values = []
    for column, value in zip(table.columns, row, strict=True):
        if value is not None and column in table.times:
            try:
                value = from_utc_text(str(value))
            except ValueError:
                raise InvalidInput(
                    f"{table.name}.{column} holds {value!r}, which is not a stored time"
                ) from None
        elif value is not None and column in table.flags:
            value = bool(value)
        values.append(value)
    return tuple(values)


def _batches(connection: sqlite3.Connection, table: Table) -> Iterator[list[tuple[Any, ...]]]:
    order = " ORDER BY id" if table.identity else ""
    cursor = connection.execute(
        f"SELECT {', '.join(table.columns)} FROM {table.name}{order}"  # noqa: S608
    )
    while rows := cursor.fetchmany(BATCH):
        yield [_converted(table, row) for row in rows]


async def _postgres_counts(database: PostgresDatabase) -> dict[str, int]:
    async with database.pool.acquire() as connection:
        return {
            table.name: int(await connection.fetchval(f"SELECT count(*) FROM {table.name}"))  # noqa: S608
            for table in TABLES
        }


async def copy_sqlite_to_postgres(source: Path, url: str, advance: Advance) -> dict[str, int]:
    """Copy every table of the SQLite database at ``source`` into the empty database at ``url``.

    The source is migrated to the latest schema first; the target is migrated, then must
    hold no rows (Conflict otherwise). All rows go in one transaction, keeping their ids;
    identity sequences then continue after them. ``advance(n)`` is called as rows are
    copied. Returns the counts per table, checked equal on both sides (StoreError if not).
    """
    wanted = await source_counts(source)
    target = await open_postgres_store(url)
    try:
        database = target.database
        if not isinstance(database, PostgresDatabase):  # pragma: no cover - opened just above
            raise StoreError("the target is not a PostgreSQL database")
        found = {name: count for name, count in (await _postgres_counts(database)).items() if count}
        if found:
            listed = ", ".join(f"{count} in {name}" for name, count in found.items())
            raise Conflict(
                f"the database {safe_url(url)} is not empty ({listed}); copy-db only fills an "
                "empty one"
            )
        await _copy_rows(source, database, advance)
        copied = await _postgres_counts(database)
        problems = (await target.check()).problems
    finally:
        await target.close()
    if copied != wanted:
        differ = ", ".join(
            f"{name}: {wanted[name]} in SQLite, {copied[name]} copied"
            for name in wanted
            if wanted[name] != copied[name]
        )
        raise StoreError(f"the copy does not match its source: {differ}")
    if problems:
        raise StoreError(f"the copy is not sound: {'; '.join(problems)}")
    return copied


async def _copy_rows(source: Path, database: PostgresDatabase, advance: Advance) -> None:
    reader = await asyncio.to_thread(_read_only, source)
    try:
        async with database.pool.acquire() as connection, connection.transaction():
            for table in TABLES:
                batches = _batches(reader, table)
                while batch := await asyncio.to_thread(next, batches, None):
                    await connection.copy_records_to_table(
                        table.name, records=batch, columns=table.columns
                    )
                    advance(len(batch))
                if table.identity:
                    await connection.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                        f"coalesce(max(id), 0) + 1, false) FROM {table.name}"
                    )
    finally:
        await asyncio.to_thread(reader.close)
