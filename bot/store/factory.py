"""Pick and open the store's backend from the settings."""

from __future__ import annotations

from bot.config import Settings
from bot.store.repos.store import Store
from bot.store.sqlite.database import open_sqlite_store


async def open_store(settings: Settings) -> Store:
    """Open the store the settings name: SQLite at ``settings.database_path``.

    Raises StoreError with a one-line message when the database cannot be used.
    """
    return await open_sqlite_store(settings.database_path)
