"""The store's per-server caches are never stale: after a write of this process or another.

A contract test on every backend. Each test reads first, so the view is cached, then
writes, then checks that the very next read, autocomplete or "did you mean" shows the
write. "Another process" is a second store on the same database: its own connection (for
SQLite, whose data version tells of the other's commit) or its own pool and listener (for
PostgreSQL, whose notifications tell). That the caches serve at all is checked by identity:
an unchanged view is the very object read before.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.domain.errors import UnknownMovie
from bot.services.lookup import autocomplete_movies, resolve_movie
from bot.store import Store, open_sqlite_store
from bot.store.changes import (
    CACHED_TABLES,
    EVERY_GUILD,
    UNCACHED_TABLES,
    Change,
    View,
    changed_tables,
    decode,
    effect_of,
    effects_of,
    encode,
    written_tables,
)
from bot.store.port import Statement
from bot.store.postgres import open_postgres_store, postgres_statements
from bot.store.postgres.listener import APPLICATION_NAME
from bot.store.sqlite import sqlite_statements
from tests.conftest import postgres_server
from tests.unit.store_builders import article, post

GUILD = 111
OTHER_GUILD = 222


async def caching(store: Store) -> None:
    """Wait until the store may serve from its caches (PostgreSQL: its listener is up)."""
    async with asyncio.timeout(10):
        # Polled: caught_up is the question itself, and it starts the listener.
        while not await store.database.caught_up():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def titles(store: Store, typed: str, guild: int | None = GUILD) -> list[str]:
    """Return the titles autocomplete offers for ``typed``."""
    return [movie.title for movie in await autocomplete_movies(store, typed, guild)]


async def suggestions(store: Store, typo: str, guild: int | None = GUILD) -> tuple[str, ...]:
    """Return the "did you mean" titles for a name that finds no movie."""
    with pytest.raises(UnknownMovie) as unknown:
        await resolve_movie(store, typo, guild)
    return unknown.value.suggestions


async def page_texts(store: Store, movie_id: int, guild: int = GUILD, page: int = 1) -> list[str]:
    """Return the texts of a page of the movie as the server sees it."""
    read = await store.guild_page(movie_id, guild, page=page)
    return [reaction.text for reaction in read.page.reactions]


async def seed(store: Store) -> int:
    """Store one global article about 12th Fail with two posts; return the movie's id."""
    stored = await store.ingest_article(
        article(post("Loved it", "a"), post("Wept", "b")), content_hash="seed"
    )
    return stored.movie.id


@pytest.fixture
async def other(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    """Give two stores on one fresh database, as two processes would have."""
    if backend == "sqlite":
        path = tmp_path / "shared.db"
        first, second = await open_sqlite_store(path), await open_sqlite_store(path)
    else:
        url = await postgres_server().emptied_database()
        first, second = await open_postgres_store(url), await open_postgres_store(url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


# This process's writes.


async def test_a_guild_rename_is_offered_and_suggested_at_once(store: Store) -> None:
    movie_id = await seed(store)
    await caching(store)
    assert await titles(store, "12th") == ["12th Fail"]
    assert await titles(store, "Twelfth") == []

    await store.rename_movie(movie_id, GUILD, "Twelfth Failure")

    assert await titles(store, "Twelfth") == ["Twelfth Failure"]
    assert await suggestions(store, "Twelfth Failur") == ("Twelfth Failure",)
    assert [s.movie.title for s in await store.list_movies(GUILD)] == ["Twelfth Failure"]
    assert await titles(store, "Twelfth", OTHER_GUILD) == []


async def test_aliases_are_offered_at_once_in_their_scope(store: Store) -> None:
    movie_id = await seed(store)
    await caching(store)
    assert await titles(store, "Barah") == []
    assert await titles(store, "Dozen", OTHER_GUILD) == []

    assert await store.add_alias(movie_id, "Barah Fail", guild_id=GUILD)
    assert await store.add_alias(movie_id, "Dozen Minus Two")

    assert await titles(store, "Barah") == ["12th Fail"]
    assert await titles(store, "Barah", OTHER_GUILD) == []
    assert await titles(store, "Dozen", OTHER_GUILD) == ["12th Fail"]
    assert await suggestions(store, "Barah Fial") == ("12th Fail",)


async def test_hiding_every_reaction_takes_the_movie_off_the_lists(store: Store) -> None:
    movie_id = await seed(store)
    page = await store.reaction_page(movie_id, GUILD, offset=0, limit=10)
    await caching(store)
    assert await titles(store, "") == ["12th Fail"]

    for reaction in page.reactions:
        assert await store.set_reaction_state(GUILD, reaction.id, hidden=True)

    assert await titles(store, "") == []
    assert await store.list_movies(GUILD) == []
    assert await titles(store, "", OTHER_GUILD) == ["12th Fail"]

    assert await store.set_reaction_state(GUILD, page.reactions[0].id, hidden=False)
    assert [(s.movie.title, s.reaction_count) for s in await store.list_movies(GUILD)] == [
        ("12th Fail", 1)
    ]


async def test_articles_added_and_removed_show_at_once(store: Store) -> None:
    await seed(store)
    await caching(store)
    assert await titles(store, "Dune") == []

    added = await store.ingest_article(
        article(post("Sand", "c"), movie="Dune"), content_hash="dune", guild_id=GUILD
    )

    assert await titles(store, "Dune") == ["Dune"]
    assert await titles(store, "Dune", OTHER_GUILD) == []
    await store.remove_article(added.article_id, GUILD)
    assert await titles(store, "Dune") == []


async def test_settings_changes_are_read_at_once(store: Store) -> None:
    await caching(store)
    assert (await store.get_guild_settings(GUILD)).page_size == 5

    await store.update_guild_settings(GUILD, page_size=3, spoiler_mode="always")

    changed = await store.get_guild_settings(GUILD)
    assert (changed.page_size, changed.spoiler_mode) == (3, "always")
    assert (await store.get_guild_settings(OTHER_GUILD)).page_size == 5


async def test_views_are_kept_until_a_write_touches_them(store: Store) -> None:
    movie_id = await seed(store)
    await caching(store)
    directory = await store.movie_directory(GUILD)
    settings = await store.get_guild_settings(GUILD)
    assert await store.movie_directory(GUILD) is directory
    assert await store.get_guild_settings(GUILD) is settings

    # Another server's curation and settings leave this server's views as they were.
    await store.rename_movie(movie_id, OTHER_GUILD, "Elsewhere")
    await store.update_guild_settings(OTHER_GUILD, page_size=2)
    assert await store.movie_directory(GUILD) is directory
    assert await store.get_guild_settings(GUILD) is settings

    # Nor does another server's new article, though it adds a movie and posts.
    await store.ingest_article(
        article(post("Sand", "c"), movie="Dune"), content_hash="dune", guild_id=OTHER_GUILD
    )
    assert await store.movie_directory(GUILD) is directory

    # A global alias changes every server's directory, not their settings.
    await store.add_alias(movie_id, "Twelfth Fail")
    assert await store.movie_directory(GUILD) is not directory
    assert await store.get_guild_settings(GUILD) is settings


async def test_a_page_shows_curation_renames_and_settings_at_once(store: Store) -> None:
    movie_id = await seed(store)
    await caching(store)
    first = await store.guild_page(movie_id, GUILD, page=1)
    assert await store.guild_page(movie_id, GUILD, page=1) is first  # kept
    assert await page_texts(store, movie_id) == ["Loved it", "Wept"]
    loved, wept = (reaction.id for reaction in first.page.reactions)

    assert await store.set_reaction_state(GUILD, wept, featured=True)
    assert await page_texts(store, movie_id) == ["Wept", "Loved it"]
    assert await store.set_reaction_state(GUILD, loved, hidden=True)
    assert await page_texts(store, movie_id) == ["Wept"]
    assert await page_texts(store, movie_id, OTHER_GUILD) == ["Loved it", "Wept"]

    await store.rename_movie(movie_id, GUILD, "Twelfth Failure")
    assert await store.add_alias(movie_id, "Barah Fail", guild_id=GUILD)
    movie = (await store.guild_page(movie_id, GUILD, page=1)).page.movie
    assert (movie.title, movie.aliases) == ("Twelfth Failure", ("Barah Fail",))

    await store.update_guild_settings(GUILD, page_size=1, spoiler_mode="always")
    assert await store.set_reaction_state(GUILD, loved, hidden=False)
    read = await store.guild_page(movie_id, GUILD, page=2)
    assert (read.settings.page_size, read.settings.spoiler_mode) == (1, "always")
    assert ([r.text for r in read.page.reactions], read.page.total) == (["Loved it"], 2)


async def test_a_page_shows_articles_added_and_removed_at_once(store: Store) -> None:
    movie_id = await seed(store)
    await caching(store)
    assert await page_texts(store, movie_id) == ["Loved it", "Wept"]

    added = await store.ingest_article(
        article(post("Goosebumps", "c")), content_hash="more", guild_id=GUILD
    )
    assert await page_texts(store, movie_id) == ["Loved it", "Wept", "Goosebumps"]
    assert await page_texts(store, movie_id, OTHER_GUILD) == ["Loved it", "Wept"]

    await store.remove_article(added.article_id, GUILD)
    assert await page_texts(store, movie_id) == ["Loved it", "Wept"]


async def test_a_name_finds_its_movie_as_soon_as_it_is_one(store: Store) -> None:
    movie_id = await seed(store)
    await caching(store)
    assert await store.find_movie("Barah Fail", GUILD) is None
    assert await store.find_movie("Dune", GUILD) is None

    assert await store.add_alias(movie_id, "Barah Fail", guild_id=GUILD)
    await store.ingest_article(
        article(post("Sand", "c"), movie="Dune"), content_hash="dune", guild_id=OTHER_GUILD
    )
    found = await store.find_movie("barah-fail", GUILD)
    assert found is not None
    assert found.aliases == ("Barah Fail",)
    assert await store.find_movie("Dune", GUILD) is None  # another server's movie

    await store.rename_movie(movie_id, GUILD, "Twelfth Failure")
    renamed = await store.find_movie("12th Fail", GUILD)
    assert renamed is not None
    assert renamed.title == "Twelfth Failure"

    ours = await store.ingest_article(
        article(post("Spice", "d"), movie="Dune"), content_hash="ours", guild_id=GUILD
    )
    assert await store.find_movie("Dune", GUILD) is not None
    await store.remove_article(ours.article_id, GUILD)
    assert await store.find_movie("Dune", GUILD) is None


async def test_a_movie_by_id_follows_renames_aliases_and_articles_at_once(store: Store) -> None:
    movie_id = await seed(store)
    dune = await store.ingest_article(
        article(post("Sand", "c"), movie="Dune"), content_hash="dune", guild_id=GUILD
    )
    await caching(store)
    movie = await store.get_movie(movie_id, GUILD)
    assert movie is not None
    assert await store.get_movie(movie_id, GUILD) is movie  # kept
    assert await store.get_movie(dune.movie.id, OTHER_GUILD) is None

    await store.rename_movie(movie_id, GUILD, "Twelfth Failure")
    assert await store.add_alias(movie_id, "Barah Fail")
    renamed = await store.get_movie(movie_id, GUILD)
    assert renamed is not None
    assert (renamed.title, renamed.aliases) == ("Twelfth Failure", ("Barah Fail",))
    unrenamed = await store.get_movie(movie_id, OTHER_GUILD)
    assert unrenamed is not None
    assert unrenamed.title == "12th Fail"

    await store.ingest_article(
        article(post("Spice", "d"), movie="Dune"), content_hash="theirs", guild_id=OTHER_GUILD
    )
    assert await store.get_movie(dune.movie.id, OTHER_GUILD) is not None
    await store.remove_article(dune.article_id, GUILD)
    assert await store.get_movie(dune.movie.id, GUILD) is None


# Another process's writes.


async def test_another_process_rename_and_alias_reach_the_next_look_up(
    other: tuple[Store, Store],
) -> None:
    bot, operator = other
    movie_id = await seed(operator)
    await caching(bot)
    assert await titles(bot, "12th") == ["12th Fail"]
    assert await titles(bot, "Barah") == []

    await operator.rename_movie(movie_id, GUILD, "Twelfth Failure")
    assert await titles(bot, "Twelfth") == ["Twelfth Failure"]
    assert (await resolve_movie(bot, "Twelfth Failure", GUILD)).id == movie_id

    await operator.add_alias(movie_id, "Barah Fail")
    assert await titles(bot, "Barah") == ["Twelfth Failure"]
    assert await suggestions(bot, "Barah Fial") == ("Twelfth Failure",)

    await operator.rename_movie(movie_id, None, "12th Fail (2023)")
    assert await titles(bot, "12th Fail (", None) == ["12th Fail (2023)"]


async def test_another_process_hide_and_settings_reach_the_next_read(
    other: tuple[Store, Store],
) -> None:
    bot, operator = other
    movie_id = await seed(operator)
    page = await operator.reaction_page(movie_id, GUILD, offset=0, limit=10)
    await caching(bot)
    assert [s.reaction_count for s in await bot.list_movies(GUILD)] == [2]
    assert (await bot.get_guild_settings(GUILD)).page_size == 5

    await operator.set_reaction_state(GUILD, page.reactions[0].id, hidden=True)
    assert [s.reaction_count for s in await bot.list_movies(GUILD)] == [1]
    await operator.set_reaction_state(GUILD, page.reactions[1].id, hidden=True)
    assert await titles(bot, "") == []

    await operator.update_guild_settings(GUILD, page_size=7)
    assert (await bot.get_guild_settings(GUILD)).page_size == 7


async def test_another_process_curation_reaches_the_next_page_and_name(
    other: tuple[Store, Store],
) -> None:
    bot, operator = other
    movie_id = await seed(operator)
    await caching(bot)
    assert await page_texts(bot, movie_id) == ["Loved it", "Wept"]
    assert await bot.find_movie("Barah Fail", GUILD) is None
    loved = (await bot.guild_page(movie_id, GUILD, page=1)).page.reactions[0].id

    await operator.set_reaction_state(GUILD, loved, hidden=True)
    assert await page_texts(bot, movie_id) == ["Wept"]
    await operator.add_alias(movie_id, "Barah Fail")
    found = await bot.find_movie("Barah Fail", GUILD)
    assert found is not None
    assert found.id == movie_id
    await operator.update_guild_settings(GUILD, spoiler_mode="always")
    read = await bot.guild_page(movie_id, GUILD, page=1)
    assert read.settings.spoiler_mode == "always"
    assert read.page.movie.aliases == ("Barah Fail",)


async def test_pages_are_served_while_this_process_writes(other: tuple[Store, Store]) -> None:
    # A long ingest holds the bot's one writer: a member's page must not wait for it, even
    # when another process committed just before the ingest began.
    bot, operator = other
    movie_id = await seed(operator)
    await caching(bot)
    assert await page_texts(bot, movie_id) == ["Loved it", "Wept"]
    await operator.update_guild_settings(OTHER_GUILD, page_size=2)

    async with bot.database.transaction(write=True):
        async with asyncio.timeout(10):
            assert await page_texts(bot, movie_id) == ["Loved it", "Wept"]
            assert await page_texts(bot, movie_id) == ["Loved it", "Wept"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_lost_listener_turns_caching_off_until_it_is_back(
    other: tuple[Store, Store],
) -> None:
    bot, operator = other
    movie_id = await seed(operator)
    await caching(bot)
    assert await titles(bot, "Barah") == []

    admin = await asyncpg.connect(postgres_server().url())
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1 AND pid <> pg_backend_pid()",
            APPLICATION_NAME,
        )
    finally:
        await admin.close()
    assert killed >= 1
    # Written while the bot hears nothing: the next look-up must still see it.
    await operator.add_alias(movie_id, "Barah Fail")
    assert await titles(bot, "Barah") == ["12th Fail"]

    await caching(bot)  # listening again, and caching
    assert await titles(bot, "Dozen") == []
    await operator.add_alias(movie_id, "Dozen Minus Two")
    assert await titles(bot, "Dozen") == ["12th Fail"]


# What each statement changes.


@pytest.mark.parametrize("statements", [sqlite_statements, postgres_statements])
def test_every_table_a_statement_writes_is_classified(
    statements: Callable[[], dict[str, Statement]],
) -> None:
    """A new table must say whether a cached view reads it (bot/store/changes.py)."""
    written = set().union(*(written_tables(s.sql) for s in statements().values()))
    assert written
    assert written <= CACHED_TABLES | UNCACHED_TABLES, written - CACHED_TABLES - UNCACHED_TABLES


@pytest.mark.parametrize("statements", [sqlite_statements, postgres_statements])
def test_writes_make_stale_the_views_they_touch_where_they_touch_them(
    statements: Callable[[], dict[str, Statement]],
) -> None:
    effects = effects_of(statements())

    def changes(name: str, guild: int) -> set[Change]:
        return set(effects[name].changes({"guild": guild}))

    directory, settings = View.DIRECTORY, View.SETTINGS
    assert changes("upsert_reaction_state", 7) == {Change(directory, 7)}
    assert changes("upsert_title", 7) == {Change(directory, 7)}
    assert changes("insert_alias", 7) == {Change(directory, 7)}
    assert changes("insert_alias", 0) == {Change(directory, EVERY_GUILD)}
    assert changes("update_movie_title", 7) == {Change(directory, EVERY_GUILD)}
    assert changes("delete_article", 7) == {Change(directory, EVERY_GUILD)}
    assert changes("upsert_settings", 7) == {Change(settings, 7)}
    assert changes("insert_links", 7) == {Change(directory, 7)}
    assert changes("insert_links", 0) == {Change(directory, EVERY_GUILD)}
    untouched = ["insert_audit", "upsert_meta", "upsert_search_query", "upsert_schedule"]
    # Movies and posts no article links yet are seen nowhere.
    untouched += ["insert_movie", "insert_new_reactions"]
    for name in untouched:
        assert name not in effects
    assert "list_movies" not in effects  # reads change nothing


def test_an_unknown_table_makes_everything_stale() -> None:
    effect = effect_of(Statement("x", "INSERT INTO shiny_new_table (guild_id) VALUES (:guild)"))
    assert set(effect.changes({"guild": 7})) == {Change(v, EVERY_GUILD) for v in View}


def test_an_upsert_of_a_shared_table_changes_its_rows() -> None:
    sql = "INSERT INTO movies (title) VALUES (:t) ON CONFLICT (slug) DO UPDATE SET title = :t"
    assert changed_tables(sql) == {"movies"}
    assert changed_tables("INSERT INTO movies (title) VALUES (:t) -- then UPDATE x") == set()


def test_notifications_carry_changes_and_fail_safe() -> None:
    changes = [Change(View.DIRECTORY, 7), Change(View.SETTINGS, EVERY_GUILD)]
    assert decode(encode("me", changes)) == ("me", sorted(changes, key=str))
    writer, unreadable = decode("them directory:7 colour:blue")
    assert writer == "them"
    assert set(unreadable) == {Change(v, EVERY_GUILD) for v in View}
