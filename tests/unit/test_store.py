"""The store's core: ingest, visibility, curation and paging.

A contract test: it runs on every backend through the ``store`` fixture, on real databases.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.errors import InvalidInput, UnknownMovie
from bot.domain.records import StoreCounts
from bot.store import Store
from tests.unit.store_builders import article, post, spoilers, texts

GUILD = 111
OTHER_GUILD = 222
VIEWERS = (None, GUILD, OTHER_GUILD)


SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)


# Ingest
async def test_ingest_stores_movie_article_and_reactions(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    assert result.created
    assert (result.new_reactions, result.known_reactions) == (3, 0)
    assert (result.movie.title, result.movie.slug) == ("12th Fail", "12thfail")
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    first = (await store.reaction_page(result.movie.id, None, offset=0, limit=1)).reactions[0]
    assert (first.platform, first.text, first.author_name, first.handle) == (
        "twitter",
        "First!",
        "Ann A",
        "a",
    )
    assert (first.date, first.url, first.movie_id) == (
        "2024-01-01",
        "https://x.com/a/status/1",
        result.movie.id,
    )


async def test_ingest_same_article_twice_stores_once(store: Store) -> None:
    first = await store.ingest_article(SEED, content_hash="seed")
    second = await store.ingest_article(SEED, content_hash="seed")

    assert not second.created
    assert second.article_id == first.article_id
    assert second.movie == first.movie
    assert (second.new_reactions, second.known_reactions) == (0, 0)
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_ingest_same_guild_article_twice_stores_once(store: Store) -> None:
    first = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)
    second = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)

    assert not second.created
    assert second.article_id == first.article_id
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_same_hash_in_another_scope_is_another_article_with_known_reactions(
    store: Store,
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    in_guild = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)

    assert in_guild.created
    assert (in_guild.new_reactions, in_guild.known_reactions) == (0, 3)
    assert await store.counts() == StoreCounts(movies=1, articles=2, reactions=3)


async def test_ingest_reuses_a_movie_with_the_same_slug(store: Store) -> None:
    first = await store.ingest_article(SEED, content_hash="one")
    second = await store.ingest_article(
        article(post("Another"), movie="12TH-FAIL"), content_hash="two"
    )

    assert second.movie.id == first.movie.id
    assert second.movie.title == "12th Fail"
    assert (await store.counts()).movies == 1


async def test_ingest_without_a_movie_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="movie"):
        await store.ingest_article(article(post("x"), movie=None), content_hash="h")

    assert await store.counts() == StoreCounts(movies=0, articles=0, reactions=0)


async def test_spoiler_is_true_when_any_visible_source_is_a_spoiler(store: Store) -> None:
    shared = post("Shared", "s")
    first = await store.ingest_article(article(post("Plain"), shared), content_hash="plain")
    await store.ingest_article(article(shared, spoiler=True), content_hash="spoiler")
    await store.ingest_article(
        article(post("Guild spoiler"), spoiler=True), content_hash="g", guild_id=GUILD
    )

    page = await store.reaction_page(first.movie.id, None, offset=0, limit=10)
    assert {r.text: r.spoiler for r in page.reactions} == {"Plain": False, "Shared": True}


async def test_spoiler_ignores_sources_the_guild_cannot_see(store: Store) -> None:
    shared = post("Shared", "s")
    first = await store.ingest_article(article(shared), content_hash="global")
    await store.ingest_article(article(shared, spoiler=True), content_hash="g", guild_id=GUILD)

    in_other = await store.reaction_page(first.movie.id, OTHER_GUILD, offset=0, limit=10)
    in_guild = await store.reaction_page(first.movie.id, GUILD, offset=0, limit=10)
    assert [r.spoiler for r in in_other.reactions] == [False]
    assert [r.spoiler for r in in_guild.reactions] == [True]


async def test_spoiler_flags_follow_the_articles_added_and_removed(store: Store) -> None:
    shared, plain, own = (
        post("Shared ending", "s"),
        post("Plain praise", "p"),
        post("Own take", "o"),
    )
    first = await store.ingest_article(article(shared, plain), content_hash="plain")
    movie_id = first.movie.id

    async def seen() -> tuple[dict[str, bool], ...]:
        return tuple([await spoilers(store, movie_id, viewer) for viewer in VIEWERS])

    everywhere = {"Shared ending": False, "Plain praise": False}
    assert await seen() == (everywhere, everywhere, everywhere)

    # The guild's own articles: its spoiler one makes a spoiler there, not for the other
    # guild or no guild; its plain one, none.
    await store.ingest_article(article(plain), content_hash="ours", guild_id=GUILD)
    mine = await store.ingest_article(
        article(shared, own, spoiler=True), content_hash="mine", guild_id=GUILD
    )
    in_guild = {**everywhere, "Shared ending": True, "Own take": True}
    assert await seen() == (everywhere, in_guild, everywhere)

    # Two global spoiler articles and a plain one quote the shared post: a spoiler everywhere.
    spoiling = [
        await store.ingest_article(article(shared, spoiler=True), content_hash=f"spoiler {n}")
        for n in range(2)
    ]
    await store.ingest_article(article(shared), content_hash="plain again")
    elsewhere = {**everywhere, "Shared ending": True}
    assert await seen() == (elsewhere, {**in_guild, "Shared ending": True}, elsewhere)

    # Removed one by one: the flag stays while a spoiler article is left, then goes back.
    await store.remove_article(spoiling[0].article_id, None, include_global=True)
    assert await seen() == (elsewhere, in_guild, elsewhere)
    await store.remove_article(spoiling[1].article_id, None, include_global=True)
    assert await seen() == (everywhere, in_guild, everywhere)
    await store.remove_article(mine.article_id, GUILD)
    assert await seen() == (everywhere, everywhere, everywhere)


async def test_a_post_removed_and_quoted_again_starts_without_spoilers(store: Store) -> None:
    gone = await store.ingest_article(
        article(post("Twist revealed", "t"), spoiler=True), content_hash="spoiler"
    )
    assert await spoilers(store, gone.movie.id, None) == {"Twist revealed": True}

    await store.remove_article(gone.article_id, None, include_global=True)
    again = await store.ingest_article(article(post("Twist revealed", "t")), content_hash="plain")

    assert (await store.counts()).reactions == 1
    for viewer in VIEWERS:
        assert await spoilers(store, again.movie.id, viewer) == {"Twist revealed": False}


async def test_a_post_repeated_in_one_article_is_stored_once(store: Store) -> None:
    result = await store.ingest_article(
        article(post("Twice"), post("Between"), post("Twice")), content_hash="dup"
    )

    assert (result.new_reactions, result.known_reactions) == (2, 0)
    assert await texts(store, result.movie.id, None) == ["Twice", "Between"]


async def test_concurrent_ingests_and_reads_share_one_connection(store: Store) -> None:
    articles = [article(post(f"Post {n}", f"h{n}")) for n in range(20)]

    async def read() -> int:
        return len(await store.list_movies(None))

    results = await asyncio.gather(
        *(store.ingest_article(a, content_hash=f"h{n}") for n, a in enumerate(articles)),
        *(read() for _ in range(20)),
    )

    assert await store.counts() == StoreCounts(movies=1, articles=20, reactions=20)
    assert all(isinstance(count, int) for count in results[20:])


# Visibility and curation
async def test_guild_article_is_invisible_to_other_guilds_and_to_no_guild(
    store: Store,
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)
    movie_id = result.movie.id

    assert await texts(store, movie_id, GUILD) == ["First!", "Second", "Third"]
    for guild_id in (OTHER_GUILD, None):
        page = await store.reaction_page(movie_id, guild_id, offset=0, limit=10)
        assert (page.reactions, page.total) == ((), 0)
        assert await store.list_movies(guild_id) == []
        assert await store.movie_names(guild_id) == []
    assert [s.reaction_count for s in await store.list_movies(GUILD)] == [3]


async def test_global_article_is_visible_everywhere(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    for guild_id in (GUILD, OTHER_GUILD, None):
        assert await texts(store, result.movie.id, guild_id) == ["First!", "Second", "Third"]


async def test_hidden_reaction_is_left_out_in_that_guild_only(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    movie_id = result.movie.id
    second = (await store.reaction_page(movie_id, GUILD, offset=1, limit=1)).reactions[0]

    assert await store.set_reaction_state(GUILD, second.id, hidden=True, reason="rude")

    hidden_page = await store.reaction_page(movie_id, GUILD, offset=0, limit=10)
    assert [r.text for r in hidden_page.reactions] == ["First!", "Third"]
    assert hidden_page.total == 2
    assert [s.reaction_count for s in await store.list_movies(GUILD)] == [2]
    for guild_id in (OTHER_GUILD, None):
        page = await store.reaction_page(movie_id, guild_id, offset=0, limit=10)
        assert page.total == 3
        assert [r.hidden for r in page.reactions] == [False, False, False]


async def test_hiding_every_reaction_removes_the_movie_from_the_guild_list(
    store: Store,
) -> None:
    result = await store.ingest_article(article(post("Only")), content_hash="one")
    only = (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)).reactions[0]

    await store.set_reaction_state(GUILD, only.id, hidden=True)

    assert await store.list_movies(GUILD) == []
    assert [s.movie.id for s in await store.list_movies(OTHER_GUILD)] == [result.movie.id]


async def test_featured_reactions_come_first_in_that_guild_only(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    movie_id = result.movie.id
    third = (await store.reaction_page(movie_id, GUILD, offset=2, limit=1)).reactions[0]

    assert await store.set_reaction_state(GUILD, third.id, featured=True)

    page = await store.reaction_page(movie_id, GUILD, offset=0, limit=10)
    assert [(r.text, r.featured) for r in page.reactions] == [
        ("Third", True),
        ("First!", False),
        ("Second", False),
    ]
    assert await texts(store, movie_id, OTHER_GUILD) == ["First!", "Second", "Third"]


async def test_setting_one_flag_keeps_the_other(store: Store) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    first = (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)).reactions[0]

    await store.set_reaction_state(GUILD, first.id, featured=True)
    await store.set_reaction_state(GUILD, first.id, hidden=True)
    await store.set_reaction_state(GUILD, first.id, hidden=False)

    page = await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)
    assert (page.reactions[0].text, page.reactions[0].featured) == ("First!", True)


async def test_set_reaction_state_reports_an_unknown_reaction(store: Store) -> None:
    assert not await store.set_reaction_state(GUILD, 999, hidden=True)


async def test_a_reason_without_hiding_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="reason"):
        await store.set_reaction_state(GUILD, 1, featured=True, reason="why")


# Paging and order
async def test_paging_walks_every_reaction_once_with_the_total(store: Store) -> None:
    posts = [post(f"Post {n:02d}", f"h{n}") for n in range(12)]
    result = await store.ingest_article(article(*posts), content_hash="many")

    pages = [
        await store.reaction_page(result.movie.id, None, offset=offset, limit=5)
        for offset in (0, 5, 10, 15)
    ]

    assert [len(page.reactions) for page in pages] == [5, 5, 2, 0]
    assert {page.total for page in pages} == {12}
    assert [page.offset for page in pages] == [0, 5, 10, 15]
    assert [r.text for page in pages for r in page.reactions] == [p.text for p in posts]


async def test_order_follows_the_earliest_visible_article_and_the_position_in_it(
    store: Store,
) -> None:
    x, y, z, w = post("x", "x"), post("y", "y"), post("z", "z"), post("w", "w")
    first = await store.ingest_article(article(x, y, z), content_hash="first")
    # In the second article x comes last: it must keep its place from the first one.
    await store.ingest_article(article(w, z, x), content_hash="second")

    assert await texts(store, first.movie.id, None) == ["x", "y", "z", "w"]


async def test_order_uses_the_earliest_article_the_guild_can_see(store: Store) -> None:
    a, b = post("a", "a"), post("b", "b")
    first = await store.ingest_article(article(b, a), content_hash="g", guild_id=GUILD)
    await store.ingest_article(article(a, b), content_hash="global")

    assert await texts(store, first.movie.id, GUILD) == ["b", "a"]
    assert await texts(store, first.movie.id, OTHER_GUILD) == ["a", "b"]


async def test_featured_reactions_keep_article_order_among_themselves(
    store: Store,
) -> None:
    a, b, c = post("a", "a"), post("b", "b"), post("c", "c")
    # Stored first (so with lower ids) from another guild's article, in the other order.
    first = await store.ingest_article(article(b, a), content_hash="x", guild_id=OTHER_GUILD)
    await store.ingest_article(article(a, c, b), content_hash="global")
    ids = {
        r.text: r.id
        for r in (
            await store.reaction_page(first.movie.id, OTHER_GUILD, offset=0, limit=9)
        ).reactions
    }
    await store.set_reaction_state(GUILD, ids["b"], featured=True)
    await store.set_reaction_state(GUILD, ids["a"], featured=True)

    page = await store.reaction_page(first.movie.id, GUILD, offset=0, limit=9)

    assert [(r.text, r.featured) for r in page.reactions] == [
        ("a", True),
        ("b", True),
        ("c", False),
    ]
    assert await texts(store, first.movie.id, OTHER_GUILD) == ["b", "a", "c"]


async def test_page_of_an_unknown_movie_raises_unknown_movie(store: Store) -> None:
    with pytest.raises(UnknownMovie):
        await store.reaction_page(404, None, offset=0, limit=5)


@pytest.mark.parametrize(("offset", "limit"), [(-1, 5), (0, 0)], ids=["negative", "empty"])
async def test_page_bounds_are_checked(store: Store, offset: int, limit: int) -> None:
    with pytest.raises(InvalidInput, match="offset"):
        await store.reaction_page(1, None, offset=offset, limit=limit)


# Bot facts
async def test_meta_values_round_trip_and_overwrite(store: Store) -> None:
    assert await store.get_meta("global_commands_hash") is None
    await store.set_meta("global_commands_hash", "abc")
    await store.set_meta("global_commands_hash", "def")
    assert await store.get_meta("global_commands_hash") == "def"
