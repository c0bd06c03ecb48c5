"""Search and stats by platform, on every backend (the store's contract)."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.models import Article, MovieRef, Reaction
from bot.services import reading
from bot.store import Store

GUILD = 42


async def seed(store: Store) -> int:
    posts = (
        Reaction(platform="twitter", text="Loved the score", handle="ana", post_id="1"),
        Reaction(platform="bluesky", text="The score carried it", handle="bo.bsky.social"),
        Reaction(platform="bluesky", text="Slow but lovely", handle="cy.bsky.social"),
        Reaction(platform="tiktok", text="score edit incoming", handle="dee"),
    )
    article = Article(
        title="Mixed",
        movie=MovieRef.from_title("Quiet Engine"),
        spoiler=False,
        published=None,
        source=None,
        reactions=posts,
    )
    return (await store.ingest_article(article, content_hash="mixed")).movie.id


async def test_search_can_be_limited_to_one_platform(store: Store) -> None:
    await seed(store)
    everything = await store.search_reactions("score", GUILD, offset=0, limit=10)
    assert everything.total == 3
    bluesky = await store.search_reactions("score", GUILD, platform="bluesky", offset=0, limit=10)
    assert (bluesky.total, [r.platform for r in bluesky.reactions]) == (1, ["bluesky"])
    none = await store.search_reactions("score", GUILD, platform="reddit", offset=0, limit=10)
    assert none.total == 0


async def test_stats_can_be_limited_to_one_platform(store: Store) -> None:
    await seed(store)
    all_of_them = await store.stats(GUILD)
    assert (all_of_them.reactions, all_of_them.articles) == (4, 1)
    bluesky = await store.stats(GUILD, platform="bluesky")
    assert (bluesky.movies, bluesky.articles, bluesky.reactions) == (1, 1, 2)
    assert {name for name, _ in bluesky.top_authors} == {"@bo.bsky.social", "@cy.bsky.social"}
    reddit = await store.stats(GUILD, platform="reddit")
    assert (reddit.movies, reddit.articles, reddit.reactions) == (0, 0, 0)


@pytest.mark.parametrize(
    ("typed", "name"), [("Bluesky", "bluesky"), (" X ", "twitter"), ("tiktok", "tiktok")]
)
def test_members_name_platforms_in_any_case_and_x_is_twitter(typed: str, name: str) -> None:
    assert reading.checked_platform(typed) == name


def test_an_unknown_platform_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="`bluesky`"):
        reading.checked_platform("myspace")


def test_a_platform_word_is_taken_out_of_prefix_text() -> None:
    assert reading.split_platform("great score platform:Bluesky") == ("bluesky", "great score")
    assert reading.split_platform("12th fail") == (None, "12th fail")
