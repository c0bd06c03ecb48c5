"""Turns the bot's processes take through their database: one session start at a time.

Discord lets an application start one gateway session (IDENTIFY) per rate-limit bucket every
5 seconds, across all of its connections; the bucket of a shard is ``shard_id %
max_concurrency``, and an IDENTIFY too soon is refused (docs: Gateway > Rate Limiting;
Sharding > Max Concurrency). Processes started together take turns per bucket: on
PostgreSQL through an advisory lock, so processes on other machines wait too
(`bot.store.postgres.coordination`); on SQLite, whose one database serves one bot process,
within that process, with the end of each bucket's window kept in the database, so a
process restarted at once waits for the window of the one before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from bot.domain.errors import StoreError
from bot.store.protocol import MetaStore

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
        """Let the turns go; a turn others can only see while it is held is held out first."""


class ProcessTurns:
    """Turns within this process: a lock per bucket, and when each bucket is free again.

    Given a store, the moment each bucket is free again is also kept in it (a bot fact),
    and a turn waits for the later of the two: a process restarted within the window of
    the one before waits for the rest of it.
    """

    def __init__(
        self, remember_in: MetaStore | None = None, *, hold: float = IDENTIFY_HOLD
    ) -> None:
        """Hold each turn ``hold`` seconds, timed by the wall clock (other processes read it)."""
        self._store = remember_in
        self._hold = hold
        self._locks: dict[int, asyncio.Lock] = {}
        self._free_at: dict[int, float] = {}

    async def take(self, bucket: int) -> None:
        """Wait until ``bucket``'s last turn has been held its time, then take the next one."""
        async with self._locks.setdefault(bucket, asyncio.Lock()):
            free_at = max(self._free_at.get(bucket, 0.0), await self._remembered(bucket))
            # Never longer than one hold: a clock set back must not stop the bot.
            wait = min(self._hold, free_at - time.time())
            if wait > 0:
                log.info("Waiting %.1f s for the turn to IDENTIFY in bucket %d", wait, bucket)
                await asyncio.sleep(wait)
            self._free_at[bucket] = time.time() + self._hold
            await self._remember(bucket, self._free_at[bucket])

    async def _remembered(self, bucket: int) -> float:
        if self._store is None:
            return 0.0
        try:
            stored = await self._store.get_meta(_free_key(bucket))
            return float(stored) if stored else 0.0
        except (StoreError, ValueError) as error:
            log.warning("Cannot read when IDENTIFY bucket %d is free: %s", bucket, error)
            return 0.0

    async def _remember(self, bucket: int, free_at: float) -> None:
        if self._store is None:
            return
        try:
            await self._store.set_meta(_free_key(bucket), repr(free_at))
        except StoreError as error:
            log.warning("Cannot keep when IDENTIFY bucket %d is free: %s", bucket, error)

    async def close(self) -> None:
        """Nothing to let go: the windows are kept in the database, or die with the process."""


def _free_key(bucket: int) -> str:
    return f"identify_free_at.{bucket}"
