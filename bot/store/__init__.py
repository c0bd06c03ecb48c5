"""The reaction store: its interface, its logic written once, and its backends. No discord."""

from bot.store.factory import open_store, opened_store
from bot.store.protocol import ReactionStore
from bot.store.repos.store import Store
from bot.store.sqlite import SQLiteStore, open_sqlite_store

__all__ = [
    "ReactionStore",
    "SQLiteStore",
    "Store",
    "open_sqlite_store",
    "open_store",
    "opened_store",
]
