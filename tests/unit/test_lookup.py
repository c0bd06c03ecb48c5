import pytest

from bot.domain.errors import UnknownMovie
from bot.domain.models import Article, MovieRef, Reaction
from bot.services.lookup import MAX_CHOICES, autocomplete_movies, resolve_movie
from bot.store import Store


async def add_movie(store: Store, title: str, *, guild_id: int | None = None) -> int:
    article = Article(
        title=None,
        movie=MovieRef.from_title(title),
        spoiler=False,
        published=None,
        source=None,
        reactions=(Reaction(platform="twitter", text=f"loved {title}", handle="fan"),),
    )
    result = await store.ingest_article(article, content_hash=f"h-{title}", guild_id=guild_id)
    return result.movie.id


@pytest.mark.parametrize(
    "query",
    ["12th Fail", "12thfail", "12TH FAIL", "  12th   fail ", "twelfth fail"],
    ids=["title", "slug", "upper", "spaces", "alias"],
)
async def test_movie_found_by_title_slug_or_alias(store: Store, query: str) -> None:
    movie_id = await add_movie(store, "12th Fail")
    await store.add_alias(movie_id, "Twelfth Fail")
    assert (await resolve_movie(store, query, None)).id == movie_id


async def test_typo_gets_did_you_mean(store: Store) -> None:
    await add_movie(store, "12th Fail")
    await add_movie(store, "Oppenheimer")
    with pytest.raises(UnknownMovie) as raised:
        await resolve_movie(store, "12thfial", None)
    assert raised.value.suggestions[0] == "12th Fail"
    assert "Did you mean **12th Fail**" in raised.value.message


async def test_nothing_close_gets_no_suggestion(store: Store) -> None:
    await add_movie(store, "12th Fail")
    with pytest.raises(UnknownMovie) as raised:
        await resolve_movie(store, "zzzzqqq", None)
    assert raised.value.suggestions == ()
    assert "movies" in raised.value.message


async def test_guild_movie_is_unknown_elsewhere(store: Store) -> None:
    await add_movie(store, "Secret Cut", guild_id=111)
    assert (await resolve_movie(store, "Secret Cut", 111)).title == "Secret Cut"
    with pytest.raises(UnknownMovie):
        await resolve_movie(store, "Secret Cut", 222)


async def test_autocomplete_caps_at_25_and_ranks_prefix_first(store: Store) -> None:
    for number in range(40):
        await add_movie(store, f"Movie {number:02d}")
    await add_movie(store, "Dune")
    assert len(await autocomplete_movies(store, "", None)) == MAX_CHOICES
    assert len(await autocomplete_movies(store, "movie", None)) == MAX_CHOICES
    assert (await autocomplete_movies(store, "dun", None))[0].title == "Dune"
    assert (await autocomplete_movies(store, "Dnue", None))[0].title == "Dune"


async def test_a_query_longer_than_any_name_is_unknown_and_quoted_short(
    store: Store,
) -> None:
    await add_movie(store, "12th Fail")
    with pytest.raises(UnknownMovie) as raised:
        await resolve_movie(store, "12th Fail " * 500, None)
    assert len(raised.value.message) < 300


async def test_a_movie_is_found_by_its_id_where_it_is_visible(store: Store) -> None:
    mine = await add_movie(store, "Only Here", guild_id=5)
    assert (await resolve_movie(store, f"#{mine}", 5)).id == mine
    with pytest.raises(UnknownMovie):
        await resolve_movie(store, f"#{mine}", 6)  # another server's movie stays unknown


async def test_autocomplete_of_long_titles_offers_each_movie(store: Store) -> None:
    saga = "The Remarkably Long And Winding Chronicle Of Everything Before The Credits"
    first = await add_movie(store, f"{saga}: Part One")
    second = await add_movie(store, f"{saga}: Part Two")
    found = await autocomplete_movies(store, "Remarkably Long", None)
    assert {movie.id for movie in found} == {first, second}
