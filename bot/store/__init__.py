"""The aiosqlite repository and its SQL migrations; nothing here imports discord."""

from bot.store.protocol import (
    IngestResult,
    Movie,
    MovieSummary,
    ReactionPage,
    ReactionStore,
    SearchPage,
    StoreCounts,
    StoredReaction,
)
from bot.store.sqlite import SQLiteStore, open_sqlite_store

__all__ = [
    "IngestResult",
    "Movie",
    "MovieSummary",
    "ReactionPage",
    "ReactionStore",
    "SQLiteStore",
    "SearchPage",
    "StoreCounts",
    "StoredReaction",
    "open_sqlite_store",
]
