"""Search queries kept under a short key, for pager buttons that cannot carry them whole."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.repos.base import StoreBase
from bot.store.rules import check_aware

KEEP_SEARCHES = timedelta(days=30)
"""How long a kept query outlives its last use; older pager buttons say it expired."""


class SearchRepo(StoreBase):
    """The kept-search-queries part of the store."""

    async def keep_search_query(self, key: str, query: str, *, now: datetime) -> None:
        """Keep ``query`` under ``key`` (marking it used now); forget long-unused ones."""
        check_aware(now, "The time a search query is kept at")
        async with self._db.transaction(write=True) as s:
            await s.run(
                "upsert_search_query",
                {"key": key, "query": query, "used_at": self._dialect.moment(now)},
            )
            await s.run(
                "prune_search_queries", {"before": self._dialect.moment(now - KEEP_SEARCHES)}
            )

    async def kept_search_query(self, key: str) -> str | None:
        """Return the query kept under ``key``, or None when there is none (or it expired)."""
        async with self._db.transaction(write=False) as s:
            row = await s.one("select_search_query", {"key": key})
        return None if row is None else str(row[0])
