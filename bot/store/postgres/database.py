"""The PostgreSQL database port: an asyncpg pool, one pooled connection per transaction."""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import asyncpg

from bot.domain.errors import StoreError, StoreUnavailable
from bot.store.changes import EVERY_GUILD, Change, ChangeLog, Effect, View, effects_of, encode
from bot.store.port import Params, Row, Statement
from bot.store.postgres.dialect import PostgresDialect
from bot.store.postgres.listener import CHANNEL, ChangeListener
from bot.store.postgres.migrate import migrate
from bot.store.postgres.migrate import schema_version as read_schema_version
from bot.store.repos.store import Store
from bot.store.sqlite.migrate import Migration
from bot.store.statements import load_statements

if TYPE_CHECKING:
    from bot.store.postgres.migrate import AnyConnection

log = logging.getLogger(__name__)

POOL_MIN = 1
POOL_MAX = 10
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a connection (opening one, or a free one from the pool)."""
COMMAND_TIMEOUT = 30.0
"""Seconds one statement may run before it is cancelled and the people waiting told."""
CLOSE_TIMEOUT = 10.0
WRITE_LOCK = 0x5265656C_0002
"""The advisory lock key every writing transaction holds ("Reel", 2)."""
_TAKE_WRITE_LOCK = "SELECT pg_advisory_xact_lock($1)"
# Delivered to every listening connection when the transaction commits, never before.
_NOTIFY = "SELECT pg_notify($1, $2)"
MAX_PAYLOAD = 7_900
"""Bytes of a notification (PostgreSQL takes up to 8,000); longer says "everything"."""

# What "the database is not answering" looks like from asyncpg: the server gone, restarting
# or shutting down (SQLSTATE classes 08 and 57P), the socket closed under a statement, or no
# connection to be had in time. Members get "try again"; nothing half-written stays, since
# the transaction never committed.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.TooManyConnectionsError,
    asyncpg.QueryCanceledError,
)
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_BUSY: tuple[type[BaseException], ...] = (
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
)


def safe_url(url: str) -> str:
    """Return a database URL without its password (for messages and logs)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "postgresql://(unreadable URL)"
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def one_line(error: BaseException) -> str:
    """Return an error's text on one line (its class name when it has none)."""
    return " ".join(str(error).split()) or type(error).__name__


def _lost_connection(error: BaseException) -> bool:
    """Tell whether ``error`` came of a connection that died (itself or while handling it).

    Rolling back on a dead connection raises an InterfaceError ("the underlying connection
    is closed") whose context is the error that killed it.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, _UNAVAILABLE):
            return True
        if isinstance(seen, asyncpg.InterfaceError) and "closed" in str(seen):
            return True
        seen = seen.__context__
    return False


def fault(error: BaseException) -> Exception | None:
    """Return the store error a driver error means for the people waiting, or None."""
    if _lost_connection(error):
        return StoreUnavailable(f"the database is not answering: {one_line(error)}")
    if isinstance(error, _BUSY):
        return StoreUnavailable(f"the database is busy: {one_line(error)}")
    return None


@cache
def postgres_statements() -> dict[str, Statement]:
    """Return the PostgreSQL statements of bot/store/postgres/queries, loaded once."""
    return load_statements("bot.store.postgres", "asyncpg")


class CleanRelease:
    """The pool's reset: skipped for a connection the store left as it found it.

    asyncpg resets every connection it takes back with a round trip of its own (unlock
    advisory locks, close cursors, UNLISTEN, RESET ALL), before the caller goes on: it
    doubled the round trips of each read. The store's reads and transactions change
    nothing of the session (their advisory lock is the transaction's, ended with it), so
    a connection whose read or transaction ended normally is marked clean and goes back
    as it is. Any other (an error, a cancellation, a session-level IDENTIFY lock held
    through the pool) is reset as asyncpg would; an open transaction is always rolled
    back by asyncpg itself before this runs.
    """

    def __init__(self) -> None:
        """Mark no connection clean."""
        self._clean: weakref.WeakSet[asyncpg.Connection] = weakref.WeakSet()

    def mark(self, connection: object) -> None:
        """Say the store left ``connection`` (a pool's proxy of one) as it found it."""
        raw = getattr(connection, "_con", connection)
        if isinstance(raw, asyncpg.Connection) and not raw.is_in_transaction():
            self._clean.add(raw)

    async def __call__(self, connection: asyncpg.Connection) -> None:
        """Reset ``connection`` unless marked clean since it was last taken."""
        if connection in self._clean:
            self._clean.discard(connection)
            return
        query = connection.get_reset_query()
        if query:
            await connection.execute(query)


def payload(token: str, changes: list[Change]) -> str:
    """Return the notification of ``changes``, made "every view, everywhere" if too long."""
    text = encode(token, changes)
    if len(text.encode()) <= MAX_PAYLOAD:
        return text
    return encode(token, [Change(view, EVERY_GUILD) for view in View])


class PostgresSession:
    """The statements of one transaction on one pooled connection, each run by name."""

    def __init__(
        self,
        connection: AnyConnection,
        statements: dict[str, Statement],
        effects: dict[str, Effect],
    ):
        """Run ``statements`` on ``connection`` (the caller holds its transaction)."""
        self._connection = connection
        self._statements = statements
        self._effects = effects
        self.changes: list[Change] = []
        """What the transaction's statements wrote, for the change log at commit."""

    def _bound(self, name: str, params: Params | None) -> tuple[str, list[Any]]:
        effect = self._effects.get(name)
        if effect is not None:
            self.changes.extend(effect.changes(params))
        statement = self._statements[name]
        given = params or {}
        return statement.sql, [given[parameter] for parameter in statement.parameters]

    async def run(self, name: str, params: Params | None = None) -> None:
        """Run a statement for its effect."""
        sql, args = self._bound(name, params)
        await self._connection.execute(sql, *args)

    async def one(self, name: str, params: Params | None = None) -> Row | None:
        """Return the statement's first row, or None."""
        sql, args = self._bound(name, params)
        row: Row | None = await self._connection.fetchrow(sql, *args)
        return row

    async def all(self, name: str, params: Params | None = None) -> list[Row]:
        """Return every row of the statement."""
        sql, args = self._bound(name, params)
        return list(await self._connection.fetch(sql, *args))

    async def scalar(self, name: str, params: Params | None = None) -> int:
        """Return the first column of the first row as an int; StoreError if no row."""
        row = await self.one(name, params)
        if row is None:
            raise StoreError(f"statement {name} returned no row")
        return int(row[0])

    async def many(self, name: str, rows: Sequence[Params]) -> None:
        """Run the statement once per parameter set, in one pipelined call."""
        if not rows:
            return
        statement = self._statements[name]
        effect = self._effects.get(name)
        if effect is not None:
            for row in rows:
                self.changes.extend(effect.changes(row))
        await self._connection.executemany(
            statement.sql, [[row[parameter] for parameter in statement.parameters] for row in rows]
        )


class PostgresDatabase:
    """A PostgreSQL database through an asyncpg pool; each transaction on its own connection."""

    def __init__(self, pool: asyncpg.Pool, url: str, release: CleanRelease) -> None:
        """Wrap a migrated database's pool, whose connections ``release`` resets."""
        self._pool = pool
        self._release = release
        self._url = url
        self.statements = dict(postgres_statements())
        """The statements by name (a copy: a test may break one)."""
        self._dialect = PostgresDialect()
        self._effects = effects_of(self.statements)
        self._changes = ChangeLog()
        # Names this process's notifications, so its listener skips what it recorded.
        self._token = secrets.token_hex(8)
        self._listener = ChangeListener(url, self._token, self._changes)
        self._closed = False

    @property
    def dialect(self) -> PostgresDialect:
        """Return PostgreSQL's dialect."""
        return self._dialect

    @property
    def pool(self) -> asyncpg.Pool:
        """Return the connection pool (for the CLI's copy and for tests)."""
        return self._pool

    @property
    def changes(self) -> ChangeLog:
        """Return this process's record of stale cached views."""
        return self._changes

    async def caught_up(self) -> bool:
        """Return True once every commit of another process before this call is recorded.

        One round trip on the listening connection (see listener.py). The first call
        starts listening; until the listener is up, the answer is False.
        """
        if self._closed:
            return False
        return await self._listener.caught_up()

    @asynccontextmanager
    async def transaction(self, *, write: bool) -> AsyncIterator[PostgresSession]:
        """Open a transaction on a pooled connection; commit on success, roll back on error.

        Reading transactions are READ ONLY and never wait. Writing ones take turns, in
        every process sharing the database, through one transaction-level advisory lock:
        the store's logic reads, decides and writes in one transaction (is this article
        stored? which settings are set?), which holds only if no other write lands in
        between, as SQLite's one writer guarantees. Each statement after the lock sees
        every write committed before it (READ COMMITTED). A lost or refused connection
        raises StoreUnavailable; the pool replaces broken connections on their next use.

        What the statements wrote goes out as a notification committed with them, and
        into this process's change log once the body is done: also when the commit then
        fails, since it may have happened; a stale view only costs a reload.
        """
        session: PostgresSession | None = None
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
                async with connection.transaction(readonly=not write):
                    if write:
                        await connection.execute(_TAKE_WRITE_LOCK, WRITE_LOCK)
                    body = PostgresSession(connection, self.statements, self._effects)
                    yield body
                    session = body
                    if session.changes:
                        await connection.execute(
                            _NOTIFY, CHANNEL, payload(self._token, session.changes)
                        )
                # Committed: the connection goes back without a reset (CleanRelease).
                self._release.mark(connection)
        except _DRIVER_ERRORS as error:
            mapped = fault(error)
            if mapped is None:
                raise
            raise mapped from error
        finally:
            if session is not None:
                self._changes.record(session.changes)

    async def read(self, name: str, params: Params | None = None) -> list[Row]:
        """Run one reading statement outside a transaction block: one round trip, not three.

        PostgreSQL runs a lone statement in a transaction of its own, with one snapshot.
        """
        statement = self.statements[name]
        given = params or {}
        args = [given[parameter] for parameter in statement.parameters]
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
                rows: list[Row] = list(await connection.fetch(statement.sql, *args))
                self._release.mark(connection)
                return rows
        except _DRIVER_ERRORS as error:
            mapped = fault(error)
            if mapped is None:
                raise
            raise mapped from error

    async def backup(self, target: Path) -> None:
        """Refuse: a PostgreSQL database is backed up with its own tools (pg_dump)."""
        raise StoreError(
            "backups of a PostgreSQL database are made with pg_dump "
            f"(pg_dump --format=custom --file={target} ...); see docs/postgresql.md"
        )

    async def integrity_problems(self) -> list[str]:
        """Return what the database keeps that disagrees with what it is kept from.

        A reaction's count of global sources against its global links, and each link's
        spoiler flag against its article's.
        """
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
                counts = await connection.fetch(_GLOBAL_SOURCES_CHECK)
                links = await connection.fetch(_LINK_SPOILER_CHECK)
        except _DRIVER_ERRORS as error:
            return [one_line(error)]
        return [
            *(
                f"reaction {row['id']} counts {row['stored']} global sources but has {row['real']}"
                for row in counts
            ),
            *(
                f"article {row['article_id']} is{'' if row['spoiler'] else ' not'} a spoiler "
                "but its links say otherwise"
                for row in links
            ),
        ]

    async def schema_version(self) -> int:
        """Return the highest migration applied to the database."""
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
                return await read_schema_version(connection)
        except _DRIVER_ERRORS as error:
            mapped = fault(error)
            if mapped is None:
                raise
            raise mapped from error

    async def close(self) -> None:
        """Close the pool, waiting a while for transactions in flight; twice is harmless."""
        if self._closed:
            return
        self._closed = True
        await self._listener.close()
        try:
            await asyncio.wait_for(self._pool.close(), CLOSE_TIMEOUT)
        except TimeoutError:
            log.warning("PostgreSQL connections did not close in time; ending them")
            self._pool.terminate()


_GLOBAL_SOURCES_CHECK = """
SELECT r.id, r.global_sources AS stored, count(ar.article_id) AS real
FROM reactions AS r
LEFT JOIN article_reactions AS ar ON ar.reaction_id = r.id AND ar.guild_id = 0
GROUP BY r.id
HAVING r.global_sources <> count(ar.article_id)
ORDER BY r.id
LIMIT 20
"""
_LINK_SPOILER_CHECK = """
SELECT DISTINCT a.id AS article_id, a.spoiler
FROM articles AS a
JOIN article_reactions AS ar ON ar.article_id = a.id
WHERE ar.spoiler <> a.spoiler
ORDER BY a.id
LIMIT 20
"""


async def open_postgres_store(url: str, *, migrations: Sequence[Migration] | None = None) -> Store:
    """Connect a pool to the database at ``url``, migrate it, and return the store on it.

    Raises StoreError with a one-line message (never the password) when the server cannot
    be reached, refuses the login, or a migration fails.
    """
    shown = safe_url(url)
    release = CleanRelease()
    try:
        pool = await asyncpg.create_pool(
            url,
            reset=release,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            timeout=CONNECT_TIMEOUT,
            command_timeout=COMMAND_TIMEOUT,
        )
    except _DRIVER_ERRORS as error:
        raise StoreError(f"cannot open the database {shown}: {one_line(error)}") from None
    except ValueError as error:
        raise StoreError(f"DATABASE_URL is not a usable PostgreSQL URL: {error}") from None
    try:
        async with pool.acquire(timeout=CONNECT_TIMEOUT) as connection:
            version = await migrate(connection, migrations)
    except _DRIVER_ERRORS as error:
        await pool.close()
        raise StoreError(f"cannot open the database {shown}: {one_line(error)}") from error
    except BaseException:
        pool.terminate()
        raise
    log.info("Database %s is at schema version %d", shown, version)
    return Store(PostgresDatabase(pool, url, release))
