"""Turns to IDENTIFY (issue 14): one per bucket at a time, across processes sharing PostgreSQL.

Each "process" is a store of its own (its own pool) on one database, as bot processes on
several machines are. Times are asserted only as lower bounds: a turn comes no sooner than
the window Discord sets, however loaded the machine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.store import Store, open_sqlite_store
from bot.store.coordination import IDENTIFY_INTERVAL, ProcessTurns
from bot.store.factory import identify_turns
from bot.store.postgres import PostgresDatabase, open_postgres_store
from bot.store.postgres.coordination import IDENTIFY_LOCK, AdvisoryTurns
from tests.pg_server import PostgresServer

EARLY = 0.01
"""How early asyncio may wake a sleeper (its clock's resolution, and rounding): lower bounds
of the short test holds allow that much."""
HOLD = 1.0
"""A shorter hold than Discord's window, for the tests that are not about its length."""
LOCKS = """
SELECT objid::bigint AS bucket, granted FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 2 AND classid = $1::bigint::oid
"""


@pytest.fixture
async def database_url(pg_server: PostgresServer) -> str:
    """Give the URL of an empty, migrated database on the run's server."""
    return await pg_server.emptied_database()


@pytest.fixture
async def processes(database_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """Give two stores on one database, each with its own pool: two bot processes."""
    first = await open_postgres_store(database_url)
    second = await open_postgres_store(database_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def buckets(url: str, *, granted: bool = True) -> set[int]:
    """Return the buckets whose IDENTIFY lock some session holds (or waits for)."""
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(LOCKS, IDENTIFY_LOCK)
    finally:
        await connection.close()
    return {row["bucket"] for row in rows if row["granted"] is granted}


async def held_buckets(url: str) -> set[int]:
    """Return the buckets whose IDENTIFY lock some session holds."""
    return await buckets(url)


async def until_waiting(url: str, bucket: int) -> None:
    """Return once some session waits for ``bucket``'s lock."""
    while bucket not in await buckets(url, granted=False):  # noqa: ASYNC110 - a catalog to poll
        await asyncio.sleep(0.02)


def short_turns(store: Store) -> AdvisoryTurns:
    """Return a process's turns with the tests' short hold."""
    database = store.database
    assert isinstance(database, PostgresDatabase)
    return AdvisoryTurns(database.pool, hold=HOLD, windows=ProcessTurns(store, hold=HOLD))


def test_each_backend_gets_its_own_turns(store: Store, backend: str) -> None:
    turns = identify_turns(store)
    expected = AdvisoryTurns if backend == "postgresql" else ProcessTurns
    assert isinstance(turns, expected)


async def test_a_second_process_waits_until_the_first_lets_the_bucket_go(
    processes: tuple[Store, Store], database_url: str
) -> None:
    # The first holds Discord's window; the second only needs to wait for it.
    first, second = identify_turns(processes[0]), short_turns(processes[1])
    loop = asyncio.get_running_loop()
    await first.take(0)
    first_at = loop.time()

    waiting = asyncio.create_task(second.take(0))
    await until_waiting(database_url, 0)
    assert not waiting.done()

    await waiting
    assert loop.time() - first_at >= IDENTIFY_INTERVAL
    await first.close()
    await second.close()
    assert await held_buckets(database_url) == set()


async def test_shards_of_one_process_in_one_bucket_take_turns_too(
    processes: tuple[Store, Store], database_url: str
) -> None:
    # Each turn waits on a connection of its own: a session would take its own lock again.
    turns = short_turns(processes[0])
    await turns.take(0)

    waiting = asyncio.create_task(turns.take(0))
    await until_waiting(database_url, 0)
    await waiting

    await turns.close()
    assert await held_buckets(database_url) == set()


async def test_processes_in_other_buckets_do_not_wait(
    processes: tuple[Store, Store], database_url: str
) -> None:
    first, second = (short_turns(store) for store in processes)
    await first.take(0)

    await second.take(1)

    # The second took its turn while the first still holds bucket 0.
    assert await held_buckets(database_url) == {0, 1}
    await asyncio.gather(first.close(), second.close())
    assert await held_buckets(database_url) == set()


async def test_closing_waits_for_the_window_then_lets_go(
    processes: tuple[Store, Store], database_url: str
) -> None:
    turns = short_turns(processes[0])
    loop = asyncio.get_running_loop()
    await turns.take(0)
    taken_at = loop.time()

    await turns.close()

    assert loop.time() - taken_at >= HOLD - EARLY
    assert await held_buckets(database_url) == set()


async def test_a_process_waiting_for_its_turn_can_give_up(
    processes: tuple[Store, Store], database_url: str
) -> None:
    first, second = (short_turns(store) for store in processes)
    await first.take(0)
    waiting = asyncio.create_task(second.take(0))
    await until_waiting(database_url, 0)

    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await first.close()

    # Nothing was left locked for the process that gave up.
    assert await held_buckets(database_url) == set()


async def test_a_process_killed_in_its_window_leaves_the_rest_of_it_to_wait(
    processes: tuple[Store, Store], database_url: str
) -> None:
    # A killed process's lock dies with it at once; the window it began does not.
    first, second = (short_turns(store) for store in processes)
    loop = asyncio.get_running_loop()
    await first.take(0)
    taken_at = loop.time()
    database = processes[0].database
    assert isinstance(database, PostgresDatabase)
    database.pool.terminate()  # as a SIGKILL ends its sessions
    for task in list(first._holding):  # its keeper dies with the pool too
        task.cancel()
    while await held_buckets(database_url):  # noqa: ASYNC110 - a catalog to poll
        await asyncio.sleep(0.02)

    await second.take(0)

    assert loop.time() - taken_at >= HOLD - EARLY
    await second.close()


async def test_without_the_database_turns_are_taken_within_the_process(
    database_url: str,
) -> None:
    store = await open_postgres_store(database_url)
    await store.close()
    database = store.database
    assert isinstance(database, PostgresDatabase)
    hold = 0.3
    turns = AdvisoryTurns(database.pool, hold=hold, windows=ProcessTurns(hold=hold))
    loop = asyncio.get_running_loop()

    await turns.take(0)
    first_at = loop.time()
    await turns.take(0)

    assert loop.time() - first_at >= hold - EARLY


async def test_process_turns_space_a_bucket_and_leave_the_others_free() -> None:
    hold = 0.3
    turns = ProcessTurns(hold=hold)
    loop = asyncio.get_running_loop()
    finished: list[tuple[int, float]] = []

    async def take(bucket: int) -> None:
        await turns.take(bucket)
        finished.append((bucket, loop.time()))

    await asyncio.gather(take(0), take(0), take(1))

    assert [bucket for bucket, _ in finished] == [0, 1, 0]
    (_, first), (_, second) = [entry for entry in finished if entry[0] == 0]
    assert second - first >= hold - EARLY


async def test_a_process_restarted_on_sqlite_waits_for_the_window_before_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reactions.db"
    hold = 0.5
    loop = asyncio.get_running_loop()
    before = await open_sqlite_store(path)
    await ProcessTurns(before, hold=hold).take(0)
    taken_at = loop.time()
    await before.close()

    after = await open_sqlite_store(path)
    try:
        await ProcessTurns(after, hold=hold).take(0)
    finally:
        await after.close()

    assert loop.time() - taken_at >= hold - EARLY


async def test_a_window_kept_far_ahead_is_waited_one_hold_at_most(tmp_path: Path) -> None:
    store = await open_sqlite_store(tmp_path / "reactions.db")
    hold = 0.3
    # A clock set back after the window was kept: it seems to end an hour from now.
    await store.set_meta("identify_free_at.0", repr(time.time() + 3600))
    turns = ProcessTurns(store, hold=hold)
    try:
        async with asyncio.timeout(hold * 10):
            await turns.take(0)
    finally:
        await store.close()
