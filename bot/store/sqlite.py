"""The SQLite reaction store: one aiosqlite connection, named statements, locked transactions."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StoreError, UnknownMovie
from bot.models import Article, Reaction, slugify
from bot.store.migrate import Migration, migrate
from bot.store.migrate import schema_version as read_schema_version
from bot.store.protocol import (
    IngestResult,
    Movie,
    MovieSummary,
    ReactionPage,
    ReactionStore,
    SearchPage,
    StoreCounts,
    StoredReaction,
)

log = logging.getLogger(__name__)

GLOBAL_SCOPE = 0
"""``guild_id`` of rows every server sees; Discord snowflakes are never 0."""

BUSY_TIMEOUT_MS = 5_000

# Statements. Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild",
# so ``guild_id IN (0, :guild)`` reads "global, or this guild's".

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    # WAL's recommended pairing: durable at checkpoints, never corrupt on power loss.
    "PRAGMA synchronous = NORMAL",
)
_SET_WAL = "PRAGMA journal_mode = WAL"

_BEGIN_READ = "BEGIN"
# IMMEDIATE takes the write lock at once, so a second process (the CLI) waits on
# busy_timeout instead of failing half-way with SQLITE_BUSY.
_BEGIN_WRITE = "BEGIN IMMEDIATE"
_COMMIT = "COMMIT"
_ROLLBACK = "ROLLBACK"

_SELECT_ARTICLE_BY_HASH = """
SELECT id, movie_id FROM articles WHERE guild_id = :guild AND content_hash = :content_hash
"""

_INSERT_MOVIE = """
INSERT INTO movies (title, slug) VALUES (:title, :slug) ON CONFLICT (slug) DO NOTHING
"""

_SELECT_MOVIE_BY_ID = "SELECT id, title, slug FROM movies WHERE id = :movie_id"

_SELECT_MOVIE_BY_SLUG = "SELECT id, title, slug FROM movies WHERE slug = :slug"

# The movie's own slug wins over an alias, and the guild's alias over a global one. A movie
# only other guilds' articles are about is not known here.
_FIND_MOVIE = """
SELECT found.id, found.title, found.slug FROM (
    SELECT m.id, m.title, m.slug, 0 AS rank
    FROM movies AS m
    WHERE m.slug = :slug
    UNION ALL
    SELECT m.id, m.title, m.slug, CASE WHEN a.guild_id = 0 THEN 2 ELSE 1 END AS rank
    FROM movie_aliases AS a
    JOIN movies AS m ON m.id = a.movie_id
    WHERE a.alias_slug = :slug AND a.guild_id IN (0, :guild)
) AS found
WHERE EXISTS (
    SELECT 1 FROM articles AS v WHERE v.movie_id = found.id AND v.guild_id IN (0, :guild)
)
ORDER BY found.rank
LIMIT 1
"""

_SELECT_MOVIE_ALIASES = """
SELECT alias FROM movie_aliases
WHERE movie_id = :movie_id AND guild_id IN (0, :guild)
ORDER BY id
"""

_SELECT_GUILD_ALIASES = """
SELECT movie_id, alias FROM movie_aliases WHERE guild_id IN (0, :guild) ORDER BY id
"""

_INSERT_ALIAS = """
INSERT INTO movie_aliases (movie_id, guild_id, alias, alias_slug)
VALUES (:movie_id, :guild, :alias, :alias_slug)
ON CONFLICT (guild_id, alias_slug) DO NOTHING
RETURNING id
"""

_INSERT_ARTICLE = """
INSERT INTO articles (guild_id, content_hash, movie_id, title, source, published, spoiler)
VALUES (:guild, :content_hash, :movie_id, :title, :source, :published, :spoiler)
RETURNING id
"""

# Ingest stages the article's posts in a per-connection temp table, then inserts the new
# ones and all the links set-wise: a handful of statements per article whatever its size.
_CREATE_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
    position     INTEGER PRIMARY KEY,
    key_hash     BLOB NOT NULL UNIQUE,
    platform     TEXT,
    text         TEXT,
    author_name  TEXT,
    handle       TEXT,
    date         TEXT,
    url          TEXT,
    post_id      TEXT
)
"""

_CLEAR_STAGING = "DELETE FROM temp.ingest_staging"

_INSERT_STAGING = """
INSERT INTO temp.ingest_staging
    (position, key_hash, platform, text, author_name, handle, date, url, post_id)
VALUES
    (:position, :key_hash, :platform, :text, :author_name, :handle, :date, :url, :post_id)
"""

# Written as per-staged-row look-ups so the plan walks the (small) article, never the movie's
# reactions, whatever the planner guesses about a temp table without statistics.
_COUNT_KNOWN_STAGED = """
SELECT count(*)
FROM temp.ingest_staging AS s
WHERE EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
)
"""

_INSERT_NEW_REACTIONS = """
INSERT INTO reactions
    (movie_id, key_hash, platform, text, author_name, handle, date, url, post_id)
SELECT :movie_id, s.key_hash, s.platform, s.text, s.author_name, s.handle, s.date, s.url,
       s.post_id
FROM temp.ingest_staging AS s
WHERE NOT EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
)
ORDER BY s.position
"""

_INSERT_LINKS = """
INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id)
SELECT :article_id,
       s.position,
       (SELECT r.id FROM reactions AS r
        WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash),
       :movie_id,
       :guild
FROM temp.ingest_staging AS s
"""

# CROSS JOIN fixes SQLite's join order (https://sqlite.org/optoverview.html#crossjoin):
# these plans must start from the small side whatever ANALYZE statistics say.

# Paging is split in two so that neither part sorts the movie's reactions:
# - the guild's featured reactions (a handful a moderator picked), ordered in full;
# - the rest, walked in (article, position) order along article_reactions_movie, keeping
#   each post only at its earliest visible link; LIMIT stops the walk after one page.
# A link is visible in a guild when its article is global (0) or the guild's own.

# ``ar.position`` is a bare column beside the single min() aggregate, so SQLite takes it
# from the row holding that minimum (https://sqlite.org/lang_select.html#bareagg).
_SELECT_FEATURED = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       1 AS featured,
       0 AS hidden,
       min(ar.article_id) AS first_article,
       ar.position AS first_position
FROM reaction_state AS s
CROSS JOIN reactions AS r ON r.id = s.reaction_id
CROSS JOIN article_reactions AS ar ON ar.reaction_id = r.id
WHERE s.guild_id = :guild AND s.featured = 1 AND s.hidden = 0
  AND r.movie_id = :movie_id
  AND ar.guild_id IN (0, :guild)
GROUP BY r.id
ORDER BY first_article, first_position
"""

_SELECT_UNFEATURED = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       0 AS featured,
       0 AS hidden
FROM article_reactions AS ar
CROSS JOIN reactions AS r ON r.id = ar.reaction_id
WHERE ar.movie_id = :movie_id
  AND ar.guild_id IN (0, :guild)
  AND NOT EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = ar.reaction_id
        AND e.guild_id IN (0, :guild)
        AND e.article_id < ar.article_id
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = ar.reaction_id
        AND (s.hidden = 1 OR s.featured = 1)
  )
ORDER BY ar.article_id, ar.position
LIMIT :limit OFFSET :offset
"""

# Visible reactions of a movie = those quoted by a global article (reactions_movie_global)
# + those only the guild's own articles quote - those the guild hid. Each term reads an
# index range or the guild's own rows, never every link of the movie.
_COUNT_VISIBLE = """
SELECT
    (SELECT count(*) FROM reactions AS r
     WHERE r.movie_id = :movie_id AND r.global_sources > 0)
  + (SELECT count(DISTINCT ar.reaction_id)
     FROM articles AS a
     CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
     CROSS JOIN reactions AS r ON r.id = ar.reaction_id
     WHERE :guild <> 0 AND a.movie_id = :movie_id AND a.guild_id = :guild
       AND r.global_sources = 0)
  - (SELECT count(*)
     FROM reaction_state AS s
     JOIN reactions AS r ON r.id = s.reaction_id
     WHERE s.guild_id = :guild AND s.hidden = 1 AND r.movie_id = :movie_id
       AND (r.global_sources > 0 OR EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id = :guild
       )))
"""

# The same three terms as _COUNT_VISIBLE, per movie.
_LIST_MOVIES = """
SELECT m.id, m.title, m.slug, sum(c.n) AS reaction_count
FROM (
    SELECT r.movie_id AS movie_id, count(*) AS n
    FROM reactions AS r
    WHERE r.global_sources > 0
    GROUP BY r.movie_id
    UNION ALL
    SELECT a.movie_id, count(DISTINCT ar.reaction_id)
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild AND r.global_sources = 0
    GROUP BY a.movie_id
    UNION ALL
    SELECT r.movie_id, -count(*)
    FROM reaction_state AS s
    JOIN reactions AS r ON r.id = s.reaction_id
    WHERE s.guild_id = :guild AND s.hidden = 1
      AND (r.global_sources > 0 OR EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = r.id AND e.guild_id = :guild
      ))
    GROUP BY r.movie_id
) AS c
JOIN movies AS m ON m.id = c.movie_id
GROUP BY m.id
HAVING sum(c.n) > 0
"""

# User text is turned into quoted FTS5 strings before it gets here (see _fts_query).
_SEARCH = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       0 AS hidden
FROM reactions_fts AS f
JOIN reactions AS r ON r.id = f.rowid
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
WHERE reactions_fts MATCH :query
  AND (:movie_id IS NULL OR r.movie_id = :movie_id)
  AND coalesce(s.hidden, 0) = 0
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
ORDER BY f.rank, r.id
LIMIT :limit OFFSET :offset
"""

_COUNT_SEARCH = """
SELECT count(*)
FROM reactions_fts AS f
JOIN reactions AS r ON r.id = f.rowid
WHERE reactions_fts MATCH :query
  AND (:movie_id IS NULL OR r.movie_id = :movie_id)
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden = 1
  )
"""

_REACTION_EXISTS = "SELECT 1 FROM reactions WHERE id = :reaction_id"

# Columns left as NULL parameters keep their stored value; un-hiding clears the reason.
_UPSERT_REACTION_STATE = """
INSERT INTO reaction_state (guild_id, reaction_id, hidden, hidden_reason, featured)
VALUES (:guild, :reaction_id, coalesce(:hidden, 0), CASE WHEN :hidden THEN :reason END,
        coalesce(:featured, 0))
ON CONFLICT (guild_id, reaction_id) DO UPDATE SET
    hidden = coalesce(:hidden, hidden),
    hidden_reason = CASE WHEN :hidden IS NULL THEN hidden_reason
                         WHEN :hidden THEN :reason END,
    featured = coalesce(:featured, featured),
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
"""

_SELECT_META = "SELECT value FROM bot_meta WHERE key = :key"
_UPSERT_META = """
INSERT INTO bot_meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""

_COUNTS = """
SELECT (SELECT count(*) FROM movies),
       (SELECT count(*) FROM articles),
       (SELECT count(*) FROM reactions)
"""


def _scope(guild_id: int | None) -> int:
    """Return the ``guild_id`` column value for a guild, 0 meaning "no guild"."""
    if guild_id is None:
        return GLOBAL_SCOPE
    if guild_id <= 0:
        raise ValueError(f"guild ids are positive snowflakes, got {guild_id}")
    return guild_id


def _key_hash(reaction: Reaction) -> bytes:
    return hashlib.sha256(reaction.key().encode("utf-8")).digest()


def _staging_rows(reactions: Iterable[Reaction]) -> list[dict[str, Any]]:
    """Return the article's posts for the staging table, each post once, first place kept."""
    rows: list[dict[str, Any]] = []
    seen: set[bytes] = set()
    for position, reaction in enumerate(reactions):
        key_hash = _key_hash(reaction)
        if key_hash in seen:
            continue
        seen.add(key_hash)
        rows.append(
            {
                "position": position,
                "key_hash": key_hash,
                "platform": reaction.platform,
                "text": reaction.text,
                "author_name": reaction.author_name,
                "handle": reaction.handle,
                "date": reaction.date,
                "url": reaction.url,
                "post_id": reaction.post_id,
            }
        )
    return rows


def _fts_query(text: str) -> str:
    """Quote every word so user input is matched as text, never read as FTS5 syntax."""
    words = text.split()
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _stored_reaction(row: aiosqlite.Row) -> StoredReaction:
    return StoredReaction(
        id=row["id"],
        movie_id=row["movie_id"],
        platform=row["platform"],
        text=row["text"],
        author_name=row["author_name"],
        handle=row["handle"],
        date=row["date"],
        url=row["url"],
        spoiler=bool(row["spoiler"]),
        featured=bool(row["featured"]),
        hidden=bool(row["hidden"]),
    )


class SQLiteStore:
    """The ReactionStore on one SQLite file through one aiosqlite connection."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        """Wrap a connection that is already configured and migrated (see open_sqlite_store)."""
        self._connection = connection
        # One connection gives no isolation between coroutines: a read between two
        # statements of an ingest would see half an article, and a second BEGIN would fail.
        # Every transaction, read or write, runs under this lock.
        self._lock = asyncio.Lock()
        self._closed = False

    # Plumbing.

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[None]:
        async with self._lock:
            await self._run(_BEGIN_WRITE if write else _BEGIN_READ)
            try:
                yield
            except BaseException:
                if self._connection.in_transaction:
                    await self._run(_ROLLBACK)
                raise
            await self._run(_COMMIT)

    async def _run(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        async with self._connection.execute(sql, params or {}):
            pass

    async def _one(self, sql: str, params: Mapping[str, Any] | None = None) -> aiosqlite.Row | None:
        async with self._connection.execute(sql, params or {}) as cursor:
            row: aiosqlite.Row | None = await cursor.fetchone()
        return row

    async def _all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[aiosqlite.Row]:
        async with self._connection.execute(sql, params or {}) as cursor:
            return list(await cursor.fetchall())

    async def _scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        row = await self._one(sql, params)
        if row is None:
            raise StoreError(f"query returned no row: {sql.split()[0]}")
        return int(row[0])

    async def _movie(self, movie_id: int, guild: int) -> Movie | None:
        row = await self._one(_SELECT_MOVIE_BY_ID, {"movie_id": movie_id})
        if row is None:
            return None
        return await self._movie_from_row(row, guild)

    async def _movie_from_row(self, row: aiosqlite.Row, guild: int) -> Movie:
        aliases = await self._all(_SELECT_MOVIE_ALIASES, {"movie_id": row["id"], "guild": guild})
        return Movie(
            id=row["id"],
            title=row["title"],
            slug=row["slug"],
            aliases=tuple(alias["alias"] for alias in aliases),
        )

    async def _guild_aliases(self, guild: int) -> dict[int, tuple[str, ...]]:
        aliases: dict[int, list[str]] = {}
        for row in await self._all(_SELECT_GUILD_ALIASES, {"guild": guild}):
            aliases.setdefault(row["movie_id"], []).append(row["alias"])
        return {movie_id: tuple(names) for movie_id, names in aliases.items()}

    async def _visible_movies(self, guild: int) -> list[MovieSummary]:
        aliases = await self._guild_aliases(guild)
        rows = await self._all(_LIST_MOVIES, {"guild": guild})
        summaries = [
            MovieSummary(
                movie=Movie(
                    id=row["id"],
                    title=row["title"],
                    slug=row["slug"],
                    aliases=aliases.get(row["id"], ()),
                ),
                reaction_count=row["reaction_count"],
            )
            for row in rows
        ]
        # Sorted here rather than in SQL: COLLATE NOCASE folds ASCII letters only.
        summaries.sort(key=lambda summary: (summary.movie.title.casefold(), summary.movie.id))
        return summaries

    # The ReactionStore interface.

    async def close(self) -> None:
        """Close the underlying connection; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            await self._connection.close()

    async def schema_version(self) -> int:
        """Return the schema version the database is at."""
        async with self._lock:
            return await read_schema_version(self._connection)

    async def ingest_article(
        self, article: Article, *, content_hash: str, guild_id: int | None = None
    ) -> IngestResult:
        """Store an article and its reactions in one transaction; idempotent by hash.

        The same ``content_hash`` in the same scope (global, or one guild) is stored once:
        a second call stores nothing and returns ``created=False`` with the first article's
        id. A post already stored for the movie, from another article, is linked rather
        than stored again and counted in ``known_reactions``.
        """
        if article.movie is None:
            raise ValueError("an article needs a movie before it can be stored")
        if not article.movie.slug:
            raise ValueError(f"the movie title {article.movie.title!r} has no letters or digits")
        if not content_hash:
            raise ValueError("content_hash must not be empty")
        guild = _scope(guild_id)
        staged = _staging_rows(article.reactions)
        async with self._transaction(write=True):
            existing = await self._one(
                _SELECT_ARTICLE_BY_HASH, {"guild": guild, "content_hash": content_hash}
            )
            if existing is not None:
                movie = await self._movie(existing["movie_id"], guild)
                if movie is None:  # pragma: no cover - articles.movie_id is a foreign key
                    raise StoreError(f"article {existing['id']} points at a missing movie")
                return IngestResult(
                    article_id=existing["id"],
                    movie=movie,
                    created=False,
                    new_reactions=0,
                    known_reactions=0,
                )
            await self._run(
                _INSERT_MOVIE, {"title": article.movie.title, "slug": article.movie.slug}
            )
            movie_row = await self._one(_SELECT_MOVIE_BY_SLUG, {"slug": article.movie.slug})
            if movie_row is None:  # pragma: no cover - inserted or found just above
                raise StoreError(f"movie {article.movie.slug!r} vanished during ingest")
            movie = await self._movie_from_row(movie_row, guild)
            article_row = await self._one(
                _INSERT_ARTICLE,
                {
                    "guild": guild,
                    "content_hash": content_hash,
                    "movie_id": movie.id,
                    "title": article.title,
                    "source": article.source,
                    "published": article.published,
                    "spoiler": article.spoiler,
                },
            )
            if article_row is None:  # pragma: no cover - INSERT ... RETURNING always returns
                raise StoreError("inserting the article returned no id")
            article_id = int(article_row["id"])
            await self._run(_CREATE_STAGING)
            await self._run(_CLEAR_STAGING)
            await self._connection.executemany(_INSERT_STAGING, staged)
            known = await self._scalar(_COUNT_KNOWN_STAGED, {"movie_id": movie.id})
            await self._run(_INSERT_NEW_REACTIONS, {"movie_id": movie.id})
            await self._run(
                _INSERT_LINKS, {"article_id": article_id, "movie_id": movie.id, "guild": guild}
            )
            await self._run(_CLEAR_STAGING)
        return IngestResult(
            article_id=article_id,
            movie=movie,
            created=True,
            new_reactions=len(staged) - known,
            known_reactions=known,
        )

    async def get_movie(self, movie_id: int) -> Movie | None:
        """Return the movie with this id and its global aliases, or None."""
        async with self._transaction(write=False):
            return await self._movie(movie_id, GLOBAL_SCOPE)

    async def find_movie(self, key: str, guild_id: int | None = None) -> Movie | None:
        """Return the movie whose slug or alias (global or the guild's) matches ``key``.

        ``key`` is slugified first, so ``12th Fail``, ``12TH-FAIL`` and ``12thfail`` are
        the same key. The movie's own slug wins over aliases, the guild's over global ones.
        Only movies with an article visible in the guild are found: another server's
        movie stays unknown here (``get_movie`` finds any movie by id).
        """
        slug = slugify(key)
        if not slug:
            return None
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            row = await self._one(_FIND_MOVIE, {"slug": slug, "guild": guild})
            if row is None:
                return None
            return await self._movie_from_row(row, guild)

    async def movie_names(self, guild_id: int | None) -> list[tuple[Movie, str]]:
        """Return ``(movie, name)`` for every title and visible alias, for fuzzy matching.

        Only movies with a reaction visible in the guild are named, the same movies
        ``list_movies`` shows, so a suggestion never points at another server's movie.
        """
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            summaries = await self._visible_movies(guild)
        names: list[tuple[Movie, str]] = []
        for summary in summaries:
            names.append((summary.movie, summary.movie.title))
            names.extend((summary.movie, alias) for alias in summary.movie.aliases)
        return names

    async def list_movies(self, guild_id: int | None) -> list[MovieSummary]:
        """Return every movie with visible reactions in the guild, by title (any case)."""
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            return await self._visible_movies(guild)

    async def reaction_page(
        self, movie_id: int, guild_id: int | None, *, offset: int, limit: int
    ) -> ReactionPage:
        """Return visible reactions of a movie, featured first, then in article order.

        Raises UnknownMovie when no movie has this id. An offset past the end gives an
        empty page with the real total.
        """
        if offset < 0 or limit < 1:
            raise ValueError(f"need offset >= 0 and limit >= 1, got {offset} and {limit}")
        guild = _scope(guild_id)
        params = {"movie_id": movie_id, "guild": guild}
        async with self._transaction(write=False):
            movie = await self._movie(movie_id, guild)
            if movie is None:
                raise UnknownMovie(str(movie_id))
            total = await self._scalar(_COUNT_VISIBLE, params)
            featured = await self._all(_SELECT_FEATURED, params) if guild else []
            rows = featured[offset : offset + limit]
            if len(rows) < limit:
                rows += await self._all(
                    _SELECT_UNFEATURED,
                    {
                        **params,
                        "offset": max(0, offset - len(featured)),
                        "limit": limit - len(rows),
                    },
                )
        return ReactionPage(
            movie=movie,
            reactions=tuple(_stored_reaction(row) for row in rows),
            offset=offset,
            total=total,
        )

    async def search_reactions(
        self,
        query: str,
        guild_id: int | None,
        *,
        movie_id: int | None = None,
        offset: int,
        limit: int,
    ) -> SearchPage:
        """Return visible reactions whose text, author or handle hold every word of ``query``.

        Best matches first. Words are matched as plain text (prefix and boolean syntax are
        not interpreted); an empty query matches nothing.
        """
        if offset < 0 or limit < 1:
            raise ValueError(f"need offset >= 0 and limit >= 1, got {offset} and {limit}")
        match = _fts_query(query)
        if not match:
            return SearchPage(query=query, reactions=(), offset=offset, total=0)
        guild = _scope(guild_id)
        params = {
            "query": match,
            "guild": guild,
            "movie_id": movie_id,
            "offset": offset,
            "limit": limit,
        }
        async with self._transaction(write=False):
            total = await self._scalar(_COUNT_SEARCH, params)
            rows = await self._all(_SEARCH, params)
        return SearchPage(
            query=query,
            reactions=tuple(_stored_reaction(row) for row in rows),
            offset=offset,
            total=total,
        )

    async def add_alias(self, movie_id: int, alias: str, *, guild_id: int | None = None) -> bool:
        """Give a movie another name, global or for one guild; False if the name is taken.

        A name is taken when its slug is any movie's slug or an alias in the same scope.
        Raises UnknownMovie when no movie has this id.
        """
        name = " ".join(alias.split())
        alias_slug = slugify(name)
        if not alias_slug:
            raise ValueError(f"the alias {alias!r} has no letters or digits")
        guild = _scope(guild_id)
        async with self._transaction(write=True):
            if await self._one(_SELECT_MOVIE_BY_ID, {"movie_id": movie_id}) is None:
                raise UnknownMovie(str(movie_id))
            if await self._one(_SELECT_MOVIE_BY_SLUG, {"slug": alias_slug}) is not None:
                return False
            inserted = await self._one(
                _INSERT_ALIAS,
                {"movie_id": movie_id, "guild": guild, "alias": name, "alias_slug": alias_slug},
            )
        return inserted is not None

    async def set_reaction_state(
        self,
        guild_id: int,
        reaction_id: int,
        *,
        hidden: bool | None = None,
        featured: bool | None = None,
        reason: str | None = None,
    ) -> bool:
        """Hide/unhide or feature/unfeature a reaction in one guild; False if no such reaction.

        ``None`` leaves a flag as it is. ``reason`` goes with ``hidden=True``; un-hiding
        clears it.
        """
        if reason is not None and hidden is not True:
            raise ValueError("a reason can only be given when hiding a reaction")
        guild = _scope(guild_id)
        if guild == GLOBAL_SCOPE:  # pragma: no cover - _scope refuses 0 and None is typed out
            raise ValueError("curation state belongs to a guild")
        async with self._transaction(write=True):
            if await self._one(_REACTION_EXISTS, {"reaction_id": reaction_id}) is None:
                return False
            await self._run(
                _UPSERT_REACTION_STATE,
                {
                    "guild": guild,
                    "reaction_id": reaction_id,
                    "hidden": hidden,
                    "featured": featured,
                    "reason": reason,
                },
            )
        return True

    async def get_meta(self, key: str) -> str | None:
        """Return the bot's stored fact ``key``, or None."""
        async with self._transaction(write=False):
            row = await self._one(_SELECT_META, {"key": key})
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        """Store the bot's fact ``key``."""
        async with self._transaction(write=True):
            await self._run(_UPSERT_META, {"key": key, "value": value})

    async def counts(self) -> StoreCounts:
        """Return row counts of movies, articles and reactions."""
        async with self._transaction(write=False):
            row = await self._one(_COUNTS)
        if row is None:  # pragma: no cover - a SELECT without FROM always returns a row
            raise StoreError("counting rows returned nothing")
        return StoreCounts(movies=row[0], articles=row[1], reactions=row[2])


async def open_sqlite_store(
    path: str | Path, *, migrations: Sequence[Migration] | None = None
) -> SQLiteStore:
    """Open (creating it and its folder if needed), configure and migrate the database.

    Raises StoreError with a one-line message when the file is not a usable database,
    when a migration fails, or when the schema is newer than this code.
    """
    target = str(path)
    if target != ":memory:":
        await asyncio.to_thread(Path(target).parent.mkdir, parents=True, exist_ok=True)
    # isolation_level=None: the store issues BEGIN/COMMIT itself; the sqlite3 module's
    # implicit transactions would otherwise open one behind its back.
    connection = await aiosqlite.connect(target, isolation_level=None)
    try:
        connection.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            async with connection.execute(pragma):
                pass
        async with connection.execute(_SET_WAL) as cursor:
            mode_row = await cursor.fetchone()
        mode = str(mode_row[0]) if mode_row is not None else "unknown"
        if mode.lower() != "wal" and target != ":memory:":
            log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", target, mode)
        version = await migrate(connection, migrations)
    except sqlite3.Error as error:
        await connection.close()
        reason = " ".join(str(error).split())
        raise StoreError(f"cannot open the database {target}: {reason}") from error
    except BaseException:
        await connection.close()
        raise
    log.info("Database %s is at schema version %d", target, version)
    return SQLiteStore(connection)


def _satisfies_protocol(store: SQLiteStore) -> ReactionStore:
    # Never called: makes mypy prove SQLiteStore implements every ReactionStore method.
    return store
