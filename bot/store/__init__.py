"""The reaction store: its interface, the SQLite backend and its SQL migrations. No discord."""

from bot.store.protocol import ReactionStore
from bot.store.sqlite import SQLiteStore, open_sqlite_store

__all__ = ["ReactionStore", "SQLiteStore", "open_sqlite_store"]
