"""Full-text search of reactions, and search queries kept under a short key for pager buttons."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain.records import SEARCH_CAP, SearchPage
from bot.store.port import Row
from bot.store.repos.base import StoreBase
from bot.store.rules import check_aware, check_page, scope

KEEP_SEARCHES = timedelta(days=30)
"""How long a kept query outlives its last use; older pager buttons say it expired."""
COMMON_WORD = 2 * SEARCH_CAP
"""A word held by this many reactions or more is left out of ranking a search with rarer
words, and on SQLite a search whose every word is that common is not ranked: bm25 weighs
a word by walking every reaction that holds it (the most frequent word of 1M reactions:
~30 ms), and telling that a word is this common walks this many of them."""


class SearchRepo(StoreBase):
    """The search part of the store: matching reactions, and kept search queries."""

    async def search_reactions(
        self,
        query: str,
        guild_id: int | None,
        *,
        movie_id: int | None = None,
        platform: str | None = None,
        offset: int,
        limit: int,
    ) -> SearchPage:
        """Return visible reactions whose text, author or handle hold every word of ``query``.

        Words are matched as plain text (prefix and boolean syntax are not interpreted); a
        query with no letters or digits matches nothing. Matches are counted up to
        `SEARCH_CAP`: up to it they are all scored and the best come first; past it the
        page is ``capped``, the newest come first (scoring every match of a word most
        reactions hold is what made search slow), and only the first `SEARCH_CAP` can be
        paged. An offset past the matches shown gives an empty page with the total. The
        backend may also list up to `SEARCH_CAP` matches newest first when every word is
        common (held by `COMMON_WORD` reactions or more): SQLite does, whose bm25 walks
        every reaction holding a word to weigh it.
        """
        check_page(offset, limit)
        match = self._dialect.search_terms(query)
        if not match:
            return SearchPage(query=query, reactions=(), offset=offset, total=0)
        # Each word on its own, for telling whether every word is common.
        terms = [term for term in map(self._dialect.search_terms, query.split()) if term]
        params: dict[str, Any] = {
            "query": match,
            "guild": scope(guild_id),
            "movie_id": movie_id,
            "platform": platform,
            "cap": SEARCH_CAP + 1,
            "terms": self._dialect.text_list(terms),
            "common": COMMON_WORD,
        }
        async with self._db.transaction(write=False) as s:
            await s.run("plan_search_for_its_words")
            listing = "visible_matches" if movie_id is None else "visible_matches_of_movie"
            listed = await s.all(listing, params)
            found = [int(row["id"]) for row in listed]
            ranked = not listed or bool(listed[0]["ranked"])
            total = min(len(found), SEARCH_CAP)
            capped = len(found) > SEARCH_CAP
            limit = min(limit, total - offset)
            page = {**params, "offset": offset, "limit": limit}
            rows: list[Row] = []
            if limit > 0 and not capped and ranked:
                matches = self._dialect.id_list(found)
                rows = await s.all("rank_matches", {**page, "matches": matches})
            elif limit > 0 and capped and movie_id is None:
                rows = await s.all("search_newest", page)
            elif limit > 0:  # the listed matches, newest first
                newest = sorted(found, reverse=True)[offset : offset + limit]
                ids = self._dialect.id_list(newest)
                rows = await s.all("reactions_by_ids", {"guild": params["guild"], "ids": ids})
        return SearchPage(
            query=query,
            reactions=tuple(self._stored_reaction(row) for row in rows),
            offset=offset,
            total=total,
            capped=capped,
        )

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
