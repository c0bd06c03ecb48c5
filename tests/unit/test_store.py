"""The SQLite store against real database files: ingest, visibility, curation, paging."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.errors import UnknownMovie
from bot.domain.records import StoreCounts
from bot.store import SQLiteStore, open_sqlite_store
from bot.store import sqlite as sqlite_module
from tests.unit.store_builders import article, db_path, post, query, texts

GUILD = 111
OTHER_GUILD = 222


SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)


# Ingest


async def test_ingest_stores_movie_article_and_reactions(store: SQLiteStore) -> None:
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


async def test_ingest_same_article_twice_stores_once(store: SQLiteStore) -> None:
    first = await store.ingest_article(SEED, content_hash="seed")
    second = await store.ingest_article(SEED, content_hash="seed")

    assert not second.created
    assert second.article_id == first.article_id
    assert second.movie == first.movie
    assert (second.new_reactions, second.known_reactions) == (0, 0)
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_ingest_same_guild_article_twice_stores_once(store: SQLiteStore) -> None:
    first = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)
    second = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)

    assert not second.created
    assert second.article_id == first.article_id
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_same_hash_in_another_scope_is_another_article_with_known_reactions(
    store: SQLiteStore,
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    in_guild = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)

    assert in_guild.created
    assert (in_guild.new_reactions, in_guild.known_reactions) == (0, 3)
    assert await store.counts() == StoreCounts(movies=1, articles=2, reactions=3)


async def test_ingest_reuses_a_movie_with_the_same_slug(store: SQLiteStore) -> None:
    first = await store.ingest_article(SEED, content_hash="one")
    second = await store.ingest_article(
        article(post("Another"), movie="12TH-FAIL"), content_hash="two"
    )

    assert second.movie.id == first.movie.id
    assert second.movie.title == "12th Fail"
    assert (await store.counts()).movies == 1


async def test_ingest_without_a_movie_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="movie"):
        await store.ingest_article(article(post("x"), movie=None), content_hash="h")

    assert await store.counts() == StoreCounts(movies=0, articles=0, reactions=0)


async def test_same_post_in_two_articles_is_one_reaction_with_two_sources(
    store: SQLiteStore, tmp_path: Path
) -> None:
    shared = post("Everyone quotes this", "famous", post_id="42")
    first = await store.ingest_article(article(post("Only in A"), shared), content_hash="a")
    second = await store.ingest_article(
        article(shared, post("Only in B"), spoiler=True), content_hash="b"
    )

    assert (second.new_reactions, second.known_reactions) == (1, 1)
    assert await store.counts() == StoreCounts(movies=1, articles=2, reactions=3)
    page = await store.reaction_page(first.movie.id, None, offset=0, limit=10)
    assert [r.text for r in page.reactions] == ["Only in A", "Everyone quotes this", "Only in B"]
    assert page.total == 3
    sources = query(
        db_path(tmp_path),
        "SELECT article_id, position FROM article_reactions WHERE reaction_id = ? "
        "ORDER BY article_id",
        (page.reactions[1].id,),
    )
    assert sources == [(first.article_id, 1), (second.article_id, 0)]


async def test_spoiler_is_true_when_any_visible_source_is_a_spoiler(store: SQLiteStore) -> None:
    shared = post("Shared", "s")
    first = await store.ingest_article(article(post("Plain"), shared), content_hash="plain")
    await store.ingest_article(article(shared, spoiler=True), content_hash="spoiler")
    await store.ingest_article(
        article(post("Guild spoiler"), spoiler=True), content_hash="g", guild_id=GUILD
    )

    page = await store.reaction_page(first.movie.id, None, offset=0, limit=10)
    assert {r.text: r.spoiler for r in page.reactions} == {"Plain": False, "Shared": True}


async def test_spoiler_ignores_sources_the_guild_cannot_see(store: SQLiteStore) -> None:
    shared = post("Shared", "s")
    first = await store.ingest_article(article(shared), content_hash="global")
    await store.ingest_article(article(shared, spoiler=True), content_hash="g", guild_id=GUILD)

    in_other = await store.reaction_page(first.movie.id, OTHER_GUILD, offset=0, limit=10)
    in_guild = await store.reaction_page(first.movie.id, GUILD, offset=0, limit=10)
    assert [r.spoiler for r in in_other.reactions] == [False]
    assert [r.spoiler for r in in_guild.reactions] == [True]


async def test_a_post_repeated_in_one_article_is_stored_once(store: SQLiteStore) -> None:
    result = await store.ingest_article(
        article(post("Twice"), post("Between"), post("Twice")), content_hash="dup"
    )

    assert (result.new_reactions, result.known_reactions) == (2, 0)
    assert await texts(store, result.movie.id, None) == ["Twice", "Between"]


async def test_ingest_is_all_or_nothing_when_a_reaction_breaks_a_constraint(
    store: SQLiteStore,
) -> None:
    broken = article(post("Fine"), post(""), post("Also fine"))  # empty text fails a CHECK

    with pytest.raises(sqlite3.IntegrityError):
        await store.ingest_article(broken, content_hash="broken")

    assert await store.counts() == StoreCounts(movies=0, articles=0, reactions=0)
    # The transaction and the lock were released: the next ingest works.
    result = await store.ingest_article(SEED, content_hash="seed")
    assert result.created
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_ingest_is_all_or_nothing_when_linking_fails(
    store: SQLiteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    monkeypatch.setattr(
        sqlite_module, "_INSERT_LINKS", "INSERT INTO no_such_table VALUES (:article_id)"
    )

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.ingest_article(
            article(post("New post"), movie="Another Movie"), content_hash="other"
        )

    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    assert query(db_path(tmp_path), "SELECT count(*) FROM article_reactions") == [(3,)]


async def test_concurrent_ingests_and_reads_share_one_connection(store: SQLiteStore) -> None:
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
    store: SQLiteStore,
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


async def test_global_article_is_visible_everywhere(store: SQLiteStore) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    for guild_id in (GUILD, OTHER_GUILD, None):
        assert await texts(store, result.movie.id, guild_id) == ["First!", "Second", "Third"]


async def test_hidden_reaction_is_left_out_in_that_guild_only(store: SQLiteStore) -> None:
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
    store: SQLiteStore,
) -> None:
    result = await store.ingest_article(article(post("Only")), content_hash="one")
    only = (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)).reactions[0]

    await store.set_reaction_state(GUILD, only.id, hidden=True)

    assert await store.list_movies(GUILD) == []
    assert [s.movie.id for s in await store.list_movies(OTHER_GUILD)] == [result.movie.id]


async def test_unhiding_brings_a_reaction_back_and_clears_the_reason(
    store: SQLiteStore, tmp_path: Path
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    first = (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)).reactions[0]
    await store.set_reaction_state(GUILD, first.id, hidden=True, reason="spam")
    assert query(db_path(tmp_path), "SELECT hidden, hidden_reason FROM reaction_state") == [
        (1, "spam")
    ]

    await store.set_reaction_state(GUILD, first.id, hidden=False)

    assert query(db_path(tmp_path), "SELECT hidden, hidden_reason FROM reaction_state") == [
        (0, None)
    ]
    assert (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=10)).total == 3


async def test_featured_reactions_come_first_in_that_guild_only(store: SQLiteStore) -> None:
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


async def test_setting_one_flag_keeps_the_other(store: SQLiteStore) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    first = (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)).reactions[0]

    await store.set_reaction_state(GUILD, first.id, featured=True)
    await store.set_reaction_state(GUILD, first.id, hidden=True)
    await store.set_reaction_state(GUILD, first.id, hidden=False)

    page = await store.reaction_page(result.movie.id, GUILD, offset=0, limit=1)
    assert (page.reactions[0].text, page.reactions[0].featured) == ("First!", True)


async def test_set_reaction_state_reports_an_unknown_reaction(store: SQLiteStore) -> None:
    assert not await store.set_reaction_state(GUILD, 999, hidden=True)


async def test_a_reason_without_hiding_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="reason"):
        await store.set_reaction_state(GUILD, 1, featured=True, reason="why")


# Paging and order


async def test_paging_walks_every_reaction_once_with_the_total(store: SQLiteStore) -> None:
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
    store: SQLiteStore,
) -> None:
    x, y, z, w = post("x", "x"), post("y", "y"), post("z", "z"), post("w", "w")
    first = await store.ingest_article(article(x, y, z), content_hash="first")
    # In the second article x comes last: it must keep its place from the first one.
    await store.ingest_article(article(w, z, x), content_hash="second")

    assert await texts(store, first.movie.id, None) == ["x", "y", "z", "w"]


async def test_order_uses_the_earliest_article_the_guild_can_see(store: SQLiteStore) -> None:
    a, b = post("a", "a"), post("b", "b")
    first = await store.ingest_article(article(b, a), content_hash="g", guild_id=GUILD)
    await store.ingest_article(article(a, b), content_hash="global")

    assert await texts(store, first.movie.id, GUILD) == ["b", "a"]
    assert await texts(store, first.movie.id, OTHER_GUILD) == ["a", "b"]


async def test_featured_reactions_keep_article_order_among_themselves(
    store: SQLiteStore,
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


async def test_page_of_an_unknown_movie_raises_unknown_movie(store: SQLiteStore) -> None:
    with pytest.raises(UnknownMovie):
        await store.reaction_page(404, None, offset=0, limit=5)


@pytest.mark.parametrize(("offset", "limit"), [(-1, 5), (0, 0)], ids=["negative", "empty"])
async def test_page_bounds_are_checked(store: SQLiteStore, offset: int, limit: int) -> None:
    with pytest.raises(ValueError, match="offset"):
        await store.reaction_page(1, None, offset=offset, limit=limit)


@pytest.mark.parametrize("statement", ["_SELECT_FEATURED", "_SELECT_UNFEATURED", "_COUNT_VISIBLE"])
async def test_page_queries_are_index_look_ups(
    store: SQLiteStore, tmp_path: Path, statement: str
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    sql = getattr(sqlite_module, statement)
    params = {"movie_id": 1, "guild": GUILD, "offset": 0, "limit": 5}

    plan = [row[3] for row in query(db_path(tmp_path), f"EXPLAIN QUERY PLAN {sql}", params)]

    scans = [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"]
    assert scans == [], plan
    assert any(step.startswith("SEARCH") for step in plan), plan


async def test_unfeatured_page_walks_an_index_in_order_without_sorting(
    store: SQLiteStore, tmp_path: Path
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    params = {"movie_id": 1, "guild": GUILD, "offset": 0, "limit": 5}
    sql = f"EXPLAIN QUERY PLAN {sqlite_module._SELECT_UNFEATURED}"

    plan = [row[3] for row in query(db_path(tmp_path), sql, params)]

    assert "SEARCH ar USING COVERING INDEX article_reactions_movie (movie_id=?)" in plan
    assert not [step for step in plan if "TEMP B-TREE" in step], plan


# Movies, names and look-up


@pytest.mark.parametrize(
    "key",
    ["12th Fail", "12thfail", "12TH FAIL", "12th-fail", "  12th   fail "],
    ids=["title", "slug", "upper", "dashed", "spaced"],
)
async def test_find_movie_by_title_or_slug_in_any_case(store: SQLiteStore, key: str) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    found = await store.find_movie(key)

    assert found is not None
    assert found.id == result.movie.id


@pytest.mark.parametrize("key", ["Twelfth Fail", "twelfth-FAIL", "TWELFTHFAIL"])
async def test_find_movie_by_a_global_alias_in_any_case(store: SQLiteStore, key: str) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    assert await store.add_alias(result.movie.id, "twelfth fail")

    found = await store.find_movie(key, GUILD)

    assert found is not None
    assert found.id == result.movie.id
    assert found.aliases == ("twelfth fail",)


async def test_a_guild_alias_works_in_that_guild_only(store: SQLiteStore) -> None:
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


async def test_find_movie_returns_none_for_unknown_or_empty_keys(store: SQLiteStore) -> None:
    await store.ingest_article(SEED, content_hash="seed")

    assert await store.find_movie("Lagaan") is None
    assert await store.find_movie("!!!") is None


async def test_find_movie_ignores_movies_only_other_guilds_know(store: SQLiteStore) -> None:
    result = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)

    found = await store.find_movie("12th Fail", GUILD)
    assert found is not None
    assert found.id == result.movie.id
    assert await store.find_movie("12th Fail", OTHER_GUILD) is None
    assert await store.find_movie("12th Fail") is None
    assert await store.get_movie(result.movie.id) == result.movie


async def test_add_alias_refuses_names_already_taken(store: SQLiteStore) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    assert await store.add_alias(one.movie.id, "Twelfth Fail")

    assert not await store.add_alias(two.movie.id, "twelfth-fail")  # same slug, same scope
    assert not await store.add_alias(two.movie.id, "12th fail")  # another movie's slug
    assert await store.add_alias(two.movie.id, "twelfth fail", guild_id=GUILD)  # other scope
    with pytest.raises(UnknownMovie):
        await store.add_alias(404, "Nothing")
    with pytest.raises(ValueError, match="letters"):
        await store.add_alias(one.movie.id, "--")


async def test_guild_alias_wins_over_a_global_one(store: SQLiteStore) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    await store.add_alias(one.movie.id, "classic")
    await store.add_alias(two.movie.id, "classic", guild_id=GUILD)

    in_guild = await store.find_movie("Classic", GUILD)
    elsewhere = await store.find_movie("Classic", OTHER_GUILD)

    assert (in_guild.id if in_guild else None) == two.movie.id
    assert (elsewhere.id if elsewhere else None) == one.movie.id


async def test_get_movie(store: SQLiteStore) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")

    assert await store.get_movie(result.movie.id) == result.movie
    assert await store.get_movie(404) is None


async def test_list_movies_by_title_in_any_case_with_visible_counts(store: SQLiteStore) -> None:
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


async def test_movie_names_lists_titles_and_visible_aliases(store: SQLiteStore) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    await store.add_alias(result.movie.id, "Twelfth Fail")
    await store.add_alias(result.movie.id, "Manoj", guild_id=GUILD)

    in_guild = await store.movie_names(GUILD)
    elsewhere = await store.movie_names(OTHER_GUILD)

    assert [name for _, name in in_guild] == ["12th Fail", "Twelfth Fail", "Manoj"]
    assert {movie.id for movie, _ in in_guild} == {result.movie.id}
    assert [name for _, name in elsewhere] == ["12th Fail", "Twelfth Fail"]


# Search


async def test_search_finds_words_in_text_and_handles(store: SQLiteStore) -> None:
    await store.ingest_article(
        article(post("What a brilliant film", "kruti"), post("Vikrant was great", "raj")),
        content_hash="seed",
    )

    by_text = await store.search_reactions("BRILLIANT", None, offset=0, limit=10)
    by_handle = await store.search_reactions("raj", None, offset=0, limit=10)

    assert [r.text for r in by_text.reactions] == ["What a brilliant film"]
    assert by_text.total == 1
    assert [r.text for r in by_handle.reactions] == ["Vikrant was great"]


async def test_search_respects_visibility_and_movie(store: SQLiteStore) -> None:
    first = await store.ingest_article(article(post("great film", "a")), content_hash="a")
    await store.ingest_article(article(post("great story", "b"), movie="Lagaan"), content_hash="b")
    await store.ingest_article(
        article(post("great guild post", "c")), content_hash="c", guild_id=GUILD
    )
    hidden = (await store.reaction_page(first.movie.id, GUILD, offset=0, limit=1)).reactions[0]
    await store.set_reaction_state(GUILD, hidden.id, hidden=True)

    everywhere = await store.search_reactions("great", None, offset=0, limit=10)
    in_guild = await store.search_reactions("great", GUILD, offset=0, limit=10)
    one_movie = await store.search_reactions(
        "great", OTHER_GUILD, movie_id=first.movie.id, offset=0, limit=10
    )

    assert sorted(r.text for r in everywhere.reactions) == ["great film", "great story"]
    assert sorted(r.text for r in in_guild.reactions) == ["great guild post", "great story"]
    assert in_guild.total == 2
    assert [r.text for r in one_movie.reactions] == ["great film"]


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "AND OR NOT", "film*", "text: (", "   "],
    ids=["quote", "operators", "prefix", "column", "blank"],
)
async def test_search_treats_fts_syntax_as_plain_text(store: SQLiteStore, text: str) -> None:
    await store.ingest_article(SEED, content_hash="seed")

    found = await store.search_reactions(text, None, offset=0, limit=10)

    assert (found.reactions, found.total) == ((), 0)


# Connection


async def test_open_creates_the_folder_and_turns_wal_on(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folders" / "reel.db"
    opened = await open_sqlite_store(path)
    try:
        assert path.exists()
        assert query(path, "PRAGMA journal_mode") == [("wal",)]
    finally:
        await opened.close()


async def test_foreign_keys_are_enforced_on_the_store_connection(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Skip the store's own existence check so only the foreign key can refuse the row.
    monkeypatch.setattr(sqlite_module, "_REACTION_EXISTS", "SELECT :reaction_id")

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await store.set_reaction_state(GUILD, 999, hidden=True)


async def test_close_twice_is_harmless(tmp_path: Path) -> None:
    opened = await open_sqlite_store(tmp_path / "x.db")
    await opened.close()
    await opened.close()


# Model check: the page, its total and the movie list against a plain-Python model.

VIEWERS: tuple[int | None, ...] = (None, GUILD, OTHER_GUILD)
MOVIES = ("Movie A", "Movie B")

articles_strategy = st.lists(
    st.tuples(
        st.integers(0, len(MOVIES) - 1),
        st.sampled_from([0, GUILD, OTHER_GUILD]),
        st.booleans(),
        st.lists(st.integers(0, 5), min_size=1, max_size=5),
    ),
    min_size=1,
    max_size=6,
)
states_strategy = st.lists(
    st.tuples(
        st.sampled_from([GUILD, OTHER_GUILD]),
        st.integers(0, len(MOVIES) - 1),
        st.integers(0, 5),
        st.sampled_from([None, True, False]),
        st.sampled_from([None, True, False]),
    ),
    max_size=8,
)


def expected_pages(
    articles: list[tuple[int, int, bool, list[int]]],
    states: dict[tuple[int, int, int], tuple[bool, bool]],
    viewer: int | None,
) -> dict[int, list[tuple[str, bool, bool]]]:
    """Return, per movie index, the (text, spoiler, featured) rows the viewer should see."""
    scope = viewer or 0
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for number, (movie, guild, spoiler, posts) in enumerate(articles):
        if guild not in (0, scope):
            continue
        for place, p in enumerate(posts):
            if posts.index(p) != place:
                continue
            entry = found.setdefault((movie, p), {"first": (number, place), "spoiler": False})
            entry["spoiler"] = entry["spoiler"] or spoiler
    pages: dict[int, list[tuple[str, bool, bool]]] = {m: [] for m in range(len(MOVIES))}
    keyed: dict[int, list[tuple[Any, ...]]] = {m: [] for m in range(len(MOVIES))}
    for (movie, p), entry in found.items():
        hidden, featured = states.get((scope, movie, p), (False, False))
        if hidden:
            continue
        keyed[movie].append(
            (not featured, entry["first"], (f"post {p}", entry["spoiler"], featured))
        )
    for movie, rows in keyed.items():
        pages[movie] = [row[2] for row in sorted(rows)]
    return pages


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=articles_strategy, state_calls=states_strategy)
def test_pages_totals_and_lists_match_a_model(
    tmp_path_factory: pytest.TempPathFactory,
    articles: list[tuple[int, int, bool, list[int]]],
    state_calls: list[tuple[int, int, int, bool | None, bool | None]],
) -> None:
    path = tmp_path_factory.mktemp("model") / "reel.db"

    async def run() -> None:
        opened = await open_sqlite_store(path)
        try:
            movie_ids: dict[int, int] = {}
            for number, (movie, guild, spoiler, posts) in enumerate(articles):
                result = await opened.ingest_article(
                    article(
                        *(post(f"post {p}", f"h{p}") for p in posts),
                        movie=MOVIES[movie],
                        spoiler=spoiler,
                    ),
                    content_hash=f"article {number}",
                    guild_id=guild or None,
                )
                movie_ids[movie] = result.movie.id
            states: dict[tuple[int, int, int], tuple[bool, bool]] = {}
            for guild, movie, p, hidden, featured in state_calls:
                if movie not in movie_ids:
                    continue
                rows = query(
                    path,
                    "SELECT id FROM reactions WHERE movie_id = ? AND text = ?",
                    (movie_ids[movie], f"post {p}"),
                )
                if not rows:
                    continue
                await opened.set_reaction_state(guild, rows[0][0], hidden=hidden, featured=featured)
                old_hidden, old_featured = states.get((guild, movie, p), (False, False))
                states[(guild, movie, p)] = (
                    old_hidden if hidden is None else hidden,
                    old_featured if featured is None else featured,
                )
            for viewer in VIEWERS:
                expected = expected_pages(articles, states, viewer)
                listed = {s.movie.id: s.reaction_count for s in await opened.list_movies(viewer)}
                assert listed == {movie_ids[m]: len(rows) for m, rows in expected.items() if rows}
                for movie, movie_id in movie_ids.items():
                    whole = await opened.reaction_page(movie_id, viewer, offset=0, limit=100)
                    got = [(r.text, r.spoiler, r.featured) for r in whole.reactions]
                    assert got == expected[movie], (viewer, movie)
                    assert whole.total == len(expected[movie])
                    paged = [
                        r.text
                        for offset in range(0, len(got) + 2, 2)
                        for r in (
                            await opened.reaction_page(movie_id, viewer, offset=offset, limit=2)
                        ).reactions
                    ]
                    assert paged == [text for text, _, _ in got]
        finally:
            await opened.close()

    asyncio.run(run())


async def test_deleting_an_article_updates_what_guilds_see(
    store: SQLiteStore, tmp_path: Path
) -> None:
    shared = post("Shared", "s")
    first = await store.ingest_article(article(shared, post("Only global")), content_hash="g")
    await store.ingest_article(article(shared), content_hash="mine", guild_id=GUILD)

    with sqlite3.connect(db_path(tmp_path)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM articles WHERE id = ?", (first.article_id,))

    assert (await store.reaction_page(first.movie.id, None, offset=0, limit=10)).total == 0
    assert await texts(store, first.movie.id, GUILD) == ["Shared"]
    assert [s.reaction_count for s in await store.list_movies(GUILD)] == [1]
    assert await store.list_movies(OTHER_GUILD) == []


async def test_meta_values_round_trip_and_overwrite(store: SQLiteStore) -> None:
    assert await store.get_meta("global_commands_hash") is None
    await store.set_meta("global_commands_hash", "abc")
    await store.set_meta("global_commands_hash", "def")
    assert await store.get_meta("global_commands_hash") == "def"
