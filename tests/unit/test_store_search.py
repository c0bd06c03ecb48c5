"""Full-text search with capped counts (issue 15), and queries kept for pager buttons (12).

A contract test: it runs on every backend through the ``store`` fixture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import NotFound, PageOutOfRange
from bot.domain.models import Reaction
from bot.domain.records import SEARCH_CAP, SearchPage
from bot.services import reading
from bot.services.searches import keep_search, kept_search, search_key
from bot.store import Store
from bot.store.repos import search as search_repo
from bot.store.repos.search import KEEP_SEARCHES, SearchShares
from tests.unit.store_builders import article, post

GUILD = 111
OTHER_GUILD = 222
NOW = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
LONG = " ".join(["quokka marmot ocelot tapir gibbon"] * 5)


async def test_a_kept_query_is_found_by_its_key(store: Store) -> None:
    key = await keep_search(store, LONG, NOW)
    assert key == search_key(LONG)
    assert len(key) == 16
    assert await kept_search(store, key) == LONG


async def test_keeping_the_same_query_twice_keeps_one(store: Store) -> None:
    first = await keep_search(store, LONG, NOW)
    second = await keep_search(store, LONG, NOW + timedelta(days=1))
    assert first == second
    assert await kept_search(store, first) == LONG


async def test_an_unknown_key_says_to_search_again(store: Store) -> None:
    with pytest.raises(NotFound, match="search again"):
        await kept_search(store, "0" * 16)


async def test_queries_unused_for_long_are_forgotten(store: Store) -> None:
    old = await keep_search(store, "an old long query", NOW)
    later = NOW + KEEP_SEARCHES + timedelta(minutes=1)
    fresh = await keep_search(store, LONG, later)
    assert await store.kept_search_query(old) is None
    assert await store.kept_search_query(fresh) == LONG


# Capped counts (issue 15): a search counts matches up to SEARCH_CAP; past it the page is
# capped, newest first, and only the first SEARCH_CAP are paged.


async def posts_with(
    store: Store,
    word: str,
    count: int,
    *,
    start: int = 0,
    guild_id: int | None = None,
    platform: str = "twitter",
    movie: str = "12th Fail",
) -> int:
    """Store one article quoting ``count`` posts "WORD number N", N from ``start`` up.

    Returns the movie's id.
    """
    posts = [
        Reaction(platform=platform, text=f"{word} number {n}", handle=f"fan{n}")
        for n in range(start, start + count)
    ]
    stored = await store.ingest_article(
        article(*posts, movie=movie),
        content_hash=f"{word}-{platform}-{start}-{movie}",
        guild_id=guild_id,
    )
    return stored.movie.id


def texts(page: SearchPage) -> list[str]:
    return [reaction.text for reaction in page.reactions]


async def test_up_to_the_cap_matches_are_counted_exactly_and_ranked_best_first(
    store: Store,
) -> None:
    await store.ingest_article(article(post("popcorn popcorn")), content_hash="best")
    await posts_with(store, "popcorn", SEARCH_CAP - 1)

    ranked = await store.search_reactions("popcorn", GUILD, offset=0, limit=3)

    assert (ranked.total, ranked.capped) == (SEARCH_CAP, False)
    assert texts(ranked)[0] == "popcorn popcorn"


async def test_past_the_cap_the_count_is_capped_and_the_newest_come_first(
    store: Store,
) -> None:
    await store.ingest_article(article(post("popcorn popcorn")), content_hash="best")
    await posts_with(store, "popcorn", SEARCH_CAP)

    newest = await store.search_reactions("popcorn", GUILD, offset=0, limit=3)

    assert (newest.total, newest.capped) == (SEARCH_CAP, True)
    last = SEARCH_CAP - 1
    assert texts(newest) == [f"popcorn number {n}" for n in (last, last - 1, last - 2)]


async def test_only_the_first_cap_matches_are_paged(store: Store) -> None:
    await posts_with(store, "popcorn", SEARCH_CAP + 5)

    last = await store.search_reactions("popcorn", GUILD, offset=SEARCH_CAP - 2, limit=5)
    past = await store.search_reactions("popcorn", GUILD, offset=SEARCH_CAP, limit=5)

    # The newest first: the 999th and 1,000th newest of 1,005 are numbers 6 and 5.
    assert texts(last) == ["popcorn number 6", "popcorn number 5"]
    assert (last.total, last.capped) == (SEARCH_CAP, True)
    assert (past.reactions, past.total, past.capped) == ((), SEARCH_CAP, True)


async def test_a_page_past_the_cap_is_refused_saying_why(store: Store) -> None:
    await posts_with(store, "popcorn", SEARCH_CAP + 5)

    with pytest.raises(PageOutOfRange) as refused:
        await reading.search(store, "popcorn", GUILD, 201)
    clamped = await reading.search(store, "popcorn", GUILD, 201, clamp=True)

    assert str(refused.value) == (
        "There is no page 201: a search shows its first 1,000 matches, so it has 200 pages."
    )
    assert (clamped.page, clamped.pages, len(clamped.data.reactions)) == (200, 200, 5)


async def test_the_cap_counts_only_what_the_server_sees(store: Store) -> None:
    await posts_with(store, "popcorn", SEARCH_CAP - 2)
    await posts_with(store, "popcorn", 5, start=5000, guild_id=GUILD)

    before = await store.search_reactions("popcorn", GUILD, offset=0, limit=4)
    for reaction in before.reactions:
        await store.set_reaction_state(GUILD, reaction.id, hidden=True)
    after = await store.search_reactions("popcorn", GUILD, offset=0, limit=SEARCH_CAP)
    elsewhere = await store.search_reactions("popcorn", OTHER_GUILD, offset=0, limit=1)

    # The server's own five are its newest; hiding four leaves 998 + 1 below the cap.
    assert texts(before) == [f"popcorn number {n}" for n in (5004, 5003, 5002, 5001)]
    assert (before.total, before.capped) == (SEARCH_CAP, True)
    assert (after.total, after.capped) == (SEARCH_CAP - 1, False)
    assert {r.id for r in after.reactions}.isdisjoint(r.id for r in before.reactions)
    assert "popcorn number 5000" in texts(after)
    assert (elsewhere.total, elsewhere.capped) == (SEARCH_CAP - 2, False)


async def test_a_platform_filter_counts_that_platform_alone(store: Store) -> None:
    await posts_with(store, "popcorn", SEARCH_CAP + 1)
    await posts_with(store, "popcorn", 3, start=9000, platform="bluesky")

    bluesky = await store.search_reactions("popcorn", GUILD, platform="bluesky", offset=0, limit=5)
    twitter = await store.search_reactions("popcorn", GUILD, platform="twitter", offset=0, limit=5)

    assert (bluesky.total, bluesky.capped) == (3, False)
    assert {r.platform for r in bluesky.reactions} == {"bluesky"}
    assert (twitter.total, twitter.capped) == (SEARCH_CAP, True)
    assert texts(twitter)[0] == f"popcorn number {SEARCH_CAP}"


async def test_a_common_word_is_still_required_when_rarer_words_rank(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_repo, "COMMON_WORD", 4)
    await store.ingest_article(
        article(
            post("the owl", "a"),
            post("the cat", "b"),
            post("the dog", "c"),
            post("zebra alone", "d"),
            post("the zebra", "e"),
            post("zebra zebra and the", "f"),
        ),
        content_hash="common",
    )

    found = await store.search_reactions("the zebra", GUILD, offset=0, limit=10)

    # "the" (5 posts) is common, "zebra" (3) is not: zebra ranks, both are required.
    assert sorted(texts(found)) == ["the zebra", "zebra zebra and the"]
    assert (found.total, found.capped) == (2, False)


async def test_when_every_word_is_common_all_are_required_and_sqlite_lists_newest_first(
    store: Store, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_repo, "COMMON_WORD", 2)
    await store.ingest_article(
        article(
            post("owl alone", "a"),
            post("cat alone", "b"),
            post("owl cat cat", "c"),
            post("owl and a cat on a long walk by the river", "d"),
            post("owl too", "e"),
        ),
        content_hash="common",
    )

    found = await store.search_reactions("owl cat", GUILD, offset=0, limit=10)
    second = await store.search_reactions("owl cat", GUILD, offset=1, limit=10)

    # Both words have two matches or more: both are still required. SQLite's bm25 would
    # walk every reaction holding each word to weigh it, so it lists them newest first;
    # PostgreSQL's ts_rank reads no other reaction and still ranks them.
    newest = ["owl and a cat on a long walk by the river", "owl cat cat"]
    expected = newest if backend == "sqlite" else newest[::-1]
    assert texts(found) == expected
    assert texts(second) == expected[1:]
    assert (found.total, found.capped) == (2, False)


async def test_a_rare_word_ranks_when_the_others_are_common(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_repo, "COMMON_WORD", 3)
    await store.ingest_article(
        article(
            post("owl one", "a"),
            post("owl two", "b"),
            post("owl cat cat", "c"),
            post("owl and a cat on a long walk by the river", "d"),
        ),
        content_hash="rare",
    )

    found = await store.search_reactions("owl cat", GUILD, offset=0, limit=10)

    # "owl" (4 posts) is common, "cat" (2) is not: the matches are ranked, best first.
    assert texts(found) == ["owl cat cat", "owl and a cat on a long walk by the river"]


async def test_one_movies_matches_are_capped_and_ranked_on_their_own(store: Store) -> None:
    lagaan = await posts_with(store, "popcorn", SEARCH_CAP + 2, movie="Lagaan")
    fail = await posts_with(store, "popcorn", 3, start=7000)
    await store.ingest_article(article(post("popcorn popcorn", "z")), content_hash="best")

    many = await store.search_reactions("popcorn", GUILD, movie_id=lagaan, offset=0, limit=2)
    deep = await store.search_reactions(
        "popcorn", GUILD, movie_id=lagaan, offset=SEARCH_CAP - 1, limit=5
    )
    few = await store.search_reactions("popcorn", GUILD, movie_id=fail, offset=0, limit=5)

    assert (many.total, many.capped) == (SEARCH_CAP, True)
    assert texts(many) == [f"popcorn number {SEARCH_CAP + 1}", f"popcorn number {SEARCH_CAP}"]
    assert texts(deep) == ["popcorn number 2"]
    assert (few.total, few.capped) == (4, False)
    assert texts(few)[0] == "popcorn popcorn"
    assert {r.movie_id for r in few.reactions} == {fail}


# PostgreSQL lists a search's matches by walking the newest reactions or through the index,
# picked from the shares of reactions its statistics give each word and platform. Shares
# only pick the way: right or wrong (or none, as on SQLite), the same matches are found.

COMMON = SearchShares(
    words={"popcorn": 0.99, "zebra": 0.9},
    platforms={"twitter": 1.0, "bluesky": 0.9},
    reactions=1e9,
    read_at=0.0,
)
SHARES = {
    "none": (SearchShares(words={}, platforms={}, reactions=0.0, read_at=0.0), 4),
    # Every search walks; the newest reactions hold all the matches (the table is small).
    "all common": (COMMON, 4),
    # Every search walks, gives up among the newest reactions and lists through the index.
    "all common, few among the newest": (COMMON, 0.5),
    # With zebra, zebra is looked up in the index and popcorn checked on the rows found.
    "mostly popcorn": (
        SearchShares(
            words={"popcorn": 0.99, "zebra": 0.01}, platforms={}, reactions=1e9, read_at=0.0
        ),
        4,
    ),
}


@pytest.mark.parametrize(("shares", "walk_span"), list(SHARES.values()), ids=list(SHARES))
async def test_the_statistics_pick_how_matches_are_listed_never_which(
    store: Store, monkeypatch: pytest.MonkeyPatch, shares: SearchShares, walk_span: float
) -> None:
    monkeypatch.setattr(
        search_repo.SearchShares, "from_rows", classmethod(lambda cls, rows, read_at: shares)
    )
    monkeypatch.setattr(search_repo, "WALK_SPAN", walk_span)
    zebras = [post("popcorn zebra zebra", "a"), post("zebra popcorn and more", "b")]
    await store.ingest_article(article(*zebras, post("zebra alone", "c")), content_hash="z")
    await posts_with(store, "popcorn", SEARCH_CAP - 4)
    await posts_with(store, "popcorn", 3, start=5000, guild_id=GUILD, platform="bluesky")
    await posts_with(store, "popcorn", 2, start=7000, guild_id=OTHER_GUILD)
    secret = article(post("popcorn zebra secret", "d"))
    await store.ingest_article(secret, content_hash="secret", guild_id=OTHER_GUILD)
    own = await store.search_reactions("popcorn", GUILD, platform="bluesky", offset=0, limit=5)
    await store.set_reaction_state(GUILD, own.reactions[2].id, hidden=True)

    counted = await store.search_reactions("popcorn", GUILD, offset=0, limit=1)
    zebra = await store.search_reactions("popcorn zebra", GUILD, offset=0, limit=5)
    bluesky = await store.search_reactions("popcorn", GUILD, platform="bluesky", offset=0, limit=5)
    await store.ingest_article(article(post("popcorn once more", "e")), content_hash="more")
    newest = await store.search_reactions("popcorn", GUILD, offset=0, limit=3)

    # The server sees 1,000 (2 zebras, 996 numbers, 2 of its own 3 bluesky posts: the
    # newest is hidden; the other server's 3 are its own): no more, so they are ranked.
    assert texts(own)[2] == "popcorn number 5002"
    assert (counted.total, counted.capped) == (SEARCH_CAP, False)
    assert texts(zebra) == ["popcorn zebra zebra", "zebra popcorn and more"]
    assert (zebra.total, zebra.capped) == (2, False)
    assert texts(bluesky) == ["popcorn number 5000", "popcorn number 5001"]  # a tie: by age
    assert (newest.total, newest.capped) == (SEARCH_CAP, True)
    assert texts(newest) == ["popcorn once more", "popcorn number 5001", "popcorn number 5000"]
