"""Moderation in the SQLite store: settings, audit, articles, reactions, aliases and renames.

Every test runs against a real migrated database file; "another guild" checks that what one
server's moderators do stays in that server and that ids from elsewhere fail closed.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.domain.errors import UnknownMovie
from bot.domain.models import Article, MovieRef
from bot.domain.records import (
    AuditAction,
    AuditInfo,
    GuildSettings,
    RemoveOutcome,
    RemoveResult,
    StoreCounts,
)
from bot.store import SQLiteStore, open_sqlite_store
from bot.store import sqlite as sqlite_module
from bot.store.migrate import load_migrations
from tests.unit.store_builders import article, db_path, ids_by_text, post, query

GUILD = 111
OTHER_GUILD = 222
MOD = 9001
FAILING_SQL = "INSERT INTO no_such_table VALUES (1)"


T = TypeVar("T")


def present(value: T | None) -> T:
    """Return ``value``, failing the test when the store answered None."""
    assert value is not None
    return value


SEED = article(post("First!", "a"), post("Second", "b"), post("Third", "c"))


# Guild settings


async def test_a_guild_that_never_changed_settings_gets_the_defaults(store: SQLiteStore) -> None:
    assert await store.get_guild_settings(GUILD) == GuildSettings(
        guild_id=GUILD, mod_role_id=None, spoiler_mode="always", page_size=5
    )
    assert (await store.get_guild_settings(None)).page_size == 5


async def test_update_changes_only_the_settings_given(store: SQLiteStore) -> None:
    await store.update_guild_settings(GUILD, mod_role_id=42, spoiler_mode="flagged")
    updated = await store.update_guild_settings(GUILD, page_size=8)

    assert updated == GuildSettings(GUILD, mod_role_id=42, spoiler_mode="flagged", page_size=8)
    assert await store.get_guild_settings(GUILD) == updated


async def test_mod_role_none_clears_it(store: SQLiteStore) -> None:
    await store.update_guild_settings(GUILD, mod_role_id=42, page_size=3)

    cleared = await store.update_guild_settings(GUILD, mod_role_id=None)

    assert cleared == GuildSettings(GUILD, mod_role_id=None, page_size=3)


async def test_settings_belong_to_one_guild(store: SQLiteStore) -> None:
    await store.update_guild_settings(GUILD, spoiler_mode="flagged", page_size=10)

    assert await store.get_guild_settings(OTHER_GUILD) == GuildSettings(OTHER_GUILD)
    with pytest.raises(ValueError, match="guild"):
        await store.update_guild_settings(0, page_size=3)


@pytest.mark.parametrize(
    "change",
    [
        {"spoiler_mode": "never"},
        {"spoiler_mode": "ALWAYS"},
        {"page_size": 0},
        {"page_size": 11},
        {"page_size": True},
        {"mod_role_id": 0},
        {"mod_role_id": -5},
        {"mod_role_id": True},
        {"page_size": 4, "spoiler_mode": "sometimes"},
    ],
    ids=[
        "mode-unknown",
        "mode-case",
        "size-0",
        "size-11",
        "size-bool",
        "role-0",
        "role-negative",
        "role-bool",
        "one-bad-of-two",
    ],
)
async def test_bad_settings_are_refused_and_change_nothing(
    store: SQLiteStore, change: dict[str, Any]
) -> None:
    before = await store.update_guild_settings(GUILD, page_size=7)

    with pytest.raises(ValueError, match="must"):
        await store.update_guild_settings(GUILD, **change)

    assert await store.get_guild_settings(GUILD) == before


@pytest.mark.parametrize("size", [1, 10], ids=["min", "max"])
async def test_page_size_bounds_are_allowed(store: SQLiteStore, size: int) -> None:
    assert (await store.update_guild_settings(GUILD, page_size=size)).page_size == size


async def test_settings_change_is_audited_with_what_changed(store: SQLiteStore) -> None:
    await store.update_guild_settings(
        GUILD, page_size=8, mod_role_id=None, audit=AuditInfo(MOD, "tidy")
    )

    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.user_id, entry.reason) == ("settings.update", MOD, "tidy")
    assert "page_size=8" in entry.target
    assert "mod_role_id=None" in entry.target


# Audit log


async def test_audit_rows_list_newest_first_per_guild(store: SQLiteStore) -> None:
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    first = await store.record_audit(GUILD, MOD, "x.one", "thing:1", at=start)
    second = await store.record_audit(
        GUILD, MOD, "x.two", "thing:2", "why", at=start + timedelta(1)
    )
    await store.record_audit(OTHER_GUILD, MOD, "x.other", "thing:3", at=start)
    # Back-dated: older than both, though written last.
    await store.record_audit(GUILD, MOD, "x.old", "thing:0", at=start - timedelta(1))

    entries = await store.list_audit(GUILD, 10)

    assert [e.action for e in entries] == ["x.two", "x.one", "x.old"]
    assert [e.id for e in entries[:2]] == [second, first]
    assert entries[0].reason == "why"
    assert entries[0].created_at == "2024-05-02T12:00:00.000Z"
    assert {e.guild_id for e in entries} == {GUILD}
    assert [e.action for e in await store.list_audit(GUILD, 1)] == ["x.two"]
    assert [e.action for e in await store.list_audit(OTHER_GUILD, 10)] == ["x.other"]


async def test_audit_time_is_stored_in_utc(store: SQLiteStore) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    await store.record_audit(GUILD, MOD, "x", "y", at=datetime(2024, 1, 1, 5, 30, tzinfo=india))

    [entry] = await store.list_audit(GUILD, 1)

    assert entry.created_at == "2024-01-01T00:00:00.000Z"


async def test_audit_defaults_to_now(store: SQLiteStore) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    await store.record_audit(None, MOD, "cli.thing", "x")

    [entry] = await store.list_audit(None, 1)

    stamp = datetime.strptime(entry.created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC) + timedelta(seconds=5)
    assert entry.guild_id == 0


async def test_audit_refuses_naive_times_and_empty_actions(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        await store.record_audit(GUILD, MOD, "x", "y", at=datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="action"):
        await store.record_audit(GUILD, MOD, "", "y")
    with pytest.raises(ValueError, match="limit"):
        await store.list_audit(GUILD, 0)
    assert await store.list_audit(GUILD, 10) == []


# Audit rows share the change's transaction.


async def test_a_failing_audit_row_undoes_the_hide(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    second = (await ids_by_text(store, result.movie.id, GUILD))["Second"]
    monkeypatch.setattr(sqlite_module, "_INSERT_AUDIT", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.set_reaction_state(GUILD, second, hidden=True, audit=AuditInfo(MOD))

    reaction = await store.get_reaction(second, GUILD)
    assert reaction is not None
    assert not reaction.hidden
    assert (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=9)).total == 3


async def test_a_failing_hide_writes_no_audit_row(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    second = (await ids_by_text(store, result.movie.id, GUILD))["Second"]
    monkeypatch.setattr(sqlite_module, "_UPSERT_REACTION_STATE", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.set_reaction_state(GUILD, second, hidden=True, audit=AuditInfo(MOD))

    assert await store.list_audit(GUILD, 10) == []


async def test_a_failing_audit_row_keeps_the_article(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = await store.ingest_article(SEED, content_hash="mine", guild_id=GUILD)
    monkeypatch.setattr(sqlite_module, "_INSERT_AUDIT", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.remove_article(mine.article_id, GUILD, audit=AuditInfo(MOD))

    assert await store.get_article(mine.article_id, GUILD) is not None
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_a_failing_removal_writes_no_audit_row(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = await store.ingest_article(SEED, content_hash="mine", guild_id=GUILD)
    monkeypatch.setattr(sqlite_module, "_DELETE_ARTICLE", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.remove_article(mine.article_id, GUILD, audit=AuditInfo(MOD))

    assert await store.list_audit(GUILD, 10) == []
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_a_failing_audit_row_undoes_the_ingest(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_module, "_INSERT_AUDIT", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.ingest_article(SEED, content_hash="x", guild_id=GUILD, audit=AuditInfo(MOD))

    assert await store.counts() == StoreCounts(movies=0, articles=0, reactions=0)


async def test_a_failing_alias_or_rename_audit_undoes_the_change(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    monkeypatch.setattr(sqlite_module, "_INSERT_AUDIT", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.add_alias(result.movie.id, "Manoj", guild_id=GUILD, audit=AuditInfo(MOD))
    with pytest.raises(sqlite3.OperationalError):
        await store.rename_movie(result.movie.id, GUILD, "Twelfth Fail", audit=AuditInfo(MOD))
    with pytest.raises(sqlite3.OperationalError):
        await store.update_guild_settings(GUILD, page_size=9, audit=AuditInfo(MOD))

    assert await store.find_movie("Manoj", GUILD) is None
    movie = await store.get_movie(result.movie.id, GUILD)
    assert movie is not None
    assert movie.title == "12th Fail"
    assert (await store.get_guild_settings(GUILD)).page_size == 5


async def test_ingest_with_audit_records_the_article_once(store: SQLiteStore) -> None:
    first = await store.ingest_article(
        SEED, content_hash="x", guild_id=GUILD, audit=AuditInfo(MOD, "requested")
    )
    again = await store.ingest_article(SEED, content_hash="x", guild_id=GUILD, audit=AuditInfo(MOD))

    assert not again.created
    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.user_id, entry.reason) == ("article.add", MOD, "requested")
    assert entry.target == f'article:{first.article_id} "How the internet reacted"'


# Known reactions, for the preview


async def test_known_reaction_count_predicts_ingest_and_writes_nothing(
    store: SQLiteStore, tmp_path: Path
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    incoming = article(post("Second", "b"), post("Brand new", "n"), post("Third", "c"))
    incoming = Article(
        title=incoming.title,
        movie=MovieRef.from_title("12TH-FAIL"),
        spoiler=False,
        published=None,
        source=None,
        reactions=(*incoming.reactions, post("Second", "b")),  # repeated post counts once
    )
    with sqlite3.connect(db_path(tmp_path)) as watcher:
        version = watcher.execute("PRAGMA data_version").fetchone()

        known = await store.known_reaction_count(incoming)

        # data_version changes when another connection commits to the file.
        assert watcher.execute("PRAGMA data_version").fetchone() == version
    assert known == 2
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    stored = await store.ingest_article(incoming, content_hash="incoming", guild_id=GUILD)
    assert stored.known_reactions == known


async def test_known_reaction_count_of_an_unknown_movie_is_zero(store: SQLiteStore) -> None:
    await store.ingest_article(SEED, content_hash="seed")

    assert await store.known_reaction_count(article(post("First!", "a"), movie="Lagaan")) == 0
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_known_reaction_count_counts_posts_of_every_scope(store: SQLiteStore) -> None:
    await store.ingest_article(SEED, content_hash="seed", guild_id=OTHER_GUILD)

    # Ingest links the stored post whoever stored it, so the preview counts it as known.
    assert await store.known_reaction_count(SEED) == 3


# Articles


async def test_a_guild_lists_global_and_its_own_articles_newest_first(store: SQLiteStore) -> None:
    old = await store.ingest_article(SEED, content_hash="old")
    mine = await store.ingest_article(
        article(post("Mine", "m"), title="Ours"), content_hash="mine", guild_id=GUILD
    )
    await store.ingest_article(
        article(post("Theirs", "t"), title="Theirs"), content_hash="theirs", guild_id=OTHER_GUILD
    )
    other_movie = await store.ingest_article(
        article(post("Lagaan post", "l"), movie="Lagaan", title="Lagaan"), content_hash="lagaan"
    )

    page = await store.list_articles(GUILD, offset=0, limit=10)

    assert [a.id for a in page.articles] == [
        other_movie.article_id,
        mine.article_id,
        old.article_id,
    ]
    assert page.total == 3
    assert [(a.title, a.is_global, a.reaction_count) for a in page.articles] == [
        ("Lagaan", True, 1),
        ("Ours", False, 1),
        ("How the internet reacted", True, 3),
    ]
    assert page.articles[2].movie.title == "12th Fail"
    assert page.articles[2].created_at.endswith("Z")
    everywhere = await store.list_articles(None, offset=0, limit=10)
    assert [a.id for a in everywhere.articles] == [other_movie.article_id, old.article_id]


async def test_list_articles_pages_and_filters_by_movie(store: SQLiteStore) -> None:
    stored = [
        await store.ingest_article(article(post(f"p{n}", f"h{n}")), content_hash=f"a{n}")
        for n in range(5)
    ]
    await store.ingest_article(article(post("l", "l"), movie="Lagaan"), content_hash="lagaan")
    movie_id = stored[0].movie.id

    first = await store.list_articles(GUILD, movie_id=movie_id, offset=0, limit=2)
    last = await store.list_articles(GUILD, movie_id=movie_id, offset=4, limit=2)
    past = await store.list_articles(GUILD, movie_id=movie_id, offset=9, limit=2)

    assert [a.id for a in first.articles] == [stored[4].article_id, stored[3].article_id]
    assert [a.id for a in last.articles] == [stored[0].article_id]
    assert (past.articles, past.total) == ((), 5)
    assert {first.total, last.total} == {5}
    with pytest.raises(ValueError, match="offset"):
        await store.list_articles(GUILD, offset=-1, limit=2)


async def test_get_article_fails_closed_for_another_guilds_article(store: SQLiteStore) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)
    glob = await store.ingest_article(SEED, content_hash="global")

    assert await store.get_article(theirs.article_id, GUILD) is None
    assert await store.get_article(theirs.article_id, None) is None
    assert await store.get_article(404, GUILD) is None
    found = await store.get_article(theirs.article_id, OTHER_GUILD)
    assert found is not None
    assert not found.is_global
    shared = await store.get_article(glob.article_id, GUILD)
    assert shared is not None
    assert shared.is_global


async def test_removing_an_own_article_drops_the_reactions_only_it_quoted(
    store: SQLiteStore, tmp_path: Path
) -> None:
    shared = post("Shared zebra", "s")
    glob = await store.ingest_article(article(shared, post("Global only", "g")), content_hash="g")
    mine = await store.ingest_article(
        article(post("Mine alone zebra", "m"), shared, post("Mine too", "n")),
        content_hash="mine",
        guild_id=GUILD,
    )
    ids = await ids_by_text(store, glob.movie.id, GUILD)
    await store.set_reaction_state(GUILD, ids["Mine too"], featured=True)

    result = await store.remove_article(mine.article_id, GUILD, audit=AuditInfo(MOD, "spam"))

    assert result == RemoveResult(RemoveOutcome.REMOVED, removed_reactions=2)
    assert await store.get_article(mine.article_id, GUILD) is None
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=2)
    assert set(await ids_by_text(store, glob.movie.id, GUILD)) == {"Shared zebra", "Global only"}
    found = await store.search_reactions("zebra", GUILD, offset=0, limit=10)
    assert [r.text for r in found.reactions] == ["Shared zebra"]
    assert found.total == 1
    # The FTS index holds no row for the deleted posts (not just filtered out by a join).
    assert query(
        db_path(tmp_path), "SELECT count(*) FROM reactions_fts WHERE reactions_fts MATCH 'mine'"
    ) == [(0,)]
    assert query(db_path(tmp_path), "SELECT count(*) FROM reaction_state") == [(0,)]
    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.reason) == ("article.remove", "spam")
    assert entry.target == f'article:{mine.article_id} "How the internet reacted"'


async def test_removing_another_guilds_article_answers_not_found(store: SQLiteStore) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    assert await store.remove_article(theirs.article_id, GUILD, audit=AuditInfo(MOD)) == (
        RemoveResult(RemoveOutcome.NOT_FOUND)
    )
    assert await store.remove_article(404, GUILD) == RemoveResult(RemoveOutcome.NOT_FOUND)
    assert await store.get_article(theirs.article_id, OTHER_GUILD) is not None
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    assert await store.list_audit(GUILD, 10) == []


@pytest.mark.parametrize("guild_id", [GUILD, None, 0], ids=["guild", "none", "zero"])
async def test_a_global_article_cannot_be_removed(store: SQLiteStore, guild_id: int | None) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")

    result = await store.remove_article(glob.article_id, guild_id, audit=AuditInfo(MOD))

    assert result == RemoveResult(RemoveOutcome.GLOBAL)
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    assert await store.list_audit(guild_id, 10) == []


async def test_removing_an_article_that_another_guild_shares_keeps_their_reactions(
    store: SQLiteStore,
) -> None:
    mine = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)
    await store.ingest_article(SEED, content_hash="seed", guild_id=OTHER_GUILD)

    result = await store.remove_article(mine.article_id, GUILD)

    assert result == RemoveResult(RemoveOutcome.REMOVED, removed_reactions=0)
    page = await store.reaction_page(mine.movie.id, OTHER_GUILD, offset=0, limit=9)
    assert page.total == 3
    assert (await store.reaction_page(mine.movie.id, GUILD, offset=0, limit=9)).total == 0


# Reactions


async def test_get_reaction_is_scoped_to_what_the_guild_sees(store: SQLiteStore) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    theirs = await store.ingest_article(
        article(post("Private", "p")), content_hash="theirs", guild_id=OTHER_GUILD
    )
    public = (await ids_by_text(store, glob.movie.id, None))["First!"]
    private = (await ids_by_text(store, theirs.movie.id, OTHER_GUILD))["Private"]

    for guild_id in (GUILD, OTHER_GUILD, None):
        found = await store.get_reaction(public, guild_id)
        assert found is not None
        assert found.text == "First!"
    assert await store.get_reaction(private, GUILD) is None
    assert await store.get_reaction(private, None) is None
    assert await store.get_reaction(404, GUILD) is None
    mine = await store.get_reaction(private, OTHER_GUILD)
    assert mine is not None
    assert mine.text == "Private"


async def test_get_reaction_returns_hidden_reactions_with_their_flags(store: SQLiteStore) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    ids = await ids_by_text(store, glob.movie.id, None)
    await store.set_reaction_state(GUILD, ids["Second"], hidden=True, reason="rude")
    await store.set_reaction_state(GUILD, ids["Third"], featured=True)

    hidden = await store.get_reaction(ids["Second"], GUILD)
    featured = await store.get_reaction(ids["Third"], GUILD)
    elsewhere = await store.get_reaction(ids["Second"], OTHER_GUILD)

    assert hidden is not None
    assert (hidden.hidden, hidden.featured) == (True, False)
    assert featured is not None
    assert (featured.hidden, featured.featured) == (False, True)
    assert elsewhere is not None
    assert (elsewhere.hidden, elsewhere.featured) == (False, False)
    assert await store.set_reaction_state(GUILD, ids["Second"], hidden=False)
    unhidden = await store.get_reaction(ids["Second"], GUILD)
    assert unhidden is not None
    assert not unhidden.hidden


async def test_curating_another_guilds_reaction_fails_closed(
    store: SQLiteStore, tmp_path: Path
) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)
    target = (await ids_by_text(store, theirs.movie.id, OTHER_GUILD))["First!"]

    hid = await store.set_reaction_state(GUILD, target, hidden=True, audit=AuditInfo(MOD))
    featured = await store.set_reaction_state(GUILD, target, featured=True)

    assert (hid, featured) == (False, False)
    assert query(db_path(tmp_path), "SELECT count(*) FROM reaction_state") == [(0,)]
    assert await store.list_audit(GUILD, 10) == []
    assert not await store.set_reaction_state(GUILD, 404, hidden=True)


@pytest.mark.parametrize("guild_id", [0, -1], ids=["no-guild", "negative"])
async def test_curation_needs_a_guild(store: SQLiteStore, guild_id: int) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    target = (await ids_by_text(store, glob.movie.id, None))["First!"]

    with pytest.raises(ValueError, match="guild"):
        await store.set_reaction_state(guild_id, target, hidden=True)


async def test_curation_is_audited_one_row_per_flag(store: SQLiteStore) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    target = (await ids_by_text(store, glob.movie.id, None))["First!"]

    await store.set_reaction_state(GUILD, target, hidden=True, reason="rude", audit=AuditInfo(MOD))
    await store.set_reaction_state(
        GUILD, target, hidden=False, featured=True, audit=AuditInfo(MOD, "best one")
    )

    entries = await store.list_audit(GUILD, 10)
    assert sorted((e.action, e.reason) for e in entries) == [
        ("reaction.feature", "best one"),
        ("reaction.hide", "rude"),
        ("reaction.unhide", "best one"),
    ]
    assert {e.target for e in entries} == {f"reaction:{target}"}


# Movies: aliases, display titles, look-up


async def test_get_movie_with_a_guild_fails_closed_for_movies_it_cannot_see(
    store: SQLiteStore,
) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    assert await store.get_movie(theirs.movie.id, GUILD) is None
    assert await store.get_movie(theirs.movie.id, OTHER_GUILD) == theirs.movie
    assert await store.get_movie(theirs.movie.id) == theirs.movie


async def test_a_guild_alias_for_a_movie_the_guild_cannot_see_fails_closed(
    store: SQLiteStore,
) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    with pytest.raises(UnknownMovie):
        await store.add_alias(theirs.movie.id, "Manoj", guild_id=GUILD, audit=AuditInfo(MOD))

    assert await store.find_movie("Manoj", OTHER_GUILD) is None
    assert await store.list_audit(GUILD, 10) == []


async def test_add_alias_is_audited_only_when_it_adds(store: SQLiteStore) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")

    assert await store.add_alias(glob.movie.id, "Manoj", guild_id=GUILD, audit=AuditInfo(MOD))
    assert not await store.add_alias(glob.movie.id, "manoj", guild_id=GUILD, audit=AuditInfo(MOD))

    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.target) == ("movie.alias", f'movie:{glob.movie.id} "Manoj"')


async def test_rename_shows_the_guilds_title_everywhere_in_that_guild(
    store: SQLiteStore,
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
    store: SQLiteStore,
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


async def test_old_titles_keep_finding_a_renamed_movie_in_that_guild(store: SQLiteStore) -> None:
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
    store: SQLiteStore,
) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    await store.rename_movie(glob.movie.id, GUILD, "Twelfth Fail")

    back = await store.rename_movie(glob.movie.id, GUILD, "12th Fail")

    assert back.title == "12th Fail"
    assert [s.movie.title for s in await store.list_movies(GUILD)] == ["12th Fail"]


async def test_rename_refuses_a_title_that_names_another_movie_here(store: SQLiteStore) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    await store.add_alias(two.movie.id, "Once Upon a Time")
    await store.add_alias(two.movie.id, "Classic", guild_id=GUILD)

    for title in ("LAGAAN", "once upon a time", "classic"):
        with pytest.raises(ValueError, match="already names"):
            await store.rename_movie(one.movie.id, GUILD, title)
    await store.rename_movie(two.movie.id, GUILD, "Cricket Movie")
    with pytest.raises(ValueError, match="already names"):
        await store.rename_movie(one.movie.id, GUILD, "Cricket-Movie")
    assert present(await store.get_movie(one.movie.id, GUILD)).title == "12th Fail"
    # In another guild the guild alias and title of Lagaan mean nothing.
    assert (await store.rename_movie(one.movie.id, OTHER_GUILD, "Classic")).title == "Classic"


async def test_rename_may_use_the_name_of_a_movie_this_guild_cannot_see(
    store: SQLiteStore,
) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    await store.ingest_article(
        article(post("p"), movie="Lagaan"), content_hash="two", guild_id=OTHER_GUILD
    )

    renamed = await store.rename_movie(one.movie.id, GUILD, "Lagaan")

    assert renamed.title == "Lagaan"
    assert present(await store.find_movie("lagaan", GUILD)).id == one.movie.id


async def test_rename_fails_closed_and_checks_its_input(store: SQLiteStore) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    with pytest.raises(UnknownMovie):
        await store.rename_movie(theirs.movie.id, GUILD, "Mine now")
    with pytest.raises(UnknownMovie):
        await store.rename_movie(404, GUILD, "Nothing")
    with pytest.raises(ValueError, match="letters"):
        await store.rename_movie(theirs.movie.id, OTHER_GUILD, " -- ")
    with pytest.raises(ValueError, match="guild"):
        await store.rename_movie(theirs.movie.id, 0, "No guild")
    assert present(await store.get_movie(theirs.movie.id, OTHER_GUILD)).title == ("12th Fail")


async def test_a_guild_alias_cannot_take_another_movies_guild_title(store: SQLiteStore) -> None:
    one = await store.ingest_article(SEED, content_hash="one")
    two = await store.ingest_article(article(post("p"), movie="Lagaan"), content_hash="two")
    await store.rename_movie(two.movie.id, GUILD, "Cricket Movie")

    assert not await store.add_alias(one.movie.id, "cricket movie", guild_id=GUILD)
    assert await store.add_alias(two.movie.id, "cricket movie!", guild_id=OTHER_GUILD)
    assert present(await store.find_movie("Cricket Movie", GUILD)).id == two.movie.id


async def test_rename_is_audited_with_old_and_new_title(store: SQLiteStore) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")

    await store.rename_movie(glob.movie.id, GUILD, "Twelfth Fail", audit=AuditInfo(MOD, "local"))

    [entry] = await store.list_audit(GUILD, 10)
    assert entry.action == AuditAction.MOVIE_RENAME
    assert entry.target == f'movie:{glob.movie.id} "12th Fail" -> "Twelfth Fail"'
    assert entry.reason == "local"


# Upgrading


async def test_a_version_2_database_upgrades_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await open_sqlite_store(path, migrations=load_migrations()[:2])
    await old.close()
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            INSERT INTO movies (id, title, slug) VALUES (1, '12th Fail', '12thfail');
            INSERT INTO articles (id, guild_id, content_hash, movie_id) VALUES (1, 0, 'h', 1);
            INSERT INTO reactions (id, movie_id, key_hash, platform, text)
                VALUES (1, 1, zeroblob(32), 'twitter', 'Old post');
            INSERT INTO article_reactions VALUES (1, 0, 1, 1, 0);
            """
        )

    store = await open_sqlite_store(path)
    try:
        assert await store.schema_version() == len(load_migrations())
        renamed = await store.rename_movie(1, GUILD, "Twelfth Fail", audit=AuditInfo(MOD))
        assert (renamed.id, renamed.title) == (1, "Twelfth Fail")
        assert present(await store.get_reaction(1, GUILD)).text == "Old post"
        assert await store.get_guild_settings(GUILD) == GuildSettings(GUILD)
        assert len(await store.list_audit(GUILD, 10)) == 1
    finally:
        await store.close()
