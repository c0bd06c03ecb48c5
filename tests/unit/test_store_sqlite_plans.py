"""SQLite-only: the store's hot statements read indexes, never scan or sort big tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from bot.store.rules import ALL_MOVIES
from tests.unit.store_builders import (
    article,
    db_path,
    plan,
    post,
    query,
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


@pytest.mark.parametrize("statement", ["select_featured", "select_unfeatured", "count_visible"])
async def test_page_queries_are_index_look_ups(
    store: Store, tmp_path: Path, statement: str
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    sql = statement_sql(statement)
    params = {"movie_id": 1, "guild": GUILD, "offset": 0, "limit": 5}

    plan = [row[3] for row in query(db_path(tmp_path), f"EXPLAIN QUERY PLAN {sql}", params)]

    scans = [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"]
    assert scans == [], plan
    assert any(step.startswith("SEARCH") for step in plan), plan


async def test_unfeatured_page_walks_an_index_in_order_without_sorting(
    store: Store, tmp_path: Path
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    params = {"movie_id": 1, "guild": GUILD, "offset": 0, "limit": 5}
    sql = f"EXPLAIN QUERY PLAN {statement_sql('select_unfeatured')}"

    plan = [row[3] for row in query(db_path(tmp_path), sql, params)]

    assert "SEARCH ar USING COVERING INDEX article_reactions_movie (movie_id=?)" in plan
    assert not [step for step in plan if "TEMP B-TREE" in step], plan


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
