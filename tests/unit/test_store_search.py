"""Search queries kept under a short key for pager buttons (issue 12).

A contract test: it runs on every backend through the ``store`` fixture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import NotFound
from bot.services.searches import keep_search, kept_search, search_key
from bot.store import Store
from bot.store.repos.search import KEEP_SEARCHES

NOW = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
LONG = " ".join(["quokka marmot ocelot tapir gibbon"] * 5)


async def test_a_kept_query_is_found_by_its_key(store: Store) -> None:
    key = await keep_search(store, LONG, NOW)
    assert key == search_key(LONG)
    assert len(key) == 16
    assert await kept_search(store, key) == LONG


async def test_keeping_the_same_query_twice_keeps_one(store: Store) -> None:
    first = await keep_search(store, LONG, NOW)
    second = await keep_search(store, LONG, NOW + timedelta(days=1))
    assert first == second
    assert await kept_search(store, first) == LONG


async def test_an_unknown_key_says_to_search_again(store: Store) -> None:
    with pytest.raises(NotFound, match="search again"):
        await kept_search(store, "0" * 16)


async def test_queries_unused_for_long_are_forgotten(store: Store) -> None:
    old = await keep_search(store, "an old long query", NOW)
    later = NOW + KEEP_SEARCHES + timedelta(minutes=1)
    fresh = await keep_search(store, LONG, later)
    assert await store.kept_search_query(old) is None
    assert await store.kept_search_query(fresh) == LONG
