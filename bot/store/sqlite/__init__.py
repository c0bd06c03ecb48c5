"""The SQLite backend: its connection handling, dialect, named SQL and migrations."""

from bot.store.sqlite.database import SQLiteDatabase, open_sqlite_store, sqlite_statements

__all__ = ["SQLiteDatabase", "open_sqlite_store", "sqlite_statements"]
