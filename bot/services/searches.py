"""Search queries kept under a short key, for pagers that cannot carry a long query whole."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from bot.domain.errors import NotFound
from bot.store.protocol import ReactionStore

KEY_LENGTH = 16


def search_key(query: str) -> str:
    """Return the short key of ``query``: the same query always gets the same key."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_LENGTH]


async def keep_search(store: ReactionStore, query: str, now: datetime | None = None) -> str:
    """Keep ``query`` in the store and return the key that finds it again."""
    key = search_key(query)
    await store.keep_search_query(key, query, now=now or datetime.now(UTC))
    return key


async def kept_search(store: ReactionStore, key: str) -> str:
    """Return the query kept under ``key``; `NotFound` when it is unknown or expired."""
    query = await store.kept_search_query(key)
    if query is None:
        raise NotFound("That search is too old to page through; search again.")
    return query
