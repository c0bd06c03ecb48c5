"""What the operator's commands need of the store, on every backend: global fixes, where from."""

from __future__ import annotations

import pytest

from bot.domain.errors import Conflict
from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import OPERATOR_ID, AuditInfo, RemoveOutcome
from bot.store import Store

GUILD = 42
CLI = AuditInfo(user_id=OPERATOR_ID, via="cli")


async def ingest(store: Store, title: str, *texts: str, guild: int | None = None) -> int:
    article = Article(
        title=None,
        movie=MovieRef.from_title(title),
        spoiler=False,
        published=None,
        source=None,
        reactions=tuple(Reaction(platform="twitter", text=text) for text in texts),
    )
    result = await store.ingest_article(article, content_hash=title + str(guild), guild_id=guild)
    return result.article_id


async def test_the_operator_renames_a_movie_everywhere_and_both_names_find_it(
    store: Store,
) -> None:
    await ingest(store, "12th Fial", "great")
    movie = await store.find_movie("12th fial")
    assert movie is not None
    renamed = await store.rename_movie(movie.id, None, "12th Fail", audit=CLI)
    assert renamed.title == "12th Fail"
    for name in ("12th fail", "12thfial"):
        found = await store.find_movie(name, GUILD)
        assert found is not None, name
        assert found.id == movie.id, name
    (entry,) = await store.list_audit(None, 5)
    assert (entry.action, entry.user_id, entry.via) == ("movie.rename", OPERATOR_ID, "cli")


async def test_a_global_rename_to_another_movies_name_is_a_conflict(store: Store) -> None:
    await ingest(store, "Quiet Engine", "one")
    await ingest(store, "Brief Candle", "two")
    movie = await store.find_movie("quiet engine")
    assert movie is not None
    with pytest.raises(Conflict):
        await store.rename_movie(movie.id, None, "Brief Candle", audit=CLI)


async def test_only_the_operator_removes_a_global_article(store: Store) -> None:
    article_id = await ingest(store, "Quiet Engine", "one", "two")
    in_a_server = await store.remove_article(article_id, GUILD, include_global=True)
    assert in_a_server.outcome is RemoveOutcome.GLOBAL
    without_asking = await store.remove_article(article_id, None)
    assert without_asking.outcome is RemoveOutcome.GLOBAL
    removed = await store.remove_article(article_id, None, audit=CLI, include_global=True)
    assert (removed.outcome, removed.removed_reactions) == (RemoveOutcome.REMOVED, 2)
    assert (await store.counts()).reactions == 0


async def test_audit_rows_say_where_the_change_was_made(store: Store) -> None:
    await store.record_audit(GUILD, 7, "note", "by hand", via="web")
    await store.record_audit(GUILD, 7, "note", "in discord")
    entries = await store.list_audit(GUILD, 5)
    assert [entry.via for entry in entries] == ["discord", "web"]
