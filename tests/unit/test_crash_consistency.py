"""Crash consistency: an ingest killed at any moment leaves each article whole or absent.

A child process (this module, run with ``python -m``) ingests large articles into a
database file; the test kills it with SIGKILL at seeded random moments spread over the
ingest's measured duration, then checks the file. ``REEL_KILL_TRIALS`` sets the number of
kills (20 by default) and ``REEL_KILL_SEED`` the seed.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import IngestResult
from bot.store import Store, open_sqlite_store
from bot.store.sqlite.migrate import load_migrations

REPO = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("REEL_KILL_TRIALS", "20"))
SEED = int(os.environ.get("REEL_KILL_SEED", "7"))
POSTS = 5_000  # reactions per article in the kill trials
ARTICLES_PER_CHILD = 5
KILLS_PER_FILE = 2
SHARED = 200  # posts every article also quotes, so ingest links known reactions too
_TITLE = re.compile(r"^crash (\d+) of (\d+) posts$")


@pytest.fixture
def backend() -> str:
    """Run this module on SQLite only: it kills processes mid-write and reads the file."""
    return "sqlite"


def build_article(index: int, posts: int) -> Article:
    """Return article ``index``: ``posts`` posts, the first `SHARED` common to all."""
    reactions = []
    for number in range(posts):
        owner = 0 if number < SHARED else index
        reactions.append(
            Reaction(
                platform="twitter",
                text=f"Post {number} of article {owner}: " + "a fine film, I cried " * 6,
                author_name=f"Fan {number}",
                handle=f"fan{number % 97}",
                date="2024-01-01",
                url=f"https://twitter.com/fan/status/{owner * 1_000_000 + number + 1}",
                post_id=str(owner * 1_000_000 + number + 1),
            )
        )
    return Article(
        title=f"crash {index} of {posts} posts",
        movie=MovieRef.from_title("Crash Test"),
        spoiler=False,
        published=None,
        source=None,
        reactions=tuple(reactions),
    )


async def _child(database: Path, first: int, count: int, posts: int) -> None:
    store = await open_sqlite_store(database)
    try:
        print("ready", flush=True)  # noqa: T201 - the child reports to the test on stdout
        for index in range(first, first + count):
            article = build_article(index, posts)
            await store.ingest_article(article, content_hash=f"crash-{index}")
            print(f"committed {index}", flush=True)  # noqa: T201
    finally:
        await store.close()


def spawn_child(database: Path, first: int, count: int, posts: int) -> subprocess.Popen[str]:
    """Start ``python -m tests.unit.test_crash_consistency`` ingesting into ``database``."""
    argv = [sys.executable, "-m", "tests.unit.test_crash_consistency"]
    argv += [str(database), str(first), str(count), str(posts)]
    return subprocess.Popen(
        argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_ready(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == "ready\n", (line, child.stderr.read() if child.stderr else "")


def committed(output: str) -> set[int]:
    return {int(index) for index in re.findall(r"^committed (\d+)$", output, re.MULTILINE)}


@dataclass
class Check:
    articles: int
    reactions: int


def check_database(path: Path) -> Check:
    """Assert the invariants a crash must never break; return what the file holds."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(load_migrations())
        # Every article is whole: exactly as many links as its title says it has posts.
        for article_id, title in connection.execute("SELECT id, title FROM articles"):
            match = _TITLE.match(title)
            assert match is not None, title
            (links,) = connection.execute(
                "SELECT count(*) FROM article_reactions WHERE article_id = ?", (article_id,)
            ).fetchone()
            assert links == int(match[2]), (title, links)
        # No post without an article that quotes it.
        orphans = connection.execute(
            "SELECT count(*) FROM reactions AS r WHERE NOT EXISTS "
            "(SELECT 1 FROM article_reactions AS a WHERE a.reaction_id = r.id)"
        ).fetchone()[0]
        assert orphans == 0
        # The counts the triggers keep, and the full-text index, agree with the rows.
        drifted = connection.execute(
            "SELECT count(*) FROM reactions AS r WHERE r.global_sources <> "
            "(SELECT count(*) FROM article_reactions AS a "
            " WHERE a.reaction_id = r.id AND a.guild_id = 0)"
        ).fetchone()[0]
        assert drifted == 0
        miscounted = connection.execute(
            "SELECT count(*) FROM movies AS m WHERE m.global_reactions <> "
            "(SELECT count(*) FROM reactions AS r "
            " WHERE r.movie_id = m.id AND r.global_sources > 0)"
        ).fetchone()[0]
        assert miscounted == 0
        connection.execute("INSERT INTO reactions_fts (reactions_fts) VALUES ('integrity-check')")
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        reactions = connection.execute("SELECT count(*) FROM reactions").fetchone()[0]
    return Check(articles=articles, reactions=reactions)


def titles(path: Path) -> set[int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT title FROM articles").fetchall()
    return {int(match[1]) for (title,) in rows if (match := _TITLE.match(title))}


def kill_repeatedly(database: Path, seed: int, duration: float, kills: int) -> int:
    """Start and SIGKILL children on ``database`` ``kills`` times, checking after each.

    Returns how many kills found the child still ingesting.
    """
    rng = random.Random(seed)
    killed_mid_run = 0
    for kill in range(kills):
        first = (seed * KILLS_PER_FILE + kill + 1) * ARTICLES_PER_CHILD
        child = spawn_child(database, first, ARTICLES_PER_CHILD, POSTS)
        try:
            wait_ready(child)
            time.sleep(rng.uniform(0, duration))
        finally:
            child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=60)
        killed_mid_run += child.returncode == -signal.SIGKILL

        check_database(database)
        present = titles(database)
        # Durable: what the child saw committed survived the kill.
        assert committed(output) <= present
        assert present >= set(range(ARTICLES_PER_CHILD))
    return killed_mid_run


def test_ingest_killed_at_random_moments_leaves_whole_articles_or_none(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    # Measure one uninterrupted run, so the kills spread over the ingest itself.
    calibration = spawn_child(base, 0, ARTICLES_PER_CHILD, POSTS)
    wait_ready(calibration)
    started = time.perf_counter()
    output, errors = calibration.communicate(timeout=120)
    duration = time.perf_counter() - started
    assert calibration.returncode == 0, errors
    assert committed(output) == set(range(ARTICLES_PER_CHILD))
    check_database(base)

    # Each copy of the database is killed on KILLS_PER_FILE times in a row (recovering a
    # crashed file, then crashing it again); copies run four at a time.
    files = -(-TRIALS // KILLS_PER_FILE)
    copies = []
    for number in range(files):
        copy = tmp_path / f"crash-{number}.db"
        shutil.copyfile(base, copy)
        copies.append(copy)
    with ThreadPoolExecutor(max_workers=4) as pool:
        killed = pool.map(
            kill_repeatedly,
            copies,
            [SEED * 1_000 + number for number in range(files)],
            [duration] * files,
            [KILLS_PER_FILE] * files,
        )
        killed_mid_run = sum(killed)
    # Most kills must land while the child is still ingesting, or the test proves little.
    assert killed_mid_run >= files * KILLS_PER_FILE * 3 // 4


async def test_twenty_concurrent_ingests_share_the_bots_one_connection(
    store: Store, tmp_path: Path
) -> None:
    articles = [build_article(index, 300) for index in range(20)]

    results = await asyncio.gather(
        *(store.ingest_article(a, content_hash=f"c{i}") for i, a in enumerate(articles)),
        *(store.ingest_article(articles[i], content_hash=f"c{i}") for i in range(5)),
        *(store.counts() for _ in range(10)),
    )

    ingests = [result for result in results[:25] if isinstance(result, IngestResult)]
    assert sum(result.created for result in ingests) == 20
    counts = await store.counts()
    assert counts.articles == 20
    # 300 posts each, of which the first 200 are the same posts in every article.
    assert counts.reactions == SHARED + 20 * (300 - SHARED)
    check = check_database(tmp_path / "data" / "reactions.db")
    assert check.articles == 20


async def test_the_cli_and_the_bot_ingest_into_one_database_at_once(
    store: Store, tmp_path: Path
) -> None:
    database = tmp_path / "data" / "reactions.db"
    child = spawn_child(database, 100, 4, 2_000)
    try:
        await asyncio.to_thread(wait_ready, child)
        for index in range(10):
            await store.ingest_article(build_article(index, 500), content_hash=f"bot-{index}")
        output, errors = await asyncio.to_thread(child.communicate, timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()

    assert child.returncode == 0, errors
    assert "locked" not in errors
    assert committed(output) == {100, 101, 102, 103}
    assert check_database(database).articles == 14


if __name__ == "__main__":
    asyncio.run(_child(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
