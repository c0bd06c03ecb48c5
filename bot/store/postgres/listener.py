"""Hear what other processes commit to the PostgreSQL database, for this process's caches.

Every writing transaction that changes a cached view sends ``NOTIFY reel_changes`` with
its changes (bot/store/changes.py) before it commits; PostgreSQL delivers it at the commit,
and only then, to every connection listening. One connection per process listens. While it
is not listening (not yet connected, lost, reconnecting) the caches are off: nothing
committed meanwhile could be heard. Once it listens again, everything cached before is
dropped, since what was committed in between is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from bot.store.changes import ChangeLog, decode

log = logging.getLogger(__name__)

CHANNEL = "reel_changes"
CONNECT_TIMEOUT = 10.0
RETRY_FIRST = 0.5
RETRY_MOST = 30.0
"""Seconds between attempts to listen again: doubling from the first up to the most."""
PING_EVERY = 10.0
"""Seconds between checks that the listening connection still answers (a connection cut
without a word is otherwise not noticed)."""
PING_TIMEOUT = 5.0
_TROUBLE = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


class ChangeListener:
    """One listening connection, kept up by a background task, feeding a change log."""

    def __init__(self, url: str, token: str, changes: ChangeLog) -> None:
        """Listen on the database at ``url``; ignore notifications sent with ``token``."""
        self._url = url
        self._token = token
        self._changes = changes
        self._task: asyncio.Task[None] | None = None
        self.listening = False
        """Whether every commit of another process is heard now."""

    def start(self) -> None:
        """Start listening in the background (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="reel-change-listener")

    async def close(self) -> None:
        """Stop listening and close the connection."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.listening = False

    def _heard(self, _connection: object, _pid: int, _channel: str, payload: object) -> None:
        token, changes = decode(str(payload))
        if token != self._token:  # this process recorded its own writes at commit
            self._changes.record(changes)

    async def _run(self) -> None:
        retry = RETRY_FIRST
        while True:
            try:
                connection = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
            except _TROUBLE as error:
                log.warning("cannot listen for database changes (%s); retrying", error)
                await asyncio.sleep(retry)
                retry = min(retry * 2, RETRY_MOST)
                continue
            try:
                await self._listen(connection)
                log.warning("lost the connection hearing database changes; caches are off")
                retry = RETRY_FIRST
            except _TROUBLE as error:
                log.warning("stopped hearing database changes (%s); caches are off", error)
            finally:
                self.listening = False
                self._changes.everything()
                connection.terminate()
            await asyncio.sleep(retry)

    async def _listen(self, connection: asyncpg.Connection) -> None:
        """Listen until the connection is lost (returns) or fails (raises)."""
        lost = asyncio.Event()

        def terminated(_connection: object) -> None:
            self.listening = False  # at once: a command may come before this task runs
            lost.set()

        connection.add_termination_listener(terminated)
        await connection.add_listener(CHANNEL, self._heard)
        # Whatever other processes committed before LISTEN took effect was not heard.
        self._changes.everything()
        self.listening = True
        while not connection.is_closed():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), PING_EVERY)
            if lost.is_set():
                return
            await connection.execute("SELECT 1", timeout=PING_TIMEOUT)
