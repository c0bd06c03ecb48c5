"""Hear what other processes commit to the PostgreSQL database, for this process's caches.

Every writing transaction that changes a cached view sends ``NOTIFY reel_changes`` with
its changes (bot/store/changes.py) before it commits; PostgreSQL delivers it at the commit,
and only then, to every connection listening. One connection per process listens.

A notification travels on its own, so a command could come before the notification of a
commit that finished just before it. `ChangeListener.caught_up` closes that gap with one
round trip on the listening connection: PostgreSQL sends a session the notifications
queued for it before it reports the session ready for the next query, so once ``SELECT
1`` returns, every commit that came before it has been heard (callers that come together
share a round trip). While nothing listens (not yet connected, lost, reconnecting) the
caches are off; once it listens again, everything cached before is dropped, since what
was committed in between is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from bot.store.changes import ChangeLog, decode

log = logging.getLogger(__name__)

CHANNEL = "reel_changes"
APPLICATION_NAME = "reel-change-listener"
"""How the listening connection shows in pg_stat_activity."""
CONNECT_TIMEOUT = 10.0
RETRY_FIRST = 0.5
RETRY_MOST = 30.0
"""Seconds between attempts to listen again: doubling from the first up to the most."""
SYNC_TIMEOUT = 2.0
"""Seconds the round trip of `caught_up` may take before the connection counts as lost."""
_SYNC = "SELECT 1"
# InternalClientError: "another operation is in progress" when the server drops the
# connection in the middle of a round trip; it is not an InterfaceError.
_TROUBLE = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
    TimeoutError,
)


class ChangeListener:
    """One listening connection, kept up by a background task, feeding a change log."""

    def __init__(self, url: str, token: str, changes: ChangeLog) -> None:
        """Listen on the database at ``url``; ignore notifications sent with ``token``."""
        self._url = url
        self._token = token
        self._changes = changes
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self._next_sync: asyncio.Future[bool] | None = None
        self._syncing: asyncio.Task[None] | None = None

    @property
    def listening(self) -> bool:
        """Whether a connection listens now."""
        return self._connection is not None and not self._connection.is_closed()

    def start(self) -> None:
        """Start listening in the background (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="reel-change-listener")

    async def caught_up(self) -> bool:
        """Return True once every commit made before this call has been heard.

        False while nothing listens (the first call starts listening): then nothing may
        be served from a cache.
        """
        self.start()
        if not self.listening:
            return False
        if self._next_sync is None:
            self._next_sync = asyncio.get_running_loop().create_future()
            if self._syncing is None:
                self._syncing = asyncio.create_task(self._sync_rounds())
        # Shielded: one caller giving up does not cancel the round others wait on.
        return await asyncio.shield(self._next_sync)

    async def close(self) -> None:
        """Stop listening and close the connection."""
        for task in (self._syncing, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._syncing = self._task = None
        if self._next_sync is not None and not self._next_sync.done():
            self._next_sync.set_result(False)

    async def _sync_rounds(self) -> None:
        """Run round trips while callers wait: each round serves those who came before it."""
        try:
            while self._next_sync is not None:
                waiting, self._next_sync = self._next_sync, None
                heard = False
                try:
                    heard = await self._sync()
                finally:
                    waiting.set_result(heard)
        finally:
            self._syncing = None

    async def _sync(self) -> bool:
        connection = self._connection
        if connection is None or connection.is_closed():
            return False
        try:
            await connection.execute(_SYNC, timeout=SYNC_TIMEOUT)
        except _TROUBLE as error:
            log.warning("the connection hearing database changes failed (%s)", error)
            connection.terminate()  # the listening task notices and connects again
            return False
        return not connection.is_closed()

    def _heard(self, _connection: object, _pid: int, _channel: str, payload: object) -> None:
        token, changes = decode(str(payload))
        if token != self._token:  # this process recorded its own writes at commit
            self._changes.record(changes)

    async def _run(self) -> None:
        retry = RETRY_FIRST
        while True:
            try:
                connection = await asyncpg.connect(
                    self._url,
                    timeout=CONNECT_TIMEOUT,
                    server_settings={"application_name": APPLICATION_NAME},
                )
            except _TROUBLE as error:
                log.warning("cannot listen for database changes (%s); caches are off", error)
                await asyncio.sleep(retry)
                retry = min(retry * 2, RETRY_MOST)
                continue
            try:
                await self._listen(connection)
                log.warning("lost the connection hearing database changes; caches are off")
                retry = RETRY_FIRST
            except _TROUBLE as error:
                log.warning("cannot listen for database changes (%s); caches are off", error)
            finally:
                self._connection = None
                self._changes.everything()
                connection.terminate()
            await asyncio.sleep(retry)

    async def _listen(self, connection: asyncpg.Connection) -> None:
        """Listen until the connection is lost (returns) or fails (raises)."""
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANNEL, self._heard)
        # Whatever other processes committed before LISTEN took effect was not heard.
        self._changes.everything()
        self._connection = connection
        await lost.wait()
