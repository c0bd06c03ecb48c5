"""Turns the bot's processes take through their database: one session start at a time.

Discord lets an application start one gateway session (IDENTIFY) per rate-limit bucket every
5 seconds, across all of its connections; the bucket of a shard is ``shard_id %
max_concurrency``, and an IDENTIFY too soon is refused (docs: Gateway > Rate Limiting;
Sharding > Max Concurrency). Processes started together take turns per bucket: on
PostgreSQL through an advisory lock, so processes on other machines wait too
(`bot.store.postgres.coordination`); on SQLite, whose one database serves one bot process,
within that process. A turn is held for the window after it is taken, and closing waits for
the windows still open, so a restarted process cannot IDENTIFY inside its predecessor's.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.store.postgres.coordination import AdvisoryTurns
from bot.store.postgres.database import PostgresDatabase
from bot.store.protocol import ReactionStore
from bot.store.repos.store import Store

log = logging.getLogger(__name__)

IDENTIFY_INTERVAL = 5.0
"""Seconds Discord allows between two session starts in one bucket."""
IDENTIFY_HOLD = IDENTIFY_INTERVAL + 0.5
"""Seconds a turn is held after it is taken: the window, and a margin for the IDENTIFY to
leave and travel (Discord times it when it arrives)."""


class IdentifyTurns(Protocol):
    """Turns to start a gateway session, one per bucket at a time."""

    async def take(self, bucket: int) -> None:
        """Wait for ``bucket``'s turn; it stays taken for `IDENTIFY_HOLD` seconds from now."""

    async def close(self) -> None:
        """Wait until every turn taken has been held its time, then let them go."""


class LocalTurns:
    """Turns within this process: a lock per bucket, and when each bucket is free again."""

    def __init__(self, hold: float = IDENTIFY_HOLD) -> None:
        """Hold each turn ``hold`` seconds."""
        self._hold = hold
        self._locks: dict[int, asyncio.Lock] = {}
        self._free_at: dict[int, float] = {}

    async def take(self, bucket: int) -> None:
        """Wait until ``bucket``'s last turn has been held its time, then take the next one."""
        loop = asyncio.get_running_loop()
        async with self._locks.setdefault(bucket, asyncio.Lock()):
            wait = self._free_at.get(bucket, 0.0) - loop.time()
            if wait > 0:
                log.info("Waiting %.1f s for the turn to IDENTIFY in bucket %d", wait, bucket)
                await asyncio.sleep(wait)
            self._free_at[bucket] = loop.time() + self._hold

    async def close(self) -> None:
        """Wait until the last turn taken has been held its time."""
        wait = max(self._free_at.values(), default=0.0) - asyncio.get_running_loop().time()
        if wait > 0:
            log.info("Waiting %.1f s before stopping: Discord allows one IDENTIFY per 5 s", wait)
            await asyncio.sleep(wait)


def identify_turns(store: ReactionStore) -> IdentifyTurns:
    """Return the turns the processes sharing ``store``'s database take to IDENTIFY."""
    database = store.database if isinstance(store, Store) else None
    if isinstance(database, PostgresDatabase):
        return AdvisoryTurns(database.pool, hold=IDENTIFY_HOLD, fallback=LocalTurns())
    return LocalTurns()
