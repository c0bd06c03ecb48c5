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
    result: asyncio.Future[Any]
    """The loaded value, the load's error, or `_GAVE_UP`."""


_GAVE_UP = object()
"""What a load whose caller was cancelled gives those who joined it: load again."""


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
            return await self._load_here(kept, at, self._stamp(kept, guild), load)
        if not await self._db.caught_up():
            return await load()
        stamp = self._stamp(kept, guild)
        entry = entries.get(at)
        if entry is not None and entry.stamp == stamp:
            entries.move_to_end(at)
            value: T = entry.value
            return value
        pending = self._loads.get((kept, at))
        if pending is None or pending.stamp != stamp:
            return await self._load_here(kept, at, stamp, load)
        # Shielded: a caller that gives up leaves the others waiting on the load.
        loaded = await asyncio.shield(pending.result)
        if loaded is _GAVE_UP:
            return await self.get(kept, guild, load, key=key)
        joined: T = loaded
        return joined

    async def _load_here(
        self, kept: Kept, at: _Key, stamp: Stamp, load: Callable[[], Awaitable[T]]
    ) -> T:
        """Load ``at`` in the caller's own task, and keep it; callers meanwhile join it.

        No task of its own: on a busy bot most loads are misses nobody joins, and a task
        and its shield cost two turns of the event loop, more than a SQLite page read
        (issue 15). If the caller is cancelled, whoever joined loads again.
        """
        pending = _Load(stamp, asyncio.get_running_loop().create_future())
        self._loads[(kept, at)] = pending
        try:
            value = await load()
        except BaseException as error:
            self._forget(kept, at, pending)
            if isinstance(error, asyncio.CancelledError):
                pending.result.set_result(_GAVE_UP)
            else:
                pending.result.set_exception(error)
                # Retrieved here: whoever joined gets the error, and nobody may have.
                pending.result.exception()
            raise
        self._forget(kept, at, pending)
        pending.result.set_result(value)
        if self._stamp(kept, at[0]) == stamp:  # else a write landed while it was read
            entries = self._entries.setdefault(kept, OrderedDict())
            entries[at] = _Entry(stamp, value)
            entries.move_to_end(at)
            while len(entries) > kept.most:
                entries.popitem(last=False)
        return value

    def _forget(self, kept: Kept, at: _Key, load: _Load) -> None:
        """Drop ``load`` from the pending loads (unless a newer one took its place)."""
        if self._loads.get((kept, at)) is load:
            del self._loads[(kept, at)]
