"""SQLite-only: the store's hot statements read indexes, never scan or sort big tables."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.rules import ALL_MOVIES
from tests.unit.store_builders import (
    article,
    db_path,
    plan,
    post,
    statement_sql,
)

GUILD = 111


SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)


@pytest.fixture
def backend() -> str:
    """Run this module on SQLite only: it reads SQLite's own files, errors or plans."""
    return "sqlite"


PAGE = {"movie_id": 1, "slug": None, "guild": GUILD, "offset": None, "limit": None, "page": 1}
# The tables that grow with the collection, by the names the page statement gives them.
BIG_TABLE = re.compile(r"^SCAN (?:r|ar|e|s|a|reactions|article_reactions|reaction_state)\b")


@pytest.mark.parametrize("guild", [GUILD, 0], ids=["guild", "no guild"])
async def test_page_query_is_index_look_ups(store: Store, tmp_path: Path, guild: int) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    params = {**PAGE, "guild": guild, "default_size": 5}

    steps = plan(db_path(tmp_path), statement_sql("reaction_page"), params)

    assert [step for step in steps if BIG_TABLE.match(step)] == [], steps
    # The movie's global reactions are a count kept in its row, not a range counted anew.
    assert not [step for step in steps if "reactions_movie_global" in step], steps
    assert "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)" in steps
    # The guild's own articles of the movie, from the small index of guild articles.
    own = "SEARCH a USING COVERING INDEX articles_guild_movie (guild_id=? AND movie_id=?)"
    assert own in steps
    # The guild's featured and hidden reactions of this movie, not of every movie.
    assert (
        "SEARCH s USING COVERING INDEX reaction_state_movie "
        "(guild_id=? AND movie_id=? AND featured=? AND hidden=?)"
    ) in steps
    assert "SEARCH s USING COVERING INDEX reaction_state_movie (guild_id=? AND movie_id=?)" in steps


async def test_unfeatured_part_walks_an_index_in_order_without_sorting(
    store: Store, tmp_path: Path
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    sql = f"EXPLAIN QUERY PLAN {statement_sql('reaction_page')}"
    with sqlite3.connect(db_path(tmp_path)) as connection:
        rows = connection.execute(sql, {**PAGE, "default_size": 5}).fetchall()

    walk = "SEARCH ar USING COVERING INDEX article_reactions_movie (movie_id=?)"
    (parent,) = [row[1] for row in rows if row[3] == walk]
    beside = [row[3] for row in rows if row[1] == parent]
    assert not [step for step in beside if "TEMP B-TREE" in step], beside


async def test_random_probe_is_primary_key_look_ups(store: Store, tmp_path: Path) -> None:
    await store.ingest_article(article(post("p")), content_hash="g")
    params = {"guild": GUILD, "candidates": "[1, 2]", **ALL_MOVIES}

    steps = plan(db_path(tmp_path), statement_sql("random_probe"), params)

    assert "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)" in steps
    assert not [step for step in steps if step.startswith("SCAN") and " r" in step], steps


@pytest.mark.parametrize(
    ("statement", "walk"),
    [
        ("next_scheduled_of_movie", "SEARCH ar USING COVERING INDEX article_reactions_movie"),
        ("next_scheduled_any", "SCAN ar"),
    ],
    ids=["movie", "any"],
)
async def test_next_post_walks_an_index_in_order_without_sorting(
    store: Store, tmp_path: Path, statement: str, walk: str
) -> None:
    await store.ingest_article(article(post("a")), content_hash="g")
    params = {"guild": GUILD, "movie_id": 1, "schedule_id": 1, "skip_posted": 1}

    steps = plan(db_path(tmp_path), statement_sql(statement), params)

    assert any(step.startswith(walk) for step in steps), steps
    assert not [step for step in steps if "TEMP B-TREE" in step], steps


async def test_due_schedules_read_the_partial_index(store: Store, tmp_path: Path) -> None:
    steps = plan(db_path(tmp_path), statement_sql("due_schedules"), {"now": "x"})

    assert steps == ["SEARCH schedules USING INDEX schedules_due (next_run_at<?)"]


@pytest.mark.parametrize(
    "statement",
    [
        "reaction_page",
        "select_reaction_for_guild",
        "rank_matches",
        "reactions_by_ids",
        "search_newest",
    ],
)
async def test_spoiler_flag_reads_no_article(store: Store, tmp_path: Path, statement: str) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    params = {
        **PAGE,
        "default_size": 5,
        "reaction_id": 1,
        "ids": "[1]",
        "matches": "[1]",
        "terms": '["first"]',
        "common": 2000,
        "query": '"first"',
        "platform": None,
    }

    steps = plan(db_path(tmp_path), statement_sql(statement), params)

    # The post's spoiler links, global or the guild's: seeks in their own covering index.
    seek = (
        "SEARCH e USING COVERING INDEX article_reactions_spoiler "
        "(reaction_id=? AND guild_id=? AND spoiler=?)"
    )
    assert seek in steps
    assert not [step for step in steps if step.startswith("SEARCH a USING INTEGER PRIMARY KEY")]
