"""SQLite-only: a statement that fails mid-change undoes all of it, audit row included.

The fault is a broken statement (see store_builders.break_statement) and the error the
driver's own, so these stay SQLite's; the rule they check is every backend's.
"""

from __future__ import annotations

import sqlite3

import pytest

from bot.domain.records import AuditInfo, StoreCounts
from bot.store import Store
from tests.unit.store_builders import (
    article,
    break_statement,
    ids_by_text,
    post,
)

GUILD = 111
MOD = 9001
FAILING_SQL = "INSERT INTO no_such_table VALUES (1)"


SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)


@pytest.fixture
def backend() -> str:
    """Run this module on SQLite only: it reads SQLite's own files, errors or plans."""
    return "sqlite"


async def test_a_failing_audit_row_undoes_the_hide(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    second = (await ids_by_text(store, result.movie.id, GUILD))["Second"]
    break_statement(monkeypatch, store, "insert_audit", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.set_reaction_state(GUILD, second, hidden=True, audit=AuditInfo(MOD))

    reaction = await store.get_reaction(second, GUILD)
    assert reaction is not None
    assert not reaction.hidden
    assert (await store.reaction_page(result.movie.id, GUILD, offset=0, limit=9)).total == 3


async def test_a_failing_hide_writes_no_audit_row(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    second = (await ids_by_text(store, result.movie.id, GUILD))["Second"]
    break_statement(monkeypatch, store, "upsert_reaction_state", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.set_reaction_state(GUILD, second, hidden=True, audit=AuditInfo(MOD))

    assert await store.list_audit(GUILD, 10) == []


async def test_a_failing_audit_row_keeps_the_article(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = await store.ingest_article(SEED, content_hash="mine", guild_id=GUILD)
    break_statement(monkeypatch, store, "insert_audit", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.remove_article(mine.article_id, GUILD, audit=AuditInfo(MOD))

    assert await store.get_article(mine.article_id, GUILD) is not None
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_a_failing_removal_writes_no_audit_row(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = await store.ingest_article(SEED, content_hash="mine", guild_id=GUILD)
    break_statement(monkeypatch, store, "delete_article", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.remove_article(mine.article_id, GUILD, audit=AuditInfo(MOD))

    assert await store.list_audit(GUILD, 10) == []
    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)


async def test_a_failing_audit_row_undoes_the_ingest(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_statement(monkeypatch, store, "insert_audit", FAILING_SQL)

    with pytest.raises(sqlite3.OperationalError):
        await store.ingest_article(SEED, content_hash="x", guild_id=GUILD, audit=AuditInfo(MOD))

    assert await store.counts() == StoreCounts(movies=0, articles=0, reactions=0)


async def test_a_failing_alias_or_rename_audit_undoes_the_change(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    break_statement(monkeypatch, store, "insert_audit", FAILING_SQL)

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
