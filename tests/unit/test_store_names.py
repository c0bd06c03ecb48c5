"""A guild's names for movies in the store: aliases, display titles and renames.

A contract test: it runs on every backend through the ``store`` fixture. "Another guild"
checks that one server's names stay in that server and that ids from elsewhere fail closed.
"""

from __future__ import annotations

from typing import TypeVar

import pytest

from bot.domain.errors import Conflict, InvalidInput, UnknownMovie
from bot.domain.records import AuditAction, AuditInfo
from bot.store import Store
from tests.unit.store_builders import article, post

GUILD = 111
OTHER_GUILD = 222
MOD = 9001


T = TypeVar("T")


def present(value: T | None) -> T:
    """Return ``value``, failing the test when the store answered None."""
    assert value is not None
    return value


SEED = article(post("First!", "a"), post("Second", "b"), post("Third", "c"))


# Movies: aliases, display titles, look-up
async def test_get_movie_with_a_guild_fails_closed_for_movies_it_cannot_see(
    store: Store,
) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    assert await store.get_movie(theirs.movie.id, GUILD) is None
    assert await store.get_movie(theirs.movie.id, OTHER_GUILD) == theirs.movie
    assert await store.get_movie(theirs.movie.id) == theirs.movie


async def test_a_guild_alias_for_a_movie_the_guild_cannot_see_fails_closed(
    store: Store,
) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    with pytest.raises(UnknownMovie):
        await store.add_alias(theirs.movie.id, "Manoj", guild_id=GUILD, audit=AuditInfo(MOD))

    assert await store.find_movie("Manoj", OTHER_GUILD) is None
    assert await store.list_audit(GUILD, 10) == []


async def test_add_alias_is_audited_only_when_it_adds(store: Store) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")

    assert await store.add_alias(glob.movie.id, "Manoj", guild_id=GUILD, audit=AuditInfo(MOD))
    assert not await store.add_alias(glob.movie.id, "manoj", guild_id=GUILD, audit=AuditInfo(MOD))

    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.target) == ("movie.alias", f'movie:{glob.movie.id} "Manoj"')


async def test_rename_shows_the_guilds_title_everywhere_in_that_guild(
    store: Store,
) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    await store.add_alias(glob.movie.id, "twelfth fail")
    movie_id = glob.movie.id

    renamed = await store.rename_movie(movie_id, GUILD, "  12th Fail  (2023) ")

    assert (renamed.id, renamed.title, renamed.slug) == (movie_id, "12th Fail (2023)", "12thfail")
    assert renamed.aliases == ("twelfth fail",)
    in_guild = [
        await store.get_movie(movie_id, GUILD),
        await store.find_movie("12th fail 2023", GUILD),
        (await store.reaction_page(movie_id, GUILD, offset=0, limit=1)).movie,
        (await store.list_movies(GUILD))[0].movie,
        (await store.list_articles(GUILD, offset=0, limit=1)).articles[0].movie,
        present(await store.get_article(glob.article_id, GUILD)).movie,
    ]
    assert {movie.title if movie else None for movie in in_guild} == {"12th Fail (2023)"}
    assert [name for _, name in await store.movie_names(GUILD)] == [
        "12th Fail (2023)",
        "12th Fail",
        "twelfth fail",
    ]


async def test_rename_leaves_other_guilds_and_no_guild_with_the_original(
    store: Store,
) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    await store.rename_movie(glob.movie.id, GUILD, "Twelfth Fail")

    for guild_id in (OTHER_GUILD, None):
        assert present(await store.get_movie(glob.movie.id, guild_id)).title == ("12th Fail")
        assert [s.movie.title for s in await store.list_movies(guild_id)] == ["12th Fail"]
        assert await store.find_movie("Twelfth Fail", guild_id) is None
        assert [name for _, name in await store.movie_names(guild_id)] == ["12th Fail"]
        page = await store.reaction_page(glob.movie.id, guild_id, offset=0, limit=1)
        assert page.movie.title == "12th Fail"
    assert present(await store.get_movie(glob.movie.id)).title == "12th Fail"


async def test_old_titles_keep_finding_a_renamed_movie_in_that_guild(store: Store) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    await store.rename_movie(glob.movie.id, GUILD, "Twelfth Fail")
    await store.rename_movie(glob.movie.id, GUILD, "Restart")

    for key in ("12th Fail", "twelfth fail", "RESTART"):
        found = await store.find_movie(key, GUILD)
        assert found is not None, key
        assert (found.id, found.title) == (glob.movie.id, "Restart")
    assert [name for _, name in await store.movie_names(GUILD)] == [
        "Restart",
        "12th Fail",
        "Twelfth Fail",
    ]


async def test_renaming_back_to_the_original_title_drops_the_guild_title(
    store: Store,
) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    await store.rename_movie(glob.movie.id, GUILD, "Twelfth Fail")

    back = await store.rename_movie(glob.movie.id, GUILD, "12th Fail")

    assert back.title == "12th Fail"
    assert [s.movie.title for s in await store.list_movies(GUILD)] == ["12th Fail"]


async def test_rename_refuses_a_title_that_names_another_movie_here(store: Store) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    await store.add_alias(two.movie.id, "Once Upon a Time")
    await store.add_alias(two.movie.id, "Classic", guild_id=GUILD)

    for title in ("LAGAAN", "once upon a time", "classic"):
        with pytest.raises(Conflict, match="already names"):
            await store.rename_movie(one.movie.id, GUILD, title)
    await store.rename_movie(two.movie.id, GUILD, "Cricket Movie")
    with pytest.raises(Conflict, match="already names"):
        await store.rename_movie(one.movie.id, GUILD, "Cricket-Movie")
    assert present(await store.get_movie(one.movie.id, GUILD)).title == "12th Fail"
    # In another guild the guild alias and title of Lagaan mean nothing.
    assert (await store.rename_movie(one.movie.id, OTHER_GUILD, "Classic")).title == "Classic"


async def test_rename_may_use_the_name_of_a_movie_this_guild_cannot_see(
    store: Store,
) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    await store.ingest_article(
        article(post("p"), movie="Lagaan"), content_hash="two", guild_id=OTHER_GUILD
    )

    renamed = await store.rename_movie(one.movie.id, GUILD, "Lagaan")

    assert renamed.title == "Lagaan"
    assert present(await store.find_movie("lagaan", GUILD)).id == one.movie.id


async def test_rename_fails_closed_and_checks_its_input(store: Store) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    with pytest.raises(UnknownMovie):
        await store.rename_movie(theirs.movie.id, GUILD, "Mine now")
    with pytest.raises(UnknownMovie):
        await store.rename_movie(404, GUILD, "Nothing")
    with pytest.raises(InvalidInput, match="letters"):
        await store.rename_movie(theirs.movie.id, OTHER_GUILD, " -- ")
    with pytest.raises(InvalidInput, match="guild"):
        await store.rename_movie(theirs.movie.id, 0, "No guild")
    assert present(await store.get_movie(theirs.movie.id, OTHER_GUILD)).title == ("12th Fail")


async def test_a_guild_alias_cannot_take_another_movies_guild_title(store: Store) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    await store.rename_movie(two.movie.id, GUILD, "Cricket Movie")

    assert not await store.add_alias(one.movie.id, "cricket movie", guild_id=GUILD)
    assert await store.add_alias(two.movie.id, "cricket movie!", guild_id=OTHER_GUILD)
    assert present(await store.find_movie("Cricket Movie", GUILD)).id == two.movie.id


async def test_rename_is_audited_with_old_and_new_title(store: Store) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")

    await store.rename_movie(glob.movie.id, GUILD, "Twelfth Fail", audit=AuditInfo(MOD, "local"))

    [entry] = await store.list_audit(GUILD, 10)
    assert entry.action == AuditAction.MOVIE_RENAME
    assert entry.target == f'movie:{glob.movie.id} "12th Fail" -> "Twelfth Fail"'
    assert entry.reason == "local"
