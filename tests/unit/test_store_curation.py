"""Moderation in the store: settings, audit, articles and reactions.

A contract test: it runs on every backend through the ``store`` fixture, each on a real
migrated database. "Another guild" checks that what one server's moderators do stays in
that server and that ids from elsewhere fail closed.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.records import (
    AuditInfo,
    GuildSettings,
    RemoveOutcome,
    RemoveResult,
    StoreCounts,
)
from bot.store import Store
from tests.unit.store_builders import article, ids_by_text, post

GUILD = 111
OTHER_GUILD = 222
MOD = 9001


SEED = article(post("First!", "a"), post("Second", "b"), post("Third", "c"))


# Guild settings
async def test_a_guild_that_never_changed_settings_gets_the_defaults(store: Store) -> None:
    assert await store.get_guild_settings(GUILD) == GuildSettings(
        guild_id=GUILD, mod_role_id=None, spoiler_mode="always", page_size=5
    )
    assert (await store.get_guild_settings(None)).page_size == 5


async def test_update_changes_only_the_settings_given(store: Store) -> None:
    await store.update_guild_settings(GUILD, mod_role_id=42, spoiler_mode="flagged")
    updated = await store.update_guild_settings(GUILD, page_size=8)

    assert updated == GuildSettings(GUILD, mod_role_id=42, spoiler_mode="flagged", page_size=8)
    assert await store.get_guild_settings(GUILD) == updated


async def test_mod_role_none_clears_it(store: Store) -> None:
    await store.update_guild_settings(GUILD, mod_role_id=42, page_size=3)

    cleared = await store.update_guild_settings(GUILD, mod_role_id=None)

    assert cleared == GuildSettings(GUILD, mod_role_id=None, page_size=3)


async def test_settings_belong_to_one_guild(store: Store) -> None:
    await store.update_guild_settings(GUILD, spoiler_mode="flagged", page_size=10)

    assert await store.get_guild_settings(OTHER_GUILD) == GuildSettings(OTHER_GUILD)
    with pytest.raises(InvalidInput, match="guild"):
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
    store: Store, change: dict[str, Any]
) -> None:
    before = await store.update_guild_settings(GUILD, page_size=7)

    with pytest.raises(InvalidInput, match="must"):
        await store.update_guild_settings(GUILD, **change)

    assert await store.get_guild_settings(GUILD) == before


@pytest.mark.parametrize("size", [1, 10], ids=["min", "max"])
async def test_page_size_bounds_are_allowed(store: Store, size: int) -> None:
    assert (await store.update_guild_settings(GUILD, page_size=size)).page_size == size


async def test_settings_change_is_audited_with_what_changed(store: Store) -> None:
    await store.update_guild_settings(
        GUILD, page_size=8, mod_role_id=None, audit=AuditInfo(MOD, "tidy")
    )

    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.user_id, entry.reason) == ("settings.update", MOD, "tidy")
    assert "page_size=8" in entry.target
    assert "mod_role_id=None" in entry.target


# Audit log
async def test_audit_rows_list_newest_first_per_guild(store: Store) -> None:
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


async def test_audit_time_is_stored_in_utc(store: Store) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    await store.record_audit(GUILD, MOD, "x", "y", at=datetime(2024, 1, 1, 5, 30, tzinfo=india))

    [entry] = await store.list_audit(GUILD, 1)

    assert entry.created_at == "2024-01-01T00:00:00.000Z"


async def test_audit_defaults_to_now(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    await store.record_audit(None, MOD, "cli.thing", "x")

    [entry] = await store.list_audit(None, 1)

    stamp = datetime.strptime(entry.created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC) + timedelta(seconds=5)
    assert entry.guild_id == 0


async def test_audit_refuses_naive_times_and_empty_actions(store: Store) -> None:
    with pytest.raises(InvalidInput, match="timezone"):
        await store.record_audit(GUILD, MOD, "x", "y", at=datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidInput, match="action"):
        await store.record_audit(GUILD, MOD, "", "y")
    with pytest.raises(InvalidInput, match="limit"):
        await store.list_audit(GUILD, 0)
    assert await store.list_audit(GUILD, 10) == []


# Audit rows share the change's transaction.
async def test_ingest_with_audit_records_the_article_once(store: Store) -> None:
    first = await store.ingest_article(
        SEED, content_hash="x", guild_id=GUILD, audit=AuditInfo(MOD, "requested")
    )
    again = await store.ingest_article(SEED, content_hash="x", guild_id=GUILD, audit=AuditInfo(MOD))

    assert not again.created
    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.user_id, entry.reason) == ("article.add", MOD, "requested")
    assert entry.target == f'article:{first.article_id} "How the internet reacted"'


# Known reactions, for the preview
async def test_known_reaction_count_of_an_unknown_movie_is_zero(store: Store) -> None:
    await store.ingest_article(SEED, content_hash="seed")

    assert await store.known_reaction_count(article(post("First!", "a"), movie="Lagaan")) == 0
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_known_reaction_count_counts_posts_of_every_scope(store: Store) -> None:
    await store.ingest_article(SEED, content_hash="seed", guild_id=OTHER_GUILD)

    # Ingest links the stored post whoever stored it, so the preview counts it as known.
    assert await store.known_reaction_count(SEED) == 3


# Articles
async def test_a_guild_lists_global_and_its_own_articles_newest_first(store: Store) -> None:
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


async def test_list_articles_pages_and_filters_by_movie(store: Store) -> None:
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
    with pytest.raises(InvalidInput, match="offset"):
        await store.list_articles(GUILD, offset=-1, limit=2)


async def test_get_article_fails_closed_for_another_guilds_article(store: Store) -> None:
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


async def test_removing_another_guilds_article_answers_not_found(store: Store) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)

    assert await store.remove_article(theirs.article_id, GUILD, audit=AuditInfo(MOD)) == (
        RemoveResult(RemoveOutcome.NOT_FOUND)
    )
    assert await store.remove_article(404, GUILD) == RemoveResult(RemoveOutcome.NOT_FOUND)
    assert await store.get_article(theirs.article_id, OTHER_GUILD) is not None
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    assert await store.list_audit(GUILD, 10) == []


@pytest.mark.parametrize("guild_id", [GUILD, None, 0], ids=["guild", "none", "zero"])
async def test_a_global_article_cannot_be_removed(store: Store, guild_id: int | None) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")

    result = await store.remove_article(glob.article_id, guild_id, audit=AuditInfo(MOD))

    assert result == RemoveResult(RemoveOutcome.GLOBAL)
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    assert await store.list_audit(guild_id, 10) == []


async def test_removing_an_article_that_another_guild_shares_keeps_their_reactions(
    store: Store,
) -> None:
    mine = await store.ingest_article(SEED, content_hash="seed", guild_id=GUILD)
    await store.ingest_article(SEED, content_hash="seed", guild_id=OTHER_GUILD)

    result = await store.remove_article(mine.article_id, GUILD)

    assert result == RemoveResult(RemoveOutcome.REMOVED, removed_reactions=0)
    page = await store.reaction_page(mine.movie.id, OTHER_GUILD, offset=0, limit=9)
    assert page.total == 3
    assert (await store.reaction_page(mine.movie.id, GUILD, offset=0, limit=9)).total == 0


# Reactions
async def test_get_reaction_is_scoped_to_what_the_guild_sees(store: Store) -> None:
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


async def test_get_reaction_returns_hidden_reactions_with_their_flags(store: Store) -> None:
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


async def test_the_hidden_list_pages_what_the_guild_hides_in_a_movie_latest_first(
    store: Store,
) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    other = await store.ingest_article(
        article(post("Elsewhere", "e"), movie="Dunki"), content_hash="other"
    )
    ids = await ids_by_text(store, glob.movie.id, None)
    elsewhere = (await ids_by_text(store, other.movie.id, None))["Elsewhere"]
    for text in ("Third", "First!"):  # First! hidden last: listed first
        await store.set_reaction_state(GUILD, ids[text], hidden=True, reason="spoils")
        await asyncio.sleep(0.01)  # curation times differ (SQLite keeps milliseconds)
    await store.set_reaction_state(GUILD, ids["Second"], featured=True)
    await store.set_reaction_state(GUILD, elsewhere, hidden=True)
    await store.set_reaction_state(OTHER_GUILD, ids["Second"], hidden=True)

    listed, total = await store.hidden_reactions(glob.movie.id, GUILD, offset=0, limit=10)
    assert [r.text for r in listed] == ["First!", "Third"]
    assert total == 2
    assert all(r.hidden and r.movie_id == glob.movie.id for r in listed)
    second_page, total = await store.hidden_reactions(glob.movie.id, GUILD, offset=1, limit=1)
    assert [r.text for r in second_page] == ["Third"]
    assert total == 2
    assert await store.hidden_reactions(glob.movie.id, GUILD, offset=5, limit=5) == ((), 2)
    theirs, _ = await store.hidden_reactions(glob.movie.id, OTHER_GUILD, offset=0, limit=10)
    assert [r.text for r in theirs] == ["Second"]

    await store.set_reaction_state(GUILD, ids["First!"], hidden=False)
    listed, total = await store.hidden_reactions(glob.movie.id, GUILD, offset=0, limit=10)
    assert [r.text for r in listed] == ["Third"]
    assert total == 1
    with pytest.raises(InvalidInput, match="guild"):
        await store.hidden_reactions(glob.movie.id, 0, offset=0, limit=10)


async def test_the_hidden_list_leaves_out_what_the_guild_no_longer_sees(store: Store) -> None:
    await store.ingest_article(
        article(post("Shared", "s")), content_hash="theirs", guild_id=OTHER_GUILD
    )
    own = await store.ingest_article(
        article(post("Shared", "s"), title="Another take"), content_hash="own", guild_id=GUILD
    )
    shared = (await ids_by_text(store, own.movie.id, GUILD))["Shared"]
    await store.set_reaction_state(GUILD, shared, hidden=True)
    assert (await store.hidden_reactions(own.movie.id, GUILD, offset=0, limit=10))[1] == 1

    await store.remove_article(own.article_id, GUILD)  # the post stays, another server's

    assert await store.get_reaction(shared, OTHER_GUILD) is not None
    assert await store.hidden_reactions(own.movie.id, GUILD, offset=0, limit=10) == ((), 0)


@pytest.mark.parametrize("guild_id", [0, -1], ids=["no-guild", "negative"])
async def test_curation_needs_a_guild(store: Store, guild_id: int) -> None:
    glob = await store.ingest_article(SEED, content_hash="global")
    target = (await ids_by_text(store, glob.movie.id, None))["First!"]

    with pytest.raises(InvalidInput, match="guild"):
        await store.set_reaction_state(guild_id, target, hidden=True)


async def test_curation_is_audited_one_row_per_flag(store: Store) -> None:
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
