"""The SQLite backend: its connection handling, dialect, named SQL and migrations."""

from bot.store.repos.store import Store
from bot.store.sqlite.database import SQLiteDatabase, open_sqlite_store, sqlite_statements

SQLiteStore = Store
"""The store as `open_sqlite_store` returns it: `Store` itself, the logic being written once.

Kept because it was the public name before the split (tests and other branches import it).
"""

__all__ = ["SQLiteDatabase", "SQLiteStore", "open_sqlite_store", "sqlite_statements"]
