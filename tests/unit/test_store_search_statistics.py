"""PostgreSQL-only: the shares of reactions its statistics give each word and platform.

They pick how a search lists its matches (tests/unit/test_store_search.py checks that
they never change which); here, that they are read from what ANALYZE sampled.
"""

from __future__ import annotations

import pytest

from bot.domain.models import Reaction
from bot.store.postgres import PostgresDatabase, open_postgres_store
from bot.store.repos.search import SearchShares
from tests.pg_server import PostgresServer
from tests.unit.store_builders import article

GUILD = 111


async def test_statistics_give_the_share_of_reactions_holding_each_word_and_platform(
    pg_server: PostgresServer,
) -> None:
    # A database of its own: the statistics ANALYZE keeps would outlive the emptying
    # that gives the other tests their database.
    store = await open_postgres_store(await pg_server.create_database())
    try:
        posts = [
            Reaction(
                platform="bluesky" if n % 4 == 0 else "twitter",
                text=f"Popcorn {'zebra ' if n % 10 == 0 else ''}number {n}",
                handle=f"fan{n}",
            )
            for n in range(200)
        ]
        await store.ingest_article(article(*posts), content_hash="many")
        database = store.database
        assert isinstance(database, PostgresDatabase)
        async with database.pool.acquire() as connection:
            await connection.execute("ANALYZE reactions")
        shares = await read_shares(database)
        found = await store.search_reactions("popcorn zebra", GUILD, offset=0, limit=50)
    finally:
        await store.close()

    assert shares.reactions == 200
    assert shares.words["popcorn"] == pytest.approx(1.0)
    assert shares.words["zebra"] == pytest.approx(0.1)
    assert shares.platforms == pytest.approx({"twitter": 0.75, "bluesky": 0.25})
    assert found.total == 20


async def read_shares(database: PostgresDatabase) -> SearchShares:
    async with database.transaction(write=False) as session:
        return SearchShares.from_rows(await session.all("search_shares"), 0.0)


SAMPLED = SearchShares(
    words={"the": 0.9, "a": 0.7, "music": 0.05, "fans": 0.018},
    platforms={"twitter": 0.6, "threads": 0.01},
    reactions=1_000_000,
    read_at=0.0,
)
LISTINGS = {
    # Words together in 3% or more walk about 4x the reactions they should need.
    "the": ("the", None, {"walk": 4449, "indexed": "the", "rechecked": None}),
    "the music": ("The music", None, {"walk": 88978, "indexed": "music", "rechecked": "The"}),
    # Rarer ones go through the index, leaving out words most reactions hold.
    "fans": ("fans", None, {"walk": None, "indexed": "fans", "rechecked": None}),
    "the fans": ("the fans", None, {"walk": None, "indexed": "fans", "rechecked": "the"}),
    "a the": ("a the", "threads", {"walk": None, "indexed": "a", "rechecked": "the"}),
    "unknown": ("the zyzzyva", None, {"walk": None, "indexed": "zyzzyva", "rechecked": "the"}),
    "platform": ("the", "twitter", {"walk": 7415, "indexed": "the", "rechecked": None}),
}


@pytest.mark.parametrize(("words", "platform", "listing"), LISTINGS.values(), ids=list(LISTINGS))
def test_the_shares_pick_a_walk_for_common_words_and_the_index_for_rarer_ones(
    words: str, platform: str | None, listing: dict[str, object]
) -> None:
    assert SAMPLED.listing(words.split(), platform) == listing


def test_a_walk_as_long_as_the_table_goes_through_the_index() -> None:
    small = SearchShares(words={"the": 0.9}, platforms={}, reactions=4000, read_at=0.0)

    assert small.listing(["the"], None)["walk"] is None
