"""Full-text search of reactions, and search queries kept under a short key for pager buttons."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.records import SEARCH_CAP, SearchPage
from bot.store.port import Row, Session
from bot.store.repos.base import StoreBase
from bot.store.rules import check_aware, check_page, scope

KEEP_SEARCHES = timedelta(days=30)
"""How long a kept query outlives its last use; older pager buttons say it expired."""
COMMON_WORD = 2 * SEARCH_CAP
"""A word held by this many reactions or more is left out of ranking a search with rarer
words, and on SQLite a search whose every word is that common is not ranked: bm25 weighs
a word by walking every reaction that holds it (the most frequent word of 1M reactions:
~30 ms), and telling that a word is this common walks this many of them."""
WALK_SHARE = 0.03
"""A search whose words (and platform) the statistics expect together in this share of
the reactions or more lists its matches by walking the newest reactions, a rarer one
through the index (where the backend keeps such statistics: PostgreSQL). At 1M reactions
the two cost the same near 3%: the walk reads about SEARCH_CAP / share reactions, the
index every reaction holding the word."""
WALK_SPAN = 4
"""A walk gives up after this many times the reactions the statistics expect it to read
(words that seldom meet, a server that sees few of the reactions); the index lists them
then."""
MOST_REACTIONS = 0.5
"""A word held by more than this share of the reactions is checked on the rows the other
words find rather than looked up in the index: its entries cost more to read than the
rows it rules out."""
KEEP_SHARES = 600.0
"""Seconds the shares are kept before they are read again (ANALYZE refreshes them as a
tenth of a table changes: they move slowly)."""


@dataclass(frozen=True, slots=True)
class SearchShares:
    """The share of reactions holding each common word and posted on each platform.

    As the database's statistics last sampled them; empty where it keeps none.
    """

    words: Mapping[str, float]
    platforms: Mapping[str, float]
    reactions: float
    """How many reactions the statistics counted (0 when there are none)."""
    read_at: float
    """When they were read, on `time.monotonic`."""

    @classmethod
    def from_rows(cls, rows: Sequence[Row], read_at: float) -> SearchShares:
        """Return the shares of ``search_shares`` rows."""
        kinds: dict[str, dict[str, float]] = {"search": {}, "platform": {}}
        for row in rows:
            kinds[str(row["kind"])][str(row["value"])] = float(row["share"])
        return cls(
            words=kinds["search"],
            platforms=kinds["platform"],
            reactions=float(rows[0]["reactions"]) if rows else 0.0,
            read_at=read_at,
        )

    def listing(self, words: Sequence[str], platform: str | None) -> dict[str, Any]:
        """Return how visible_matches should list the matches of every one of ``words``.

        ``walk``: how many of the newest reactions to walk, or None to use the index;
        through the index, the ``indexed`` words are looked up and the ``rechecked`` ones
        (held by most reactions; None when there are none) are checked on each row found.
        A word the statistics do not list counts as rare. Only the cost depends on this:
        each way finds every word.
        """
        spelled: dict[str, str] = {}  # each word as first typed, by its lexeme
        for word in words:
            spelled.setdefault(word.lower(), word)
        share = {word: self.words.get(lexeme, 0.0) for lexeme, word in spelled.items()}
        rechecked = [word for word in share if share[word] > MOST_REACTIONS]
        if len(rechecked) == len(share):
            rechecked.remove(min(share, key=share.__getitem__))
        together = math.prod(share.values())
        if platform is not None:
            together *= self.platforms.get(platform, 0.0)
        walk = None
        if together >= WALK_SHARE:
            span = math.ceil(WALK_SPAN * (SEARCH_CAP + 1) / together)
            walk = span if span < self.reactions else None
        return {
            "walk": walk,
            "indexed": " ".join(word for word in share if word not in rechecked),
            "rechecked": " ".join(rechecked) or None,
        }


class SearchRepo(StoreBase):
    """The search part of the store: matching reactions, and kept search queries."""

    _shares: SearchShares | None = None
    """This process's copy of the statistics' shares (`KEEP_SHARES`), read on first use."""

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
            if movie_id is None:
                # How to list them (walk the newest reactions, or which words to look up in
                # the index) is picked from the statistics; each way lists the same matches.
                listing = "visible_matches"
                params |= (await self._search_shares(s)).listing(terms, platform)
            else:
                listing = "visible_matches_of_movie"
            listed = await s.all(listing, params)
            if params.get("walk") is not None and len(listed) <= SEARCH_CAP:
                # The newest reactions held fewer: the index lists all of them.
                listed = await s.all(listing, {**params, "walk": None})
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
            reactions=self._stored_reactions(rows),
            offset=offset,
            total=total,
            capped=capped,
        )

    async def _search_shares(self, session: Session) -> SearchShares:
        """Return the statistics' shares, read again when older than `KEEP_SHARES`."""
        now = time.monotonic()
        kept = self._shares
        if kept is None or now - kept.read_at > KEEP_SHARES:
            kept = SearchShares.from_rows(await session.all("search_shares"), now)
            self._shares = kept
        return kept

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
