"""Builders, and the SQLite-only peeks and faults, shared by the store tests (no mocks)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import Article, MovieRef, Reaction
from bot.store import Store
from bot.store.port import Statement
from bot.store.sqlite import SQLiteDatabase, sqlite_statements


def post(text: str, handle: str | None = "someone", **fields: Any) -> Reaction:
    """Return a twitter post with ``text``."""
    return Reaction(platform="twitter", text=text, handle=handle, **fields)


def article(
    *posts: Reaction,
    movie: str | None = "12th Fail",
    spoiler: bool = False,
    title: str = "How the internet reacted",
) -> Article:
    """Return an article quoting ``posts`` about ``movie``."""
    return Article(
        title=title,
        movie=MovieRef.from_title(movie) if movie is not None else None,
        spoiler=spoiler,
        published="2024-01-03",
        source=None,
        reactions=posts,
    )


def db_path(tmp_path: Path) -> Path:
    """Return the file the ``store`` fixture opened (see tests/conftest.py)."""
    return tmp_path / "data" / "reactions.db"


def query(path: Path, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    """Read the database file beside the store, through a second, plain connection."""
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()


def plan(path: Path, sql: str, params: dict[str, Any]) -> list[str]:
    """Return SQLite's query plan for ``sql``, one detail line per step."""
    with sqlite3.connect(path) as connection:
        return [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


async def texts(store: Store, movie_id: int, guild_id: int | None) -> list[str]:
    """Return the texts of a movie's visible reactions, in page order."""
    page = await store.reaction_page(movie_id, guild_id, offset=0, limit=100)
    return [reaction.text for reaction in page.reactions]


async def spoilers(store: Store, movie_id: int, guild_id: int | None) -> dict[str, bool]:
    """Return whether each of a movie's visible reactions is a spoiler for the guild, by text.

    Read from a page, from a look-up of each reaction and from a search for each text, which
    must agree: each reads the flag with its own statement.
    """
    page = await store.reaction_page(movie_id, guild_id, offset=0, limit=100)
    flags = {reaction.text: reaction.spoiler for reaction in page.reactions}
    for reaction in page.reactions:
        looked_up = await store.get_reaction(reaction.id, guild_id)
        assert looked_up is not None
        found = await store.search_reactions(reaction.text, guild_id, offset=0, limit=100)
        searched = {match.text: match.spoiler for match in found.reactions}
        assert (looked_up.spoiler, searched[reaction.text]) == (reaction.spoiler,) * 2, reaction
    return flags


async def ids_by_text(store: Store, movie_id: int, guild_id: int | None) -> dict[str, int]:
    """Return the ids of a movie's visible reactions, by text."""
    page = await store.reaction_page(movie_id, guild_id, offset=0, limit=100)
    return {reaction.text: reaction.id for reaction in page.reactions}


def statement_sql(name: str) -> str:
    """Return the SQLite text of the store's statement ``name`` (for its query plan)."""
    return sqlite_statements()[name].sql


def break_statement(monkeypatch: pytest.MonkeyPatch, store: Store, name: str, sql: str) -> None:
    """Make this SQLite store run ``sql`` in place of its statement ``name``, for one test."""
    database = store.database
    assert isinstance(database, SQLiteDatabase)
    monkeypatch.setitem(database.statements, name, Statement(name, sql))


async def check_migrated_spoilers(store: Store) -> None:
    """Check the spoiler flags of the database both spoiler migration tests write, then
    that removing its spoiler articles takes their flags with them.

    Movie 1: post "twice" quoted by global spoiler articles 1 and 2 and plain article 3,
    "plain" by article 3 and guild 7's spoiler article 4, "own" by article 4 only, "theirs"
    by guild 8's plain article 5.
    """
    everywhere = {"twice": True, "plain": False}
    assert await spoilers(store, 1, None) == everywhere
    assert await spoilers(store, 1, 7) == {**everywhere, "own": True, "plain": True}
    assert await spoilers(store, 1, 8) == {**everywhere, "theirs": False}
    await store.remove_article(1, None, include_global=True)
    assert await spoilers(store, 1, None) == everywhere
    await store.remove_article(2, None, include_global=True)
    assert await spoilers(store, 1, None) == {"twice": False, "plain": False}
    await store.remove_article(4, 7)
    assert await spoilers(store, 1, 7) == {"twice": False, "plain": False}
