"""The look-up benchmarks' baselines: the plainest query on each backend for the same rows.

Each baseline asks the database directly (``sqlite3`` on SQLite, one ``asyncpg``
connection on PostgreSQL), without the product's rules: no visibility per server, no
hidden or featured reactions, no totals, no store layer.

- page: the movie's first five links ⨝ reactions, in article order;
- names: every movie title and alias (what a ranking of names starts from);
- slug: whether a slug names a movie (the exact match tried before "did you mean");
- search: the first five matches of the full-text index, newest first (the least work any
  answer needs: the product may rank, but must at least find and read five matches).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg

from benchmarks.backends import Database

_PAGE = """
SELECT r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url
FROM article_reactions AS ar JOIN reactions AS r ON r.id = ar.reaction_id
WHERE ar.movie_id = {0} ORDER BY ar.article_id, ar.position LIMIT 5
"""
_NAMES = "SELECT id, title FROM movies UNION ALL SELECT movie_id, alias FROM movie_aliases"
_SLUG = "SELECT id FROM movies WHERE slug = {0}"
_SQLITE_SEARCH = """
SELECT r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url
FROM reactions_fts AS f JOIN reactions AS r ON r.id = f.rowid
WHERE reactions_fts MATCH ? ORDER BY f.rowid DESC LIMIT 5
"""
_POSTGRES_SEARCH = """
SELECT r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url
FROM reactions AS r
WHERE r.search @@ plainto_tsquery('simple', $1) ORDER BY r.id DESC LIMIT 5
"""


class Raw(Protocol):
    """The baseline queries of one database."""

    async def page(self, movie_id: int) -> Sequence[Any]:
        """Return the movie's first five reactions."""
        ...

    async def names(self) -> list[tuple[int, str]]:
        """Return ``(movie id, name)`` of every title and alias."""
        ...

    async def has_slug(self, slug: str) -> bool:
        """Tell whether a movie has this slug."""
        ...

    async def search(self, query: str) -> Sequence[Any]:
        """Return the first five matches of all the query's words, newest first."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...


def _fts(query: str) -> str:
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


class SqliteRaw:
    """Baselines on SQLite: plain ``sqlite3`` on the loop's thread (no thread hop)."""

    def __init__(self, database: Database) -> None:
        self.connection = sqlite3.connect(
            f"file:{database.data.path}?mode=ro", uri=True, check_same_thread=False
        )

    async def page(self, movie_id: int) -> Sequence[Any]:
        return self.connection.execute(_PAGE.format("?"), (movie_id,)).fetchall()

    async def names(self) -> list[tuple[int, str]]:
        return self.connection.execute(_NAMES).fetchall()

    async def has_slug(self, slug: str) -> bool:
        return self.connection.execute(_SLUG.format("?"), (slug,)).fetchone() is not None

    async def search(self, query: str) -> Sequence[Any]:
        return self.connection.execute(_SQLITE_SEARCH, (_fts(query),)).fetchall()

    async def close(self) -> None:
        self.connection.close()


class PostgresRaw:
    """Baselines on PostgreSQL: one ``asyncpg`` connection, prepared statements."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def page(self, movie_id: int) -> Sequence[Any]:
        return await self.connection.fetch(_PAGE.format("$1"), movie_id)

    async def names(self) -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in await self.connection.fetch(_NAMES)]

    async def has_slug(self, slug: str) -> bool:
        return await self.connection.fetchval(_SLUG.format("$1"), slug) is not None

    async def search(self, query: str) -> Sequence[Any]:
        return await self.connection.fetch(_POSTGRES_SEARCH, query)

    async def close(self) -> None:
        await self.connection.close()


async def connect(database: Database) -> Raw:
    """Open the baseline connection to ``database``."""
    if database.url is None:
        return await asyncio.to_thread(SqliteRaw, database)
    return PostgresRaw(await asyncpg.connect(database.url))
