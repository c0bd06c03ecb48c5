"""Benchmark 2: storing 100,000 reactions over 1,000 articles through the real store API
(40,000 over 400 on PostgreSQL).

Ours: ``Store.ingest_article`` once per article (one transaction each, idempotence
check, movie upsert, staging table, natural-key hashing), as ``python -m bot ingest`` and
the moderators' ``add`` do. Baseline: the same rows (movies, articles, reactions with
their key hashes, links) written raw into the same schema (same indexes, triggers,
full-text index), prepared before the clock starts: on SQLite with ``sqlite3``
``executemany`` (same pragmas), on PostgreSQL with ``COPY`` (``asyncpg``'s
``copy_records_to_table``) over loopback. Each writes into its own fresh database.

The articles go in ``CHUNKS`` chunks, ours and the baseline alternating chunk by
chunk (each chunk one transaction for the baseline), so both see the same load on a
shared machine; the rate is all the rows over the sum of the chunks' times.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from benchmarks.backends import Backends
from benchmarks.dataset import Vocabulary, movie_titles
from benchmarks.results import POSTGRESQL, SQLITE, Row, ratio_text, skipped
from bot.domain.models import Article, MovieRef, Reaction
from bot.store import Store, open_sqlite_store
from bot.store.postgres import open_postgres_store

SECTION = "2 ingest"
ARTICLES = 1_000
PER_ARTICLE = 100
ARTICLES_ON = {SQLITE: ARTICLES, POSTGRESQL: 400}
"""Articles stored per backend: PostgreSQL's per-article transactions over loopback take
minutes for all 1,000 on a loaded 2-core machine, and the rate does not need them all."""
MOVIES = 100
CHUNKS = 10
TARGET_RATIO = 2.0
"""Ours may take at most this many times the raw write's time (rate ≥ 0.5×)."""
RAW = {SQLITE: "executemany", POSTGRESQL: "COPY"}


def generated_articles(seed: int = 2) -> list[tuple[Article, str]]:
    """Return ``ARTICLES`` articles of ``PER_ARTICLE`` distinct posts, with content hashes."""
    rng = random.Random(seed)
    vocab = Vocabulary.make(rng)
    titles = movie_titles(rng, MOVIES)
    articles: list[tuple[Article, str]] = []
    post = 0
    for index in range(ARTICLES):
        movie = MovieRef.from_title(titles[index % MOVIES])
        reactions = []
        for _ in range(PER_ARTICLE):
            post += 1
            name, handle = rng.choice(vocab.authors)
            post_id = str(1_500_000_000_000_000_000 + post)
            reactions.append(
                Reaction(
                    platform="twitter",
                    text=vocab.text(movie.slug),
                    author_name=name,
                    handle=handle,
                    date="2024-01-03",
                    url=f"https://twitter.com/{handle}/status/{post_id}",
                    post_id=post_id,
                )
            )
        article = Article(
            title=f"How the internet reacted to {movie.title} ({index})",
            movie=movie,
            spoiler=index % 3 == 0,
            published="2024-01-03",
            source=f"https://news.example/{index}",
            reactions=tuple(reactions),
        )
        articles.append((article, hashlib.sha256(f"ingest-{index}".encode()).hexdigest()))
    return articles


_MOVIE = "INSERT INTO movies (id, title, slug) VALUES (?, ?, ?)"
_ARTICLE = (
    "INSERT INTO articles (id, guild_id, content_hash, movie_id, title, source, published, "
    "spoiler) VALUES (?, 0, ?, ?, ?, ?, ?, ?)"
)
_REACTION = (
    "INSERT INTO reactions (id, movie_id, key_hash, platform, text, author_name, handle, date, "
    "url, post_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_LINK = (
    "INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id, "
    "spoiler) VALUES (?, ?, ?, ?, ?, ?)"
)


Rows = dict[str, list[tuple[Any, ...]]]
"""The baseline's rows per table, in insertion order."""


def prepared_chunks(articles: list[tuple[Article, str]]) -> list[Rows]:
    """Return, per chunk of articles, the rows the store ends up with (ids from 1)."""
    movie_ids: dict[str, int] = {}
    per_chunk = len(articles) // CHUNKS
    chunks: list[Rows] = [
        {"movies": [], "articles": [], "reactions": [], "article_reactions": []}
        for _ in range(CHUNKS)
    ]
    reaction_id = 0
    for article_id, (article, content_hash) in enumerate(articles, start=1):
        rows = chunks[(article_id - 1) // per_chunk]
        assert article.movie is not None  # noqa: S101 - generated above
        movie_id = movie_ids.get(article.movie.slug)
        if movie_id is None:
            movie_id = movie_ids[article.movie.slug] = len(movie_ids) + 1
            rows["movies"].append((movie_id, article.movie.title, article.movie.slug))
        rows["articles"].append(
            (
                article_id,
                content_hash,
                movie_id,
                article.title,
                article.source,
                article.published,
                article.spoiler,
            )
        )
        for position, reaction in enumerate(article.reactions):
            reaction_id += 1
            key_hash = hashlib.sha256(reaction.key().encode()).digest()
            rows["reactions"].append(
                (
                    reaction_id,
                    movie_id,
                    key_hash,
                    reaction.platform,
                    reaction.text,
                    reaction.author_name,
                    reaction.handle,
                    reaction.date,
                    reaction.url,
                    reaction.post_id,
                )
            )
            rows["article_reactions"].append(
                (article_id, position, reaction_id, movie_id, 0, article.spoiler)
            )
    return chunks


class RawWriter(Protocol):
    """Writes one chunk's rows raw, in one transaction; returns the seconds it took."""

    async def write(self, rows: Rows) -> float:
        """Write ``rows`` and commit; return the elapsed seconds."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...


class SqliteWriter:
    """``executemany`` into a fresh, migrated SQLite file, the store's pragmas."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        for pragma in ("foreign_keys = ON", "synchronous = NORMAL", "journal_mode = WAL"):
            self.connection.execute(f"PRAGMA {pragma}")

    async def write(self, rows: Rows) -> float:
        articles = [(*row[:-1], int(row[-1])) for row in rows["articles"]]
        links = [(*row[:-1], int(row[-1])) for row in rows["article_reactions"]]
        started = time.perf_counter()
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.executemany(_MOVIE, rows["movies"])
        self.connection.executemany(_ARTICLE, articles)
        self.connection.executemany(_REACTION, rows["reactions"])
        self.connection.executemany(_LINK, links)
        self.connection.execute("COMMIT")
        return time.perf_counter() - started

    async def close(self) -> None:
        self.connection.close()


_COLUMNS = {
    "movies": ("id", "title", "slug"),
    "articles": ("id", "content_hash", "movie_id", "title", "source", "published", "spoiler"),
    "reactions": (
        "id",
        "movie_id",
        "key_hash",
        "platform",
        "text",
        "author_name",
        "handle",
        "date",
        "url",
        "post_id",
    ),
    "article_reactions": (
        "article_id",
        "position",
        "reaction_id",
        "movie_id",
        "guild_id",
        "spoiler",
    ),
}
"""The COPY baseline's columns; an article's guild_id takes its default, 0 (global)."""


class PostgresWriter:
    """``COPY`` into a fresh, migrated PostgreSQL database over loopback."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def write(self, rows: Rows) -> float:
        started = time.perf_counter()
        async with self.connection.transaction():
            for table, columns in _COLUMNS.items():
                await self.connection.copy_records_to_table(
                    table, records=rows[table], columns=columns
                )
        return time.perf_counter() - started

    async def close(self) -> None:
        await self.connection.close()


async def _opened(backends: Backends, backend: str, folder: Path) -> tuple[Store, RawWriter]:
    """Open our store and the baseline's connection, each on a fresh migrated database."""
    if backend == SQLITE:
        await (await open_sqlite_store(folder / "raw.db")).close()  # migrated, untimed
        return await open_sqlite_store(folder / "store.db"), SqliteWriter(folder / "raw.db")
    raw_url = await backends.server.empty("ingest_copy")
    await (await open_postgres_store(raw_url)).close()  # migrated, untimed
    writer = PostgresWriter(await asyncpg.connect(raw_url))
    return await open_postgres_store(await backends.server.empty("ingest_ours")), writer


async def _interleaved(
    backends: Backends, backend: str, articles: list[tuple[Article, str]], folder: Path
) -> tuple[list[float], list[float]]:
    """Return the seconds of each chunk: ours, and the raw writes'."""
    chunks = prepared_chunks(articles)
    per_chunk = len(articles) // CHUNKS
    store, writer = await _opened(backends, backend, folder)
    ours: list[float] = []
    raw: list[float] = []
    try:
        for index, rows in enumerate(chunks):
            if index % 2:
                raw.append(await writer.write(rows))
            started = time.perf_counter()
            for article, content_hash in articles[index * per_chunk : (index + 1) * per_chunk]:
                await store.ingest_article(article, content_hash=content_hash)
            ours.append(time.perf_counter() - started)
            if not index % 2:
                raw.append(await writer.write(rows))
        counts = await store.counts()
    finally:
        await writer.close()
        await store.close()
        if backend == POSTGRESQL:
            await backends.server.drop("ingest_copy")
            await backends.server.drop("ingest_ours")
    expected = len(articles) * PER_ARTICLE
    if counts.reactions != expected:
        raise RuntimeError(f"the store holds {counts.reactions} reactions, not {expected}")
    return ours, raw


def run(backends: Backends, chosen: Sequence[str]) -> list[Row]:
    """Measure and return the ingest rows of each chosen backend."""
    generated = generated_articles()
    rows: list[Row] = []
    for backend in chosen:
        articles = generated[: ARTICLES_ON[backend]]
        total = len(articles) * PER_ARTICLE
        figure = f"{total:,} reactions / {len(articles):,} articles (reactions/s)"
        raw_name = RAW[backend]
        target = f"≥ {1 / TARGET_RATIO:.2f}× {raw_name}'s rate"
        why = backends.unavailable(backend)
        if why is not None:
            rows.append(skipped(SECTION, backend, figure, target, why))
            continue
        with tempfile.TemporaryDirectory(prefix="reel-ingest-") as folder:
            ours, raw = asyncio.run(_interleaved(backends, backend, articles, Path(folder)))
        print(
            f"  {backend}: {CHUNKS} chunks of {total // CHUNKS:,} reactions (s): ours "
            + ", ".join(f"{t:.2f}" for t in ours)
            + f"; raw {raw_name} "
            + ", ".join(f"{t:.2f}" for t in raw)
        )
        ours_rate = total / sum(ours)
        raw_rate = total / sum(raw)
        rows.append(
            Row(
                SECTION,
                backend,
                figure,
                f"{ours_rate:,.0f}/s",
                f"{raw_rate:,.0f}/s ({raw_name})",
                ratio_text(ours_rate, raw_rate),
                target,
                sum(ours) <= TARGET_RATIO * sum(raw),
            )
        )
    return rows
