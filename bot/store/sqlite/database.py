"""The SQLite database port: one aiosqlite connection under a lock, and a reader for lone reads."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

import aiosqlite

from bot.domain.errors import StoreError, StoreUnavailable
from bot.store.changes import Change, ChangeLog, Effect, effects_of
from bot.store.port import Params, Row, Statement
from bot.store.repos.store import Store
from bot.store.sqlite.dialect import SQLiteDialect
from bot.store.sqlite.migrate import Migration, migrate
from bot.store.sqlite.migrate import schema_version as read_schema_version
from bot.store.statements import load_statements

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    # WAL's recommended pairing: durable at checkpoints, never corrupt on power loss.
    "PRAGMA synchronous = NORMAL",
    # The temporary B-trees of a statement (ORDER BY or GROUP BY of a handful of rows, a
    # materialized subquery) stay in memory. As temporary files, after any statement that
    # had read many pages, they made the page query 3x slower (issue 15).
    "PRAGMA temp_store = MEMORY",
)
_SET_WAL = "PRAGMA journal_mode = WAL"
# The event loop's reader only reads: a statement that would write is refused.
_READER_PRAGMAS = ("PRAGMA query_only = ON", "PRAGMA temp_store = MEMORY")

_BEGIN_READ = "BEGIN"
# IMMEDIATE takes the write lock at once, so a second process (the CLI) waits on
# busy_timeout instead of failing half-way with SQLITE_BUSY.
_BEGIN_WRITE = "BEGIN IMMEDIATE"
_COMMIT = "COMMIT"
# Changes when another connection (another process: the operator's CLI) commits; never
# for this connection's own commits, which the change log records itself.
_DATA_VERSION = "PRAGMA data_version"
_INTEGRITY_CHECK = "PRAGMA integrity_check"
_ROLLBACK = "ROLLBACK"


def one_line(error: BaseException) -> str:
    """Return an error's text on one line."""
    return " ".join(str(error).split())


def _fault(error: sqlite3.DatabaseError) -> Exception:
    """Name what a failing SQLite call means for the people waiting on it.

    A write lock held past the busy timeout is a moment's trouble (try again); a damaged
    file is the operator's. Anything else (a broken statement) stays what it is.
    """
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return StoreUnavailable(f"the database is busy: {one_line(error)}")
    if type(error) is sqlite3.DatabaseError:
        return StoreError(f"the database file is damaged: {one_line(error)}; restore a backup")
    return error


@cache
def sqlite_statements() -> dict[str, Statement]:
    """Return the SQLite statements of bot/store/sqlite/queries, loaded once."""
    return load_statements("bot.store.sqlite", "aiosqlite")


class SQLiteSession:
    """The statements of one transaction on the connection, each run by name."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        statements: dict[str, Statement],
        effects: dict[str, Effect],
    ):
        """Run ``statements`` on ``connection`` (the caller holds the lock and the BEGIN)."""
        self._connection = connection
        self._statements = statements
        self._effects = effects
        self.changes: list[Change] = []
        """What the transaction's statements wrote, for the change log at commit."""

    def _note(self, name: str, params: Params | None) -> None:
        effect = self._effects.get(name)
        if effect is not None:
            self.changes.extend(effect.changes(params))

    # Each statement is one trip to aiosqlite's thread (execute_fetchall), not three
    # (execute, fetch, close): the trips, not the SQL, were most of a page query's time.

    async def run(self, name: str, params: Params | None = None) -> None:
        """Run a statement for its effect."""
        self._note(name, params)
        await self._connection.execute_fetchall(self._statements[name].sql, params or {})

    async def one(self, name: str, params: Params | None = None) -> Row | None:
        """Return the statement's first row, or None."""
        self._note(name, params)
        rows = await self._connection.execute_fetchall(self._statements[name].sql, params or {})
        return next(iter(rows), None)

    async def all(self, name: str, params: Params | None = None) -> list[Row]:
        """Return every row of the statement."""
        self._note(name, params)
        return list(
            await self._connection.execute_fetchall(self._statements[name].sql, params or {})
        )

    async def scalar(self, name: str, params: Params | None = None) -> int:
        """Return the first column of the first row as an int; StoreError if no row."""
        row = await self.one(name, params)
        if row is None:
            raise StoreError(f"statement {name} returned no row")
        return int(row[0])

    async def many(self, name: str, rows: Sequence[Params]) -> None:
        """Run the statement once per parameter set, in one trip."""
        for row in rows:
            self._note(name, row)
        await self._connection.executemany(self._statements[name].sql, rows)


class SQLiteDatabase:
    """One SQLite file through one aiosqlite connection, transactions under one lock."""

    def __init__(
        self, connection: aiosqlite.Connection, reader: sqlite3.Connection | None = None
    ) -> None:
        """Wrap a connection that is already configured and migrated (see open_sqlite_store).

        ``reader``, a second connection to the same file, answers `read` on the event
        loop's own thread (none for an in-memory database, which a second connection
        would not see).
        """
        self._connection = connection
        self._reader = reader
        self.statements = dict(sqlite_statements())
        """This connection's statements by name (a copy: a test may break one)."""
        self._session = SQLiteSession(connection, self.statements, effects_of(self.statements))
        self._dialect = SQLiteDialect()
        self._changes = ChangeLog()
        self._data_version: int | None = None
        self._reader_seen: int | None = None
        # One connection gives no isolation between coroutines: a read between two
        # statements of an ingest would see half an article, and a second BEGIN would fail.
        # Every transaction, read or write, runs under this lock.
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def dialect(self) -> SQLiteDialect:
        """Return SQLite's dialect."""
        return self._dialect

    @property
    def changes(self) -> ChangeLog:
        """Return this connection's record of stale cached views."""
        return self._changes

    @asynccontextmanager
    async def transaction(self, *, write: bool) -> AsyncIterator[SQLiteSession]:
        """Open a transaction under the lock; commit on success, roll back on any error.

        After a commit, what its statements wrote is recorded in the change log.
        """
        async with self._lock:
            self._session.changes.clear()
            try:
                await self._connection.execute_fetchall(_BEGIN_WRITE if write else _BEGIN_READ)
                try:
                    if write:
                        # No other connection commits until this one does: caught up
                        # here, caches serve on the reader's version all through an ingest.
                        await self._catch_up(self._reader_version())
                    yield self._session
                except BaseException:
                    if self._connection.in_transaction:
                        await self._connection.execute_fetchall(_ROLLBACK)
                    raise
                await self._connection.execute_fetchall(_COMMIT)
            except sqlite3.DatabaseError as error:
                raise _fault(error) from error
            self._changes.record(self._session.changes)

    async def caught_up(self) -> bool:
        """Make every cached view stale if another process committed since last asked.

        ``PRAGMA data_version`` tells that another connection committed, not what, so
        everything goes stale. Asked of the writer connection, it ignores this process's
        own commits (the change log records those), but each question is a trip to
        aiosqlite's thread, which costs more than the reads the caches save. So the event
        loop's reader is asked first: while its version is the one seen at the last
        check, no connection at all committed since, and the answer needs no trip.
        """
        seen = self._reader_version()
        if seen is not None and seen == self._reader_seen:
            return True
        async with self._lock:
            # Callers that queued together are served by the first one's trip.
            seen = self._reader_version()
            if seen is None or seen != self._reader_seen:
                await self._catch_up(seen)
        return True

    async def _catch_up(self, seen: int | None) -> None:
        """Ask the writer (under the lock) whether another process committed.

        ``seen`` is the reader's version read before: a commit in between changes both,
        and the next check comes here again.
        """
        try:
            rows = await self._connection.execute_fetchall(_DATA_VERSION)
        except sqlite3.DatabaseError as error:
            raise _fault(error) from error
        version = int(next(iter(rows))[0])
        if version != self._data_version:
            self._data_version = version
            self._changes.everything()
        self._reader_seen = seen

    def _reader_version(self) -> int | None:
        """Return the reader's data version, or None without a reader or when it is busy."""
        if self._reader is None:
            return None
        try:
            return int(self._reader.execute(_DATA_VERSION).fetchall()[0][0])
        except sqlite3.OperationalError:
            return None  # busy (WAL recovery): the writer's thread waits it out

    async def read(self, name: str, params: Params | None = None) -> list[Row]:
        """Run one short reading statement, on the event loop's thread when it can.

        A trip to aiosqlite's thread is two thread wake-ups, and on a busy machine each
        costs more than the statement itself: the page statement reads index ranges and
        one page of rows in tens of microseconds. So the reader connection runs it here,
        in autocommit mode, where one statement reads one snapshot (in WAL mode, the last
        commit when it starts; every write of this process has committed by then). If
        the file is busy (WAL recovery, never an ordinary writer) it goes to the thread,
        which waits out the busy timeout instead of the event loop.
        """
        sql = self.statements[name].sql
        if self._reader is not None:
            try:
                return self._reader.execute(sql, params or {}).fetchall()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            except sqlite3.DatabaseError as error:
                raise _fault(error) from error
        async with self._lock:
            try:
                return list(await self._connection.execute_fetchall(sql, params or {}))
            except sqlite3.DatabaseError as error:
                raise _fault(error) from error

    async def backup(self, target: Path) -> None:
        """Copy the database to ``target`` with SQLite's online backup API, atomically.

        One step copies every page under one read lock: in WAL mode writers go on, and a
        copy in several steps would restart each time another process commits.
        """
        partial = target.with_name(f".{target.name}.partial")
        async with self._lock:
            copy = await asyncio.to_thread(sqlite3.connect, partial, check_same_thread=False)
            try:
                await self._connection.backup(copy, pages=-1)
            except sqlite3.Error as error:
                raise StoreError(f"the backup failed: {one_line(error)}") from error
            finally:
                await asyncio.to_thread(copy.close)
        await asyncio.to_thread(partial.replace, target)

    async def integrity_problems(self) -> list[str]:
        """Return what ``PRAGMA integrity_check`` reports; empty when it says ``ok``."""
        async with self._lock:
            try:
                rows = await self._connection.execute_fetchall(_INTEGRITY_CHECK)
            except sqlite3.DatabaseError as error:
                return [one_line(error)]
        found = [str(row[0]) for row in rows]
        return [] if found == ["ok"] else found

    async def schema_version(self) -> int:
        """Return the database's ``PRAGMA user_version``."""
        async with self._lock:
            return await read_schema_version(self._connection)

    async def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if self._reader is not None:
            self._reader.close()
        async with self._lock:
            await self._connection.close()


async def open_sqlite_store(
    path: str | Path, *, migrations: Sequence[Migration] | None = None
) -> Store:
    """Open (creating it and its folder if needed), configure and migrate the database.

    Raises StoreError with a one-line message when the file is not a usable database,
    when a migration fails, or when the schema is newer than this code.
    """
    target = str(path)
    if target != ":memory:":
        folder = Path(target).parent
        try:
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        except OSError as error:
            reason = (error.strerror or str(error)).lower()
            raise StoreError(
                f"cannot create the folder {folder} for the database: {reason}"
            ) from None
    # isolation_level=None: the store issues BEGIN/COMMIT itself; the sqlite3 module's
    # implicit transactions would otherwise open one behind its back.
    connection = await aiosqlite.connect(target, isolation_level=None)
    try:
        connection.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            async with connection.execute(pragma):
                pass
        async with connection.execute(_SET_WAL) as cursor:
            mode_row = await cursor.fetchone()
        mode = str(mode_row[0]) if mode_row is not None else "unknown"
        if mode.lower() != "wal" and target != ":memory:":
            log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", target, mode)
        version = await migrate(connection, migrations)
    except sqlite3.Error as error:
        await connection.close()
        reason = " ".join(str(error).split())
        raise StoreError(f"cannot open the database {target}: {reason}") from error
    except BaseException:
        await connection.close()
        raise
    log.info("Database %s is at schema version %d", target, version)
    reader = None if target == ":memory:" else _open_reader(target)
    return Store(SQLiteDatabase(connection, reader))


def _open_reader(target: str) -> sqlite3.Connection:
    """Open the event loop's read-only connection to the (already migrated) file.

    No busy timeout: a busy file sends the read to the writer's thread, which waits.
    """
    reader = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    reader.row_factory = sqlite3.Row
    for pragma in (*_READER_PRAGMAS, "PRAGMA busy_timeout = 0"):
        reader.execute(pragma)
    return reader
