"""Benchmark 2: storing 100,000 reactions over 1,000 articles through the real store API.

Ours: ``Store.ingest_article`` once per article (one transaction each, idempotence
check, movie upsert, staging table, natural-key hashing), as ``python -m bot ingest`` and
the moderators' ``add`` do. Baseline: raw ``sqlite3`` ``executemany`` of the same rows
(movies, articles, reactions with their key hashes, links) in ONE transaction, into the
same schema (same indexes, FTS triggers and pragmas), with the rows prepared before the
clock starts. Each runs on a fresh database file; the two alternate for ``ROUNDS`` rounds
and the median of each is reported.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.dataset import Vocabulary, movie_titles
from benchmarks.results import Row, median, ratio_text
from bot.domain.models import Article, MovieRef, Reaction
from bot.store import open_sqlite_store

SECTION = "2 ingest"
ARTICLES = 1_000
PER_ARTICLE = 100
MOVIES = 100
ROUNDS = 3
TARGET_RATIO = 2.0


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


async def _ours(path: Path, articles: list[tuple[Article, str]]) -> float:
    store = await open_sqlite_store(path)
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
    "VALUES (?, ?, ?, ?, 0)"
)


def _baseline(path: Path, articles: list[tuple[Article, str]]) -> float:
    asyncio.run(_migrated(path))
    movie_ids: dict[str, int] = {}
    movies: list[tuple[object, ...]] = []
    rows: list[tuple[object, ...]] = []
    reactions: list[tuple[object, ...]] = []
    links: list[tuple[object, ...]] = []
    for article_id, (article, content_hash) in enumerate(articles, start=1):
        assert article.movie is not None  # noqa: S101 - generated above
        movie_id = movie_ids.get(article.movie.slug)
        if movie_id is None:
            movie_id = movie_ids[article.movie.slug] = len(movie_ids) + 1
            movies.append((movie_id, article.movie.title, article.movie.slug))
        rows.append(
            (
                article_id,
                content_hash,
                movie_id,
                article.title,
                article.source,
                article.published,
                int(article.spoiler),
            )
        )
        for position, reaction in enumerate(article.reactions):
            reaction_id = len(reactions) + 1
            key_hash = hashlib.sha256(reaction.key().encode()).digest()
            reactions.append(
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
            links.append((article_id, position, reaction_id, movie_id))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("foreign_keys = ON", "synchronous = NORMAL", "journal_mode = WAL"):
            connection.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(_MOVIE, movies)
        connection.executemany(_ARTICLE, rows)
        connection.executemany(_REACTION, reactions)
        connection.executemany(_LINK, links)
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def run() -> list[Row]:
    """Measure and return the ingest rows."""
    articles = generated_articles()
    total = ARTICLES * PER_ARTICLE
    ours: list[float] = []
    baseline: list[float] = []
    with tempfile.TemporaryDirectory(prefix="reel-ingest-") as folder:
        for round_ in range(ROUNDS):
            baseline.append(_baseline(Path(folder) / f"raw-{round_}.db", articles))
            ours.append(asyncio.run(_ours(Path(folder) / f"store-{round_}.db", articles)))
    print(
        "  rounds (s): ours "
        + ", ".join(f"{t:.2f}" for t in ours)
        + "; raw executemany "
        + ", ".join(f"{t:.2f}" for t in baseline)
    )
    ours_rate = total / median(ours)
    raw_rate = total / median(baseline)
    slowdown = median(ours) / median(baseline)
    return [
        Row(
            SECTION,
            f"{total:,} reactions / {ARTICLES:,} articles (reactions/s)",
            f"{ours_rate:,.0f}/s",
            f"{raw_rate:,.0f}/s",
            ratio_text(ours_rate, raw_rate),
            f"time ≤ {TARGET_RATIO:.0f}× raw (rate ≥ {1 / TARGET_RATIO:.2f}×)",
            slowdown <= TARGET_RATIO,
        )
    ]
