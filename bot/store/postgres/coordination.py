"""Turns to IDENTIFY shared by every process on one PostgreSQL database: advisory locks.

Each bucket is the session-level advisory lock ``(IDENTIFY_LOCK, bucket)``. A turn takes it
on a connection of its own, which keeps it for the hold and then unlocks it, so a process
on any machine waits in `pg_advisory_lock` until the bucket's last IDENTIFY is a window
old. If the process dies, PostgreSQL ends its sessions and their locks with it: early, if
it died within the window. So the lock's holder also waits for the end of the window kept
in the database by the turn before (`ProcessTurns` with the store, as on SQLite), and
keeps its own there: a process restarted at once waits for the rest of its old window.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import asyncpg

from bot.store.postgres.database import CONNECT_TIMEOUT, one_line

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    from bot.store.coordination import IdentifyTurns

log = logging.getLogger(__name__)

IDENTIFY_LOCK = 0x5265656C
"""The first key of every bucket's lock ("Reel"). Two-key locks never meet the one-key
write lock (`bot.store.postgres.database.WRITE_LOCK`): PostgreSQL keeps the forms apart."""
LOCK_WAIT = 600.0
"""Seconds to wait for a bucket before giving up on the database (a long queue of shards)."""
_LOCK = "SELECT pg_advisory_lock($1, $2)"
_UNLOCK = "SELECT pg_advisory_unlock($1, $2)"
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


class AdvisoryTurns:
    """Turns per bucket through advisory locks, and the windows kept in the database.

    ``windows`` are the turns within this process that keep each bucket's window in the
    database: taken under the lock, they wait for the window of a holder that died early.
    While the database cannot be reached they are the turn: the bot must still connect to
    Discord without it.
    """

    def __init__(self, pool: asyncpg.Pool, *, hold: float, windows: IdentifyTurns) -> None:
        """Take turns on ``pool``'s database, holding each ``hold`` seconds."""
        self._pool = pool
        self._hold = hold
        self._windows = windows
        self._holding: set[asyncio.Task[None]] = set()

    async def take(self, bucket: int) -> None:
        """Wait for ``bucket``'s lock and keep it, on its own connection, for the hold."""
        try:
            connection = await self._pool.acquire(timeout=CONNECT_TIMEOUT)
        except _DRIVER_ERRORS as error:
            await self._take_without_database(bucket, error)
            return
        try:
            await connection.execute(_LOCK, IDENTIFY_LOCK, bucket, timeout=LOCK_WAIT)
        except _DRIVER_ERRORS as error:
            await self._pool.release(connection)
            await self._take_without_database(bucket, error)
            return
        except BaseException:
            # Cancelled while waiting: releasing resets the connection, which unlocks
            # whatever it was granted meanwhile.
            await self._pool.release(connection)
            raise
        try:
            await self._windows.take(bucket)
        except BaseException:
            await self._pool.release(connection)  # and with it the lock
            raise
        task = asyncio.create_task(self._keep(connection, bucket))
        self._holding.add(task)
        task.add_done_callback(self._holding.discard)

    async def _take_without_database(self, bucket: int, error: BaseException) -> None:
        log.warning(
            "Cannot take the turn to IDENTIFY in the database (%s); taking it in this process",
            one_line(error),
        )
        await self._windows.take(bucket)

    async def _keep(self, connection: PoolConnectionProxy[asyncpg.Record], bucket: int) -> None:
        try:
            await asyncio.sleep(self._hold)
            await connection.execute(_UNLOCK, IDENTIFY_LOCK, bucket)
        except _DRIVER_ERRORS as error:
            # A lost connection has lost its lock too.
            log.debug("Unlocking IDENTIFY bucket %d failed: %s", bucket, one_line(error))
        finally:
            await self._pool.release(connection)

    async def close(self) -> None:
        """Wait until every lock taken has been held its time and let go."""
        if self._holding:
            log.info("Waiting before stopping: Discord allows one IDENTIFY per 5 s")
            await asyncio.gather(*self._holding)
        await self._windows.close()
