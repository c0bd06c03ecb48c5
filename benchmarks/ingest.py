"""Benchmark 2: storing 100,000 reactions over 1,000 articles through the real store API.

Ours: ``Store.ingest_article`` once per article (one transaction each, idempotence
check, movie upsert, staging table, natural-key hashing), as ``python -m bot ingest`` and
the moderators' ``add`` do. Baseline: the same rows (movies, articles, reactions with
their key hashes, links) written raw in ONE transaction into the same schema (same
indexes, triggers, full-text index), prepared before the clock starts: on SQLite with
``sqlite3`` ``executemany`` (same pragmas), on PostgreSQL with ``COPY``
(``asyncpg``'s ``copy_records_to_table``) over loopback. Each runs on a fresh database;
the two alternate for ``ROUNDS`` rounds and the median of each is reported.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks.backends import Backends
from benchmarks.dataset import Vocabulary, movie_titles
from benchmarks.postgres import Server
from benchmarks.results import POSTGRESQL, SQLITE, Row, median, ratio_text, skipped
from bot.domain.models import Article, MovieRef, Reaction
from bot.store import Store, open_sqlite_store
from bot.store.postgres import open_postgres_store

SECTION = "2 ingest"
ARTICLES = 1_000
PER_ARTICLE = 100
MOVIES = 100
ROUNDS = {SQLITE: 3, POSTGRESQL: 2}
"""Rounds per backend (PostgreSQL's take about a minute each on a loaded 2-core machine)."""
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


async def _migrated(path: Path) -> None:
    store = await open_sqlite_store(path)
    await store.close()


async def _ours(opening: Awaitable[Store], articles: list[tuple[Article, str]]) -> float:
    store = await opening
    try:
        started = time.perf_counter()
        for article, content_hash in articles:
            await store.ingest_article(article, content_hash=content_hash)
        elapsed = time.perf_counter() - started
        counts = await store.counts()
    finally:
        await store.close()
    expected = ARTICLES * PER_ARTICLE
    if counts.reactions != expected:
        raise RuntimeError(f"the store holds {counts.reactions} reactions, not {expected}")
    return elapsed


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
    "INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id) "
    "VALUES (?, ?, ?, ?, ?)"
)


Rows = dict[str, list[tuple[Any, ...]]]
"""The baseline's rows per table, in insertion order."""


def prepared_rows(articles: list[tuple[Article, str]]) -> Rows:
    """Return the rows the store ends up with for ``articles`` (ids from 1), per table."""
    movie_ids: dict[str, int] = {}
    rows: Rows = {"movies": [], "articles": [], "reactions": [], "article_reactions": []}
    for article_id, (article, content_hash) in enumerate(articles, start=1):
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
            reaction_id = len(rows["reactions"]) + 1
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
            rows["article_reactions"].append((article_id, position, reaction_id, movie_id, 0))
    return rows


def _sqlite_baseline(path: Path, rows: Rows) -> float:
    asyncio.run(_migrated(path))
    articles = [(*row[:-1], int(row[-1])) for row in rows["articles"]]
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("foreign_keys = ON", "synchronous = NORMAL", "journal_mode = WAL"):
            connection.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(_MOVIE, rows["movies"])
        connection.executemany(_ARTICLE, articles)
        connection.executemany(_REACTION, rows["reactions"])
        connection.executemany(_LINK, rows["article_reactions"])
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


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
    "article_reactions": ("article_id", "position", "reaction_id", "movie_id", "guild_id"),
}
"""The COPY baseline's columns; an article's guild_id takes its default, 0 (global)."""


async def _postgres_baseline(url: str, rows: Rows) -> float:
    await (await open_postgres_store(url)).close()  # migrated, untimed
    connection = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        async with connection.transaction():
            for table, columns in _COLUMNS.items():
                await connection.copy_records_to_table(table, records=rows[table], columns=columns)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def _postgres_round(
    server: Server, rows: Rows, articles: list[tuple[Article, str]]
) -> tuple[float, float]:
    """Return (ours, COPY) seconds on fresh PostgreSQL databases, dropped afterwards."""
    raw_url = await server.empty("ingest_copy")
    baseline = await _postgres_baseline(raw_url, rows)
    await server.drop("ingest_copy")
    ours_url = await server.empty("ingest_ours")
    ours = await _ours(open_postgres_store(ours_url), articles)
    await server.drop("ingest_ours")
    return ours, baseline


def _rounds(
    backends: Backends, backend: str, articles: list[tuple[Article, str]]
) -> tuple[list[float], list[float]]:
    rows = prepared_rows(articles)
    ours: list[float] = []
    baseline: list[float] = []
    with tempfile.TemporaryDirectory(prefix="reel-ingest-") as folder:
        for round_ in range(ROUNDS[backend]):
            if backend == SQLITE:
                baseline.append(_sqlite_baseline(Path(folder) / f"raw-{round_}.db", rows))
                opening = open_sqlite_store(Path(folder) / f"store-{round_}.db")
                ours.append(asyncio.run(_ours(opening, articles)))
            else:
                took, copied = asyncio.run(_postgres_round(backends.server, rows, articles))
                ours.append(took)
                baseline.append(copied)
    return ours, baseline


def run(backends: Backends, chosen: Sequence[str]) -> list[Row]:
    """Measure and return the ingest rows of each chosen backend."""
    articles = generated_articles()
    total = ARTICLES * PER_ARTICLE
    rows: list[Row] = []
    for backend in chosen:
        figure = f"{total:,} reactions / {ARTICLES:,} articles (reactions/s)"
        raw_name = RAW[backend]
        target = f"≥ {1 / TARGET_RATIO:.2f}× {raw_name}'s rate"
        why = backends.unavailable(backend)
        if why is not None:
            rows.append(skipped(SECTION, backend, figure, target, why))
            continue
        ours, baseline = _rounds(backends, backend, articles)
        print(
            f"  {backend} rounds (s): ours "
            + ", ".join(f"{t:.2f}" for t in ours)
            + f"; raw {raw_name} "
            + ", ".join(f"{t:.2f}" for t in baseline)
        )
        ours_rate = total / median(ours)
        raw_rate = total / median(baseline)
        rows.append(
            Row(
                SECTION,
                backend,
                figure,
                f"{ours_rate:,.0f}/s",
                f"{raw_rate:,.0f}/s ({raw_name})",
                ratio_text(ours_rate, raw_rate),
                target,
                median(ours) <= TARGET_RATIO * median(baseline),
            )
        )
    return rows
