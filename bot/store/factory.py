"""Pick and open the store's backend from the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.store.coordination import IDENTIFY_HOLD, IdentifyTurns, ProcessTurns
from bot.store.postgres.coordination import AdvisoryTurns
from bot.store.postgres.database import PostgresDatabase, open_postgres_store, safe_url
from bot.store.protocol import ReactionStore
from bot.store.repos.store import Store
from bot.store.sqlite.database import open_sqlite_store


def database_label(settings: Settings) -> str:
    """Return where the store is, for logs and messages: a path, or a URL without password."""
    if settings.database_url is not None:
        return safe_url(settings.database_url.reveal())
    return str(settings.database_path)


async def open_store(settings: Settings) -> Store:
    """Open the store the settings name: PostgreSQL at DATABASE_URL, else SQLite at the path.

    Raises StoreError with a one-line message when the database cannot be used.
    """
    if settings.database_url is not None:
        return await open_postgres_store(settings.database_url.reveal())
    return await open_sqlite_store(settings.database_path)


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[Store]:
    """Open the store for one piece of work (a CLI command) and close it afterwards."""
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()


def identify_turns(store: ReactionStore) -> IdentifyTurns:
    """Return the turns the processes sharing ``store``'s database take to IDENTIFY."""
    database = store.database if isinstance(store, Store) else None
    if isinstance(database, PostgresDatabase):
        return AdvisoryTurns(database.pool, hold=IDENTIFY_HOLD, windows=ProcessTurns(store))
    return ProcessTurns(store)
