"""SQLite-only: search walks the FTS5 index in its order and stops early, never sorting it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from tests.unit.store_builders import article, db_path, post, query, statement_sql

GUILD = 111
PARAMS = {
    "query": '"popcorn"',
    "ranking": '"popcorn"',
    "guild": GUILD,
    "movie_id": 1,
    "platform": None,
    "cap": 1001,
    "matches": "[1]",
    "terms": '["\\"popcorn\\""]',
    "common": 20000,
    "offset": 0,
    "limit": 5,
}


@pytest.fixture
def backend() -> str:
    """Run this module on SQLite only: it reads SQLite's query plans."""
    return "sqlite"


def plan_rows(tmp_path: Path, name: str) -> list[tuple[int, int, str]]:
    """Return (id, parent, detail) of each step of the statement's query plan."""
    rows = query(db_path(tmp_path), f"EXPLAIN QUERY PLAN {statement_sql(name)}", PARAMS)
    return [(row[0], row[1], row[3]) for row in rows]


@pytest.mark.parametrize("name", ["visible_matches", "search_newest"])
async def test_listing_and_the_newest_walk_the_index_in_order_without_sorting(
    store: Store, tmp_path: Path, name: str
) -> None:
    await store.ingest_article(article(post("popcorn", "a")), content_hash="a")

    steps = plan_rows(tmp_path, name)

    # The matches come from FTS5 in its own rowid order (search_newest's descending order
    # too: FTS5 consumes the ORDER BY): nothing sorts, so LIMIT stops the walk early.
    walks = [step_id for step_id, _, detail in steps if detail.startswith("CO-ROUTINE")]
    walk = [detail for _, parent, detail in steps if parent == (walks[0] if walks else 0)]
    assert walk[0].startswith("SCAN f VIRTUAL TABLE"), steps
    assert not any("TEMP B-TREE" in detail for detail in walk), steps
    assert not any(detail.startswith(("SCAN r ", "SCAN reactions ")) for _, _, detail in steps), (
        steps
    )


async def test_ranking_reads_the_list_of_matches_once(store: Store, tmp_path: Path) -> None:
    await store.ingest_article(article(post("popcorn", "a")), content_hash="a")

    steps = [detail for _, _, detail in plan_rows(tmp_path, "rank_matches")]

    # One FTS5 query for the ranking words, the ids checked against a list built once.
    assert any(step.startswith("SCAN f VIRTUAL TABLE") for step in steps), steps
    assert any(step.startswith("LIST SUBQUERY") for step in steps), steps
    assert not any(step.startswith(("SCAN r ", "SCAN reactions ")) for step in steps), steps


async def test_one_movies_matches_are_read_from_the_movies_reactions(
    store: Store, tmp_path: Path
) -> None:
    await store.ingest_article(article(post("popcorn", "a")), content_hash="a")

    steps = [detail for _, _, detail in plan_rows(tmp_path, "visible_matches_of_movie")]

    # The movie's reactions by index, each looked up in FTS5 by rowid: a word most
    # reactions hold costs the movie's reactions, not every reaction holding it.
    assert steps[0].startswith("SEARCH r USING INDEX"), steps
    assert "(movie_id=?)" in steps[0], steps
    assert any(step.startswith("SCAN f VIRTUAL TABLE INDEX 0:=") for step in steps), steps
