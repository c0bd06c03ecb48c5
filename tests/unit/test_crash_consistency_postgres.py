"""Issue 14 point 4: a process killed with SIGKILL on PostgreSQL loses no confirmed write.

A child process (this module, run with ``python -m``) ingests articles and hides reactions
through the store, saying on stdout each write the store confirmed; the test kills it with
SIGKILL at seeded random moments, then checks the database: every confirmed write is
there, every article is whole (as many links as its title says), no post is left without
an article. The server itself keeps running: its own crash recovery is PostgreSQL's.
"""

from __future__ import annotations

import asyncio
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg

from bot.store.postgres import open_postgres_store
from tests.pg_server import PostgresServer
from tests.unit.test_crash_consistency import build_article, committed, wait_ready

REPO = Path(__file__).resolve().parents[2]
NEEDS_POSTGRESQL = True
KILLS = 4
SEED = 14
POSTS = 2_000
ARTICLES_PER_CHILD = 4
GUILD = 4242
_TITLE = re.compile(r"^crash (\d+) of (\d+) posts$")


async def _child(url: str, first: int, count: int, posts: int) -> None:
    store = await open_postgres_store(url)
    try:
        print("ready", flush=True)  # noqa: T201 - the child reports to the test on stdout
        for index in range(first, first + count):
            await store.ingest_article(build_article(index, posts), content_hash=f"crash-{index}")
            print(f"committed {index}", flush=True)  # noqa: T201
            # A moderator's hide of one of the article's posts, confirmed once it returns.
            for reaction_id in range(index * 3 + 1, index * 3 + 4):
                if await store.set_reaction_state(GUILD, reaction_id, hidden=True):
                    print(f"hidden {reaction_id}", flush=True)  # noqa: T201
    finally:
        await store.close()


def spawn_child(url: str, first: int, count: int) -> subprocess.Popen[str]:
    """Start ``python -m tests.unit.test_crash_consistency_postgres`` writing to ``url``."""
    argv = [sys.executable, "-m", "tests.unit.test_crash_consistency_postgres"]
    argv += [url, str(first), str(count), str(POSTS)]
    return subprocess.Popen(
        argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def hidden(output: str) -> set[int]:
    return {int(found) for found in re.findall(r"^hidden (\d+)$", output, re.MULTILINE)}


async def check_database(url: str) -> tuple[set[int], set[int]]:
    """Assert what a kill must never break; return the articles and hidden reactions held."""
    connection = await asyncpg.connect(url)
    try:
        present = set()
        for row in await connection.fetch(
            "SELECT a.title, count(ar.position) AS links FROM articles AS a "
            "LEFT JOIN article_reactions AS ar ON ar.article_id = a.id GROUP BY a.id"
        ):
            match = _TITLE.match(row["title"])
            assert match is not None, row["title"]
            assert row["links"] == int(match[2]), (row["title"], row["links"])
            present.add(int(match[1]))
        orphans = await connection.fetchval(
            "SELECT count(*) FROM reactions AS r WHERE NOT EXISTS "
            "(SELECT 1 FROM article_reactions AS a WHERE a.reaction_id = r.id)"
        )
        assert orphans == 0
        drifted = await connection.fetchval(
            "SELECT count(*) FROM reactions AS r WHERE r.global_sources <> "
            "(SELECT count(*) FROM article_reactions AS a "
            " WHERE a.reaction_id = r.id AND a.guild_id = 0)"
        )
        assert drifted == 0
        rows = await connection.fetch(
            "SELECT reaction_id FROM reaction_state WHERE guild_id = $1 AND hidden", GUILD
        )
        return present, {row["reaction_id"] for row in rows}
    finally:
        await connection.close()


def run_to_the_end(url: str, first: int) -> tuple[str, float]:
    child = spawn_child(url, first, ARTICLES_PER_CHILD)
    wait_ready(child)
    started = time.perf_counter()
    output, errors = child.communicate(timeout=180)
    assert child.returncode == 0, errors
    return output, time.perf_counter() - started


def kill_at(url: str, first: int, delay: float) -> tuple[str, bool]:
    """Run a child and SIGKILL it ``delay`` seconds in; return its output and if it was mid-run."""
    child = spawn_child(url, first, ARTICLES_PER_CHILD)
    try:
        wait_ready(child)
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
    output, _ = child.communicate(timeout=60)
    return output, child.returncode == -signal.SIGKILL


async def test_writes_killed_at_random_moments_keep_every_confirmed_one(
    pg_server: PostgresServer,
) -> None:
    url = await pg_server.create_database()
    output, duration = await asyncio.to_thread(run_to_the_end, url, 0)
    assert committed(output) == set(range(ARTICLES_PER_CHILD))
    confirmed_articles, confirmed_hides = committed(output), hidden(output)
    assert confirmed_hides

    rng = random.Random(SEED)
    killed_mid_run = 0
    for kill in range(KILLS):
        first = (kill + 1) * ARTICLES_PER_CHILD
        output, mid_run = await asyncio.to_thread(kill_at, url, first, rng.uniform(0, duration))
        killed_mid_run += mid_run
        confirmed_articles |= committed(output)
        confirmed_hides |= hidden(output)

        present, hides = await check_database(url)
        # Durable: every write the child saw confirmed survived the kill.
        assert confirmed_articles <= present
        assert confirmed_hides <= hides
    # Most kills must land while the child still writes, or the test proves little.
    assert killed_mid_run >= KILLS * 2 // 3


if __name__ == "__main__":
    asyncio.run(_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
