"""Per-server caches of what the store reads on every command, never served stale.

A value is kept with the stamps of the views it is read from (bot/store/changes.py),
taken before it was read, and served only while the stamps are unchanged. Every write
this process commits changes the stamps of the views it touched; before serving, the
database brings the stamps up to date with what other processes committed (PostgreSQL
notifications, SQLite's data version), and answers False when it cannot tell, in which
case nothing is served from memory. Callers that miss together wait for one load.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.store.changes import View
from bot.store.port import Database

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Kept:
    """One kind of value the cache keeps: the views it is read from, and how many at most."""

    name: str
    views: tuple[View, ...]
    most: int
    """Values kept, least recently used dropped first."""


DIRECTORIES = Kept("directory", (View.DIRECTORY,), 16)
"""A server's movies and names (a directory of 10,000 movies takes about 5 MB)."""
SETTINGS = Kept("settings", (View.SETTINGS,), 4096)
"""A server's settings row."""
MOVIES_BY_NAME = Kept("movie by name", (View.DIRECTORY,), 4096)
"""The movie a name finds in a server (or that none does), by the name's slug."""
MOVIES_BY_ID = Kept("movie by id", (View.DIRECTORY,), 4096)
"""A movie as a server sees it (or that it does not), by id: what a page button names."""
PAGES = Kept("page", (View.DIRECTORY, View.SETTINGS), 256)
"""A page of a movie as a server sees it, with the settings it was paged by: a few kB, and
at most 10 posts of 4,000 characters (about 40 MB for all of them, even in emoji)."""

Stamp = tuple[tuple[int, int], ...]
_Key = tuple[int, Hashable]


@dataclass(slots=True)
class _Entry:
    stamp: Stamp
    value: Any


@dataclass(slots=True)
class _Load:
    stamp: Stamp
    task: asyncio.Task[Any]


class StoreCache:
    """Values of each kind per guild (and key), for one database, in this process."""

    def __init__(self, database: Database) -> None:
        """Cache for ``database``, whose change log says what went stale."""
        self._db = database
        self._entries: dict[Kept, OrderedDict[_Key, _Entry]] = {}
        self._loads: dict[tuple[Kept, _Key], _Load] = {}

    def _stamp(self, kept: Kept, guild: int) -> Stamp:
        changes = self._db.changes
        return tuple(changes.stamp(view, guild) for view in kept.views)

    async def get(
        self,
        kept: Kept,
        guild: int,
        load: Callable[[], Awaitable[T]],
        *,
        key: Hashable = None,
    ) -> T:
        """Return the ``kept`` value of ``guild`` (and ``key``): kept while valid, else loaded."""
        entries = self._entries.setdefault(kept, OrderedDict())
        at: _Key = (guild, key)
        if at not in entries and (kept, at) not in self._loads:
            # Nothing to serve or to join: the load reads the database now, which sees every
            # commit, so there is nothing to catch up with first (a round trip on
            # PostgreSQL). Its stamp, taken before it reads, can only be older than what it
            # read: a commit not yet heard of makes the value stale when it is, never
            # served stale.
            return await self._load(kept, at, self._stamp(kept, guild), load)
        if not await self._db.caught_up():
            return await load()
        stamp = self._stamp(kept, guild)
        entry = entries.get(at)
        if entry is not None and entry.stamp == stamp:
            entries.move_to_end(at)
            value: T = entry.value
            return value
        return await self._load(kept, at, stamp, load)

    async def _load(
        self, kept: Kept, at: _Key, stamp: Stamp, load: Callable[[], Awaitable[T]]
    ) -> T:
        """Join the load of ``at`` under ``stamp``, or start it; keep what it returns."""
        pending = self._loads.get((kept, at))
        if pending is None or pending.stamp != stamp:
            pending = _Load(stamp, asyncio.ensure_future(load()))
            pending.task.add_done_callback(self._finished(kept, at, pending))
            self._loads[(kept, at)] = pending
        # Shielded: a caller that gives up leaves the load to the others waiting on it.
        loaded: T = await asyncio.shield(pending.task)
        return loaded

    def _finished(self, kept: Kept, at: _Key, load: _Load) -> Callable[[asyncio.Task[Any]], None]:
        def keep(task: asyncio.Task[Any]) -> None:
            if self._loads.get((kept, at)) is load:
                del self._loads[(kept, at)]
            if task.cancelled() or task.exception() is not None:
                return  # each waiter has the error; nothing is kept
            if self._stamp(kept, at[0]) != load.stamp:
                return  # a write landed while it was read: stale already
            entries = self._entries.setdefault(kept, OrderedDict())
            entries[at] = _Entry(load.stamp, task.result())
            entries.move_to_end(at)
            while len(entries) > kept.most:
                entries.popitem(last=False)

        return keep
