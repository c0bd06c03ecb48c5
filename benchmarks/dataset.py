"""Generated collections for the look-up and process benchmarks, built once into a cache.

A database holds the bundled ``12th Fail`` article (stored through the real store API, as
the bot does at start-up) and N generated reactions over 9,999 generated movies, so
10,000 movies in all. Each movie gets 0.5-1.5× the average number of reactions, quoted by
articles of at most 25 posts; 1% of the articles belong to one server (`GUILD`), which
also hides one reaction and features another in 2% of the movies; 5% of the movies have
an alias. Text is drawn from a Zipf-distributed vocabulary, so common words are common.

The schema comes from the real migrations (``open_sqlite_store``); the generated rows go
into the real tables with plain ``sqlite3`` ``executemany`` and the schema's own triggers
left in place, so the FTS index and the counts (``global_sources``, ``global_reactions``)
are kept exactly as the store keeps them. A database is built under a temporary name and
renamed when complete.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import itertools
import json
import math
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.results import CACHE
from bot.config import bundled_articles_dir
from bot.domain.models import Reaction, slugify
from bot.ingest.files import ingest_paths
from bot.store import open_sqlite_store

VERSION = 1
"""Bump when the generator changes, so cached databases are rebuilt."""
SEED = 6
MOVIES = 10_000
GUILD = 424_242_424_242_424_242
"""The server that owns 1% of the articles and curates some reactions."""
ARTICLE_MAX = 25
GUILD_ARTICLE_SHARE = 0.01
CURATED_MOVIE_SHARE = 0.02
ALIAS_SHARE = 0.05
SENTENCES = 20_000
AUTHORS = 40_000


def _words(text: str) -> list[str]:
    return text.split()


# Words people write about films, most frequent first: the generator's Zipf ranks.
FUNCTION_WORDS = _words(
    "the a i this and is to of it was so in that just my for you what movie film not with "
    "but me be all are have its at how one on an"
)
CONTENT_WORDS = _words(
    "watched ending acting story performance scene cinema brilliant best cried masterpiece "
    "music director actor watch theatre audience goosebumps climax emotional screenplay "
    "interval characters visuals soundtrack twist hero villain cameo trailer sequel "
    "powerful beautiful boring overrated underrated hilarious stunning wow loved hated "
    "tears laughed chills dialogue editing cinematography script pacing casting debut "
    "blockbuster flop classic legend iconic epic rewatch spoiler spoilers surprise "
    "mindblowing gripping haunting heartwarming disappointing slow brave honest real "
    "family friends mother father exam teacher village city dream struggle hope "
    "inspiring motivating unforgettable perfect flawless mess stupid genius vibe mood "
    "popcorn tickets housefull box office record weekend review critics fans"
)
FIRST_NAMES = _words(
    "Aarav Asha Kruti Rohan Meera Arjun Priya Vikram Anya Kabir Lena Omar Sara Tom Mia "
    "Noah Emma Liam Zoe Ravi Neha Ishaan Tara Dev Nina Yusuf Hana Leo Ada Kofi Ama Luis "
    "Sofia Mateo Elena Ivan Olga Kenji Yuki Min Jae Chen Wei Lucas Chloe Hugo Ines Ana"
)
LAST_NAMES = _words(
    "Patel Sharma Verma Khan Iyer Rao Singh Gupta Das Nair Smith Jones Brown Garcia Silva "
    "Rossi Muller Dubois Kowalski Novak Ivanov Sato Tanaka Kim Park Lee Wang Li Zhang "
    "Okafor Mensah Haddad Cohen Levi Andersen Nielsen Berg Costa Santos Lopez Martin "
    "Moreau Fischer Weber Romano Ricci Yilmaz Demir Ahmed"
)
ADJECTIVES = _words(
    "Silent Broken Golden Last Hidden Crimson Endless Burning Lost Wild Quiet Distant "
    "Frozen Electric Midnight Secret Hollow Fallen Shining Restless Bitter Gentle Savage "
    "Paper Iron Glass Velvet Scarlet Silver Northern Southern Little Great Second Final "
    "Dark Bright Empty Hungry Lonely Sacred Wicked Brave Honest Stolen Forgotten Rising"
)
NOUNS = _words(
    "River Empire Garden Storm Kingdom Mirror Harbor Circus Orchard Station Lantern "
    "Frontier Summer Winter Monsoon Festival Horizon Island Valley Desert Ocean Forest "
    "Mountain Bridge Tower Village Highway Signal Letter Promise Secret Memory Shadow "
    "Echo Whisper Thunder Fire Rain Snow Wind Star Moon Sun Sky Road Train Harvest "
    "Carnival Symphony Ballad Verdict Exam Heist Voyage Return Awakening Reckoning"
)


@dataclass
class Vocabulary:
    """Words with Zipf weights, authors, and a pool of sentences to build texts from."""

    rng: random.Random
    words: list[str] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    authors: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def make(cls, rng: random.Random) -> Vocabulary:
        """Build the vocabulary, sentence pool and authors from ``rng``."""
        vocab = cls(rng)
        syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
        tail: list[str] = []
        seen = set(FUNCTION_WORDS) | set(CONTENT_WORDS)
        while len(tail) < 6_000:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                tail.append(word)
        vocab.words = [*FUNCTION_WORDS, *CONTENT_WORDS, *tail]
        vocab.cumulative = list(
            itertools.accumulate(1.0 / rank for rank in range(1, len(vocab.words) + 1))
        )
        for _ in range(SENTENCES):
            words = rng.choices(vocab.words, cum_weights=vocab.cumulative, k=rng.randint(6, 16))
            words[0] = words[0].capitalize()
            vocab.sentences.append(" ".join(words))
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        for index in range(AUTHORS):
            name = names[index % len(names)]
            handle = f"{name.replace(' ', '')[:12]}{index // len(names) or ''}"
            vocab.authors.append((name, handle))
        return vocab

    def text(self, slug: str) -> str:
        """Return a reaction's text: two sentences, sometimes a hashtag of the movie."""
        first, second = self.rng.choices(self.sentences, k=2)
        tag = f" #{slug}" if self.rng.random() < 0.2 else ""
        return f"{first}. {second}!{tag}"

    def rank_of(self, word: str) -> int:
        """Return the word's frequency rank (1 is the most common)."""
        return self.words.index(word) + 1


def movie_titles(rng: random.Random, count: int) -> list[str]:
    """Return ``count`` distinct titles ("The Silent River", "Golden Harvest of Echo 2")."""
    titles: list[str] = []
    slugs = {"12thfail"}
    while len(titles) < count:
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        roll = rng.random()
        if roll < 0.3:
            title = f"The {title}"
        elif roll < 0.55:
            title = f"{title} of the {rng.choice(NOUNS)}"
        if rng.random() < 0.25:
            title = f"{title} {rng.randint(2, 4)}"
        slug = slugify(title)
        if slug not in slugs:
            slugs.add(slug)
            titles.append(title)
    return titles


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split ``total`` into ``parts`` counts of 0.5-1.5× the average, each at least 1."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [max(1, math.floor(w * scale)) for w in weights]
    while sum(counts) < total:
        counts[rng.randrange(parts)] += 1
    while sum(counts) > total:
        index = rng.randrange(parts)
        if counts[index] > 1:
            counts[index] -= 1
    return counts


def _date(rng: random.Random) -> str:
    day = rng.randrange(0, 3_800)
    return time.strftime("%Y-%m-%d", time.gmtime(1_420_070_400 + day * 86_400))


@dataclass(frozen=True, slots=True)
class Collection:
    """A built database and what the benchmarks need to query it."""

    path: Path
    reactions: int
    movies: list[tuple[int, str, str]]
    """``(id, title, slug)`` of every movie, 12th Fail first."""
    vocabulary_ranks: dict[str, int]
    handles: list[str]
    build_seconds: float
    built_now: bool


def cache_path(reactions: int) -> Path:
    """Return where the database of ``reactions`` generated reactions is cached."""
    return CACHE / f"reel-{reactions}-v{VERSION}.db"


def _words_path(path: Path) -> Path:
    """Return where the word counts of the database at ``path`` are cached."""
    return path.with_suffix(".words.json")


async def _store_bundled(path: Path) -> None:
    store = await open_sqlite_store(path)
    try:
        await ingest_paths(store, [bundled_articles_dir()])
    finally:
        await store.close()


TABLES = ("movies", "movie_aliases", "articles", "reactions", "article_reactions", "reaction_state")
"""Insertion order: every row after the rows its foreign keys point at."""

Batch = dict[str, list[tuple[object, ...]]]


def _movie_rows(
    vocab: Vocabulary,
    rng: random.Random,
    reactions: int,
    first_movie: int,
    first_article: int,
    first_reaction: int,
) -> Iterator[Batch]:
    """Yield, per movie, its rows by table: movie, alias, articles, reactions, links, state."""
    titles = movie_titles(rng, MOVIES - 1)
    counts = _spread(reactions, MOVIES - 1, rng)
    reaction_id = first_reaction - 1
    article_id = first_article - 1
    for offset, (title, count) in enumerate(zip(titles, counts, strict=True)):
        rows: Batch = {table: [] for table in TABLES}
        movie_id = first_movie + offset
        slug = slugify(title)
        rows["movies"].append((movie_id, title, slug))
        if rng.random() < ALIAS_SHARE:
            alias = f"{title} {rng.randint(1970, 2025)}"
            rows["movie_aliases"].append((movie_id, 0, alias, slugify(alias)))
        chunks = math.ceil(count / ARTICLE_MAX)
        sizes = [count // chunks + (1 if i < count % chunks else 0) for i in range(chunks)]
        visible: list[int] = []
        for size in sizes:
            article_id += 1
            guild = GUILD if rng.random() < GUILD_ARTICLE_SHARE else 0
            content_hash = hashlib.sha256(f"bench-article-{article_id}".encode()).hexdigest()
            published = _date(rng)
            spoiler = int(rng.random() < 0.3)
            rows["articles"].append(
                (
                    article_id,
                    guild,
                    content_hash,
                    movie_id,
                    f"How the internet reacted to {title}",
                    f"https://news.example/{slug}/{article_id}",
                    published,
                    spoiler,
                )
            )
            for position in range(size):
                reaction_id += 1
                name, handle = rng.choice(vocab.authors)
                instagram = rng.random() < 0.1
                if instagram:
                    platform, post_id = "instagram", f"C{reaction_id:09d}"
                    url = f"https://www.instagram.com/p/{post_id}/"
                else:
                    platform, post_id = "twitter", str(1_400_000_000_000_000_000 + reaction_id)
                    url = f"https://twitter.com/{handle}/status/{post_id}"
                text = vocab.text(slug)
                key = Reaction(platform, text, handle=handle, post_id=post_id).key()
                rows["reactions"].append(
                    (
                        reaction_id,
                        movie_id,
                        hashlib.sha256(key.encode()).digest(),
                        platform,
                        text,
                        name,
                        handle,
                        _date(rng),
                        url,
                        post_id,
                    )
                )
                rows["article_reactions"].append(
                    (article_id, position, reaction_id, movie_id, guild, spoiler)
                )
                visible.append(reaction_id)
        if rng.random() < CURATED_MOVIE_SHARE and len(visible) >= 2:
            hidden, featured = rng.sample(visible, 2)
            rows["reaction_state"].append((GUILD, hidden, 1, "benchmark", 0))
            rows["reaction_state"].append((GUILD, featured, 0, None, 1))
        yield rows


_INSERTS = {
    "movies": "INSERT INTO movies (id, title, slug) VALUES (?, ?, ?)",
    "movie_aliases": (
        "INSERT INTO movie_aliases (movie_id, guild_id, alias, alias_slug) VALUES (?, ?, ?, ?)"
    ),
    "articles": (
        "INSERT INTO articles (id, guild_id, content_hash, movie_id, title, source, published, "
        "spoiler) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    ),
    "reactions": (
        "INSERT INTO reactions (id, movie_id, key_hash, platform, text, author_name, handle, "
        "date, url, post_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ),
    "article_reactions": (
        "INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id, "
        "spoiler) VALUES (?, ?, ?, ?, ?, ?)"
    ),
    "reaction_state": (
        "INSERT INTO reaction_state (guild_id, reaction_id, hidden, hidden_reason, featured) "
        "VALUES (?, ?, ?, ?, ?)"
    ),
}
_BATCH_REACTIONS = 50_000


def _next_id(connection: sqlite3.Connection, table: str) -> int:
    row = connection.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()  # noqa: S608
    return int(row[0])


def _flush(connection: sqlite3.Connection, batch: Batch) -> None:
    for table in TABLES:
        connection.executemany(_INSERTS[table], batch[table])
        batch[table].clear()


def _bulk_insert(path: Path, reactions: int) -> None:
    rng = random.Random(SEED)
    vocab = Vocabulary.make(rng)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        # A rollback journal while building (nothing else has the file open); WAL after.
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -262144")
        firsts = [_next_id(connection, table) for table in ("movies", "articles", "reactions")]
        connection.execute("BEGIN")
        batch: Batch = {table: [] for table in TABLES}
        for rows in _movie_rows(vocab, rng, reactions, *firsts):
            for table in TABLES:
                batch[table].extend(rows[table])
            if len(batch["reactions"]) >= _BATCH_REACTIONS:
                _flush(connection, batch)
        _flush(connection, batch)
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def _describe(path: Path, reactions: int, seconds: float, *, built: bool) -> Collection:
    rng = random.Random(SEED)
    vocab = Vocabulary.make(rng)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        movies = connection.execute("SELECT id, title, slug FROM movies ORDER BY id").fetchall()
        total = connection.execute("SELECT count(*) FROM reactions").fetchone()[0]
    finally:
        connection.close()
    return Collection(
        path=path,
        reactions=total,
        movies=movies,
        vocabulary_ranks={word: rank for rank, word in enumerate(vocab.words, start=1)},
        handles=[handle for _, handle in vocab.authors],
        build_seconds=seconds,
        built_now=built,
    )


def collection(reactions: int, *, rebuild: bool = False) -> Collection:
    """Return the cached database of ``reactions`` generated reactions, building it if needed."""
    path = cache_path(reactions)
    if path.exists() and not rebuild:
        return _describe(path, reactions, 0.0, built=False)
    CACHE.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    _words_path(path).unlink(missing_ok=True)
    for leftover in (building, *(Path(f"{building}{s}") for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    print(f"  building {path.name} ({reactions:,} generated reactions over {MOVIES:,} movies)…")
    started = time.perf_counter()
    asyncio.run(_store_bundled(building))
    _bulk_insert(building, reactions)
    seconds = time.perf_counter() - started
    building.replace(path)
    print(f"  built {path.name} in {seconds:.0f} s ({path.stat().st_size / 1e6:.0f} MB)")
    return _describe(path, reactions, seconds, built=True)


_WORD = re.compile(r"\w+")


def frequent_words(data: Collection, count: int = 10) -> list[tuple[str, int]]:
    """Return the ``count`` words found in the most reactions' text, most frequent first,
    with how many reactions hold each (counted once, then cached beside the database)."""
    cached = _words_path(data.path)
    if cached.exists():
        found = json.loads(cached.read_text())
        if len(found) >= count:
            return [(word, int(n)) for word, n in found[:count]]
    counter: collections.Counter[str] = collections.Counter()
    connection = sqlite3.connect(f"file:{data.path}?mode=ro", uri=True)
    try:
        for (text,) in connection.execute("SELECT text FROM reactions"):
            counter.update(set(_WORD.findall(str(text).casefold())))
    finally:
        connection.close()
    found = counter.most_common(max(count, 10))
    cached.write_text(json.dumps(found))
    return found[:count]
