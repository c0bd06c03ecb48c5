"""Pages honour the server's settings: spoiler mode and page size."""

from __future__ import annotations

from bot.discord_ui.pages import movie_page, search_page
from bot.domain.models import Article, MovieRef, Reaction
from bot.store import Store

GUILD = 42


async def add(store: Store, title: str, *, spoiler: bool, count: int = 3) -> int:
    article = Article(
        title=None,
        movie=MovieRef.from_title(title),
        spoiler=spoiler,
        published=None,
        source=None,
        reactions=tuple(
            Reaction(platform="twitter", text=f"{title} post {n}", author_name=f"Fan {n}")
            for n in range(count)
        ),
    )
    return (await store.ingest_article(article, content_hash=title)).movie.id


async def test_flagged_mode_shows_unflagged_articles_in_the_clear(store: Store) -> None:
    calm = await add(store, "Calm Film", spoiler=False)
    twist = await add(store, "Twist Film", spoiler=True)
    movie_calm = await store.get_movie(calm, GUILD)
    movie_twist = await store.get_movie(twist, GUILD)
    assert movie_calm is not None
    assert movie_twist is not None

    always = await movie_page(store, movie_calm, GUILD, 1)
    assert all((e.description or "").startswith("||") for e in always.embeds)

    await store.update_guild_settings(GUILD, spoiler_mode="flagged")
    clear = await movie_page(store, movie_calm, GUILD, 1)
    assert [e.description for e in clear.embeds] == [f"Calm Film post {n}" for n in range(3)]
    hidden = await movie_page(store, movie_twist, GUILD, 1)
    assert all((e.description or "").startswith("||") for e in hidden.embeds)

    elsewhere = await movie_page(store, movie_calm, GUILD + 1, 1)
    assert all((e.description or "").startswith("||") for e in elsewhere.embeds)


async def test_page_size_setting_changes_the_page(store: Store) -> None:
    movie_id = await add(store, "Long Film", spoiler=False, count=7)
    movie = await store.get_movie(movie_id, GUILD)
    assert movie is not None
    await store.update_guild_settings(GUILD, page_size=3)
    first = await movie_page(store, movie, GUILD, 1)
    assert (len(first.embeds), first.pages) == (3, 3)
    assert first.content.endswith("1–3 of 7")


async def test_search_finds_by_word_and_author_and_no_match_is_empty(store: Store) -> None:
    await add(store, "Calm Film", spoiler=False)
    by_word = await search_page(store, "post", GUILD, 1)
    assert by_word.content.endswith("1–3 of 3")
    by_author = await search_page(store, "Fan 2", GUILD, 1)
    assert [e.author.name for e in by_author.embeds] == ["Fan 2"]
    nothing = await search_page(store, "zebra", GUILD, 1)
    assert nothing.embeds == ()
    assert nothing.content == "No reactions match “zebra”."
