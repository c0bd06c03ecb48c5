"""Movies in the store: look-up by any name, scopes, aliases and the names list.

A contract test: it runs on every backend through the ``store`` fixture.
"""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput, UnknownMovie
from bot.store import Store
from tests.unit.store_builders import article, post

GUILD = 111
OTHER_GUILD = 222


SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)


# Movies, names and look-up
@pytest.mark.parametrize(
    "key",
    ["12th Fail", "12thfail", "12TH FAIL", "12th-fail", "  12th   fail "],
    ids=["title", "slug", "upper", "dashed", "spaced"],
)
async def test_find_movie_by_title_or_slug_in_any_case(store: Store, key: str) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    found = await store.find_movie(key)

    assert found is not None
    assert found.id == result.movie.id


@pytest.mark.parametrize("key", ["Twelfth Fail", "twelfth-FAIL", "TWELFTHFAIL"])
async def test_find_movie_by_a_global_alias_in_any_case(store: Store, key: str) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    assert await store.add_alias(result.movie.id, "twelfth fail")

    found = await store.find_movie(key, GUILD)

    assert found is not None
    assert found.id == result.movie.id
    assert found.aliases == ("twelfth fail",)


async def test_a_guild_alias_works_in_that_guild_only(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    assert await store.add_alias(result.movie.id, "Manoj", guild_id=GUILD)

    found = await store.find_movie("manoj", GUILD)
    assert found is not None
    assert found.id == result.movie.id
    assert found.aliases == ("Manoj",)
    assert await store.find_movie("manoj", OTHER_GUILD) is None
    assert await store.find_movie("manoj") is None
    movie = await store.get_movie(result.movie.id)
    assert movie is not None
    assert movie.aliases == ()


async def test_find_movie_returns_none_for_unknown_or_empty_keys(store: Store) -> None:
    await store.ingest_article(SEED, content_hash="seed")

    assert await store.find_movie("Lagaan") is None
    assert await store.find_movie("!!!") is None


async def test_find_movie_ignores_movies_only_other_guilds_know(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)

    found = await store.find_movie("12th Fail", GUILD)
    assert found is not None
    assert found.id == result.movie.id
    assert await store.find_movie("12th Fail", OTHER_GUILD) is None
    assert await store.find_movie("12th Fail") is None
    assert await store.get_movie(result.movie.id) == result.movie


async def test_add_alias_refuses_names_already_taken(store: Store) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    assert await store.add_alias(one.movie.id, "Twelfth Fail")

    assert not await store.add_alias(two.movie.id, "twelfth-fail")  # same slug, same scope
    assert not await store.add_alias(two.movie.id, "12th fail")  # another movie's slug
    assert await store.add_alias(two.movie.id, "twelfth fail", guild_id=GUILD)  # other scope
    with pytest.raises(UnknownMovie):
        await store.add_alias(404, "Nothing")
    with pytest.raises(InvalidInput, match="letters"):
        await store.add_alias(one.movie.id, "--")


async def test_guild_alias_wins_over_a_global_one(store: Store) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    await store.add_alias(one.movie.id, "classic")
    await store.add_alias(two.movie.id, "classic", guild_id=GUILD)

    in_guild = await store.find_movie("Classic", GUILD)
    elsewhere = await store.find_movie("Classic", OTHER_GUILD)

    assert (in_guild.id if in_guild else None) == two.movie.id
    assert (elsewhere.id if elsewhere else None) == one.movie.id


async def test_get_movie(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    assert await store.get_movie(result.movie.id) == result.movie
    assert await store.get_movie(404) is None


async def test_list_movies_by_title_in_any_case_with_visible_counts(store: Store) -> None:
    await store.ingest_article(article(post("z1"), post("z2"), movie="zodiac"), content_hash="z")
    await store.ingest_article(article(post("a1"), movie="Amélie"), content_hash="a")
    await store.ingest_article(article(post("b1"), movie="Bhaag"), content_hash="b")
    await store.ingest_article(
        article(post("g1"), movie="Guild Only"), content_hash="g", guild_id=GUILD
    )

    listed = await store.list_movies(None)
    in_guild = await store.list_movies(GUILD)

    assert [(s.movie.title, s.reaction_count) for s in listed] == [
        ("Amélie", 1),
        ("Bhaag", 1),
        ("zodiac", 2),
    ]
    assert [s.movie.title for s in in_guild] == ["Amélie", "Bhaag", "Guild Only", "zodiac"]


async def test_movie_names_lists_titles_and_visible_aliases(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    await store.add_alias(result.movie.id, "Twelfth Fail")
    await store.add_alias(result.movie.id, "Manoj", guild_id=GUILD)

    in_guild = await store.movie_names(GUILD)
    elsewhere = await store.movie_names(OTHER_GUILD)

    assert [name for _, name in in_guild] == ["12th Fail", "Twelfth Fail", "Manoj"]
    assert {movie.id for movie, _ in in_guild} == {result.movie.id}
    assert [name for _, name in elsewhere] == ["12th Fail", "Twelfth Fail"]


async def test_a_page_by_name_finds_the_movie_find_movie_finds(store: Store) -> None:
    """The page statement looks the name up itself: it must rank names as find_movie does."""
    fail = (await store.ingest_article(SEED, content_hash="fail")).movie
    dune = (await store.ingest_article(article(post("Sand"), movie="Dune"), content_hash="d")).movie
    own = article(post("Cricket"), movie="Lagaan")
    lagaan = (await store.ingest_article(own, content_hash="l", guild_id=GUILD)).movie
    other = article(post("Gabbar"), movie="Sholay")
    await store.ingest_article(other, content_hash="s", guild_id=OTHER_GUILD)
    # "Arrakis": Dune's earlier title in GUILD (rank 3) beats 12th Fail's global alias (4).
    await store.rename_movie(dune.id, GUILD, "Arrakis")
    await store.rename_movie(dune.id, GUILD, "Spice Planet")
    assert await store.add_alias(fail.id, "Arrakis")
    # "Desert": Lagaan's alias in GUILD (rank 2) beats 12th Fail's global alias (4).
    assert await store.add_alias(lagaan.id, "Desert", guild_id=GUILD)
    assert await store.add_alias(fail.id, "Desert")
    names = ["12th fail", "Dune", "arrakis", "spice planet", "desert", "lagaan", "Sholay", "x"]

    for guild in (GUILD, OTHER_GUILD, None):
        for name in names:
            found = await store.find_movie(name, guild)
            read = await store.guild_page_by_name(name, guild, page=1)
            assert (read.page.movie if read else None) == found, (name, guild)

    expected = {
        "arrakis": (dune.id, fail.id),
        "desert": (lagaan.id, fail.id),
        "spice planet": (dune.id, None),
        "lagaan": (lagaan.id, None),
    }
    for name, (in_guild, elsewhere) in expected.items():
        here = await store.guild_page_by_name(name, GUILD, page=1)
        there = await store.guild_page_by_name(name, OTHER_GUILD, page=1)
        assert (here.page.movie.id if here else None) == in_guild, name
        assert (there.page.movie.id if there else None) == elsewhere, name
    shown = await store.guild_page_by_name("arrakis", GUILD, page=1)
    assert shown is not None
    assert shown.page.movie.title == "Spice Planet"
    assert [reaction.text for reaction in shown.page.reactions] == ["Sand"]
