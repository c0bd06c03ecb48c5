"""Per-server caches of what the store reads on every command, never served stale.

A value is kept with the stamp of its view (bot/store/changes.py) taken before it was
read, and served only while the stamp is unchanged. Every write this process commits
changes the stamps of the views it touched; before serving, the database brings the
stamps up to date with what other processes committed (PostgreSQL notifications, SQLite's
data version), and answers False when it cannot tell, in which case nothing is served from
memory. Callers that miss together wait for one load.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.store.changes import View
from bot.store.port import Database

T = TypeVar("T")

KEPT = {View.DIRECTORY: 16, View.SETTINGS: 4096}
"""Servers kept per view, least recently used dropped first (a directory of 10,000
movies takes about 5 MB)."""

Stamp = tuple[int, int]


@dataclass(slots=True)
class _Entry:
    stamp: Stamp
    value: Any


@dataclass(slots=True)
class _Load:
    stamp: Stamp
    task: asyncio.Task[Any]


class StoreCache:
    """Values of each view per guild, for one database, in this process."""

    def __init__(self, database: Database) -> None:
        """Cache for ``database``, whose change log says what went stale."""
        self._db = database
        self._entries: dict[View, OrderedDict[int, _Entry]] = {view: OrderedDict() for view in View}
        self._loads: dict[tuple[View, int], _Load] = {}

    async def get(self, view: View, guild: int, load: Callable[[], Awaitable[T]]) -> T:
        """Return ``view`` of ``guild``: kept if still valid, else what ``load`` reads."""
        if not await self._db.caught_up():
            return await load()
        changes = self._db.changes
        stamp = changes.stamp(view, guild)
        entries = self._entries[view]
        entry = entries.get(guild)
        if entry is not None and entry.stamp == stamp:
            entries.move_to_end(guild)
            value: T = entry.value
            return value
        key = (view, guild)
        pending = self._loads.get(key)
        if pending is None or pending.stamp != stamp:
            pending = _Load(stamp, asyncio.ensure_future(load()))
            pending.task.add_done_callback(self._finished(key, pending))
            self._loads[key] = pending
        # Shielded: a caller that gives up leaves the load to the others waiting on it.
        loaded: T = await asyncio.shield(pending.task)
        return loaded

    def _finished(self, key: tuple[View, int], load: _Load) -> Callable[[asyncio.Task[Any]], None]:
        def keep(task: asyncio.Task[Any]) -> None:
            if self._loads.get(key) is load:
                del self._loads[key]
            if task.cancelled() or task.exception() is not None:
                return  # each waiter has the error; nothing is kept
            view, guild = key
            if self._db.changes.stamp(view, guild) != load.stamp:
                return  # a write landed while it was read: stale already
            entries = self._entries[view]
            entries[guild] = _Entry(load.stamp, task.result())
            entries.move_to_end(guild)
            while len(entries) > KEPT[view]:
                entries.popitem(last=False)

        return keep
