"""Loads of the store cache: callers that miss together share one; none is lost or stale.

A miss loads in the caller's own task (bot/store/cache.py), so what a shared load does
when its caller fails or gives up is the cache's own logic: tested here on a real change
log, with loads that wait on events so the interleaving is the test's.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.store.cache import PAGES, StoreCache
from bot.store.changes import Change, ChangeLog, View

GUILD = 7


class _Database:
    """What the cache asks of a database: its change log, and whether it is caught up."""

    def __init__(self) -> None:
        self.changes = ChangeLog()

    async def caught_up(self) -> bool:
        return True


class _Loads:
    """A load that counts its runs and, while ``gate`` is closed, waits on it."""

    def __init__(self) -> None:
        self.runs = 0
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.error: Exception | None = None

    async def __call__(self) -> str:
        self.runs += 1
        self.started.set()
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return f"value {self.runs}"


def _cache() -> tuple[StoreCache, _Database]:
    database = _Database()
    return StoreCache(database), database  # type: ignore[arg-type]


def _get(cache: StoreCache, load: _Loads) -> asyncio.Task[str]:
    """Ask for the page the tests share, as a command would: in a task of its own."""
    return asyncio.create_task(cache.get(PAGES, GUILD, load, key=1))


async def _two_callers(cache: StoreCache, load: _Loads) -> tuple[asyncio.Task[str], ...]:
    """Start a caller, then a second once the first's load has begun (so it joins it)."""
    first = _get(cache, load)
    await load.started.wait()
    second = _get(cache, load)
    await asyncio.sleep(0)
    return first, second


async def test_callers_that_miss_together_share_one_load() -> None:
    cache, _ = _cache()
    load = _Loads()
    first, second = await _two_callers(cache, load)
    load.gate.set()
    assert await first == await second == "value 1"
    assert load.runs == 1
    assert await cache.get(PAGES, GUILD, load, key=1) == "value 1"  # kept
    assert load.runs == 1


async def test_an_error_reaches_every_caller_and_nothing_is_kept() -> None:
    cache, _ = _cache()
    load = _Loads()
    load.error = LookupError("gone")
    first, second = await _two_callers(cache, load)
    load.gate.set()
    for caller in (first, second):
        with pytest.raises(LookupError, match="gone"):
            await caller
    load.error = None
    assert await cache.get(PAGES, GUILD, load, key=1) == "value 2"


async def test_a_caller_that_gives_up_leaves_the_others_a_value() -> None:
    cache, _ = _cache()
    load = _Loads()
    first, second = await _two_callers(cache, load)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    load.gate.set()
    assert await second == "value 2"  # loaded again by the caller that stayed
    assert await cache.get(PAGES, GUILD, load, key=1) == "value 2"
    assert load.runs == 2


async def test_a_joiner_that_gives_up_leaves_the_load_going() -> None:
    cache, _ = _cache()
    load = _Loads()
    first, second = await _two_callers(cache, load)
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    load.gate.set()
    assert await first == "value 1"
    assert load.runs == 1


async def test_a_value_read_across_a_write_is_not_kept() -> None:
    cache, database = _cache()
    load = _Loads()
    first = _get(cache, load)
    await load.started.wait()
    database.changes.record([Change(View.DIRECTORY, GUILD)])
    load.gate.set()
    assert await first == "value 1"  # what was read, for the caller that asked before
    assert await cache.get(PAGES, GUILD, load, key=1) == "value 2"
