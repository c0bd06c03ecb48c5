"""SQLite-only store checks: opening the file, WAL, constraints, and rows on disk.

Behaviour every backend shares lives in the contract modules (test_store*.py, run per
backend by the ``store`` fixture); these read SQLite's own files and errors.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import AuditInfo, GuildSettings, RemoveOutcome, RemoveResult, StoreCounts
from bot.store import Store, open_sqlite_store
from bot.store.sqlite.migrate import load_migrations
from tests.unit.store_builders import (
    article,
    break_statement,
    db_path,
    ids_by_text,
    post,
    query,
    texts,
)
from tests.unit.test_store_schedules import run_cycle

GUILD = 111
OTHER_GUILD = 222
MOD = 9001
CHANNEL = 5001
NOW = datetime(2024, 3, 10, 10, 15, tzinfo=UTC)


SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)

T = TypeVar("T")


def present(value: T | None) -> T:
    """Return ``value``, failing the test when the store answered None."""
    assert value is not None
    return value


@pytest.fixture
def backend() -> str:
    """Run this module on SQLite only: it reads SQLite's own files, errors or plans."""
    return "sqlite"


async def test_same_post_in_two_articles_is_one_reaction_with_two_sources(
    store: Store, tmp_path: Path
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


async def test_ingest_is_all_or_nothing_when_a_reaction_breaks_a_constraint(
    store: Store,
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
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.ingest_article(SEED, content_hash="seed")
    break_statement(
        monkeypatch, store, "insert_links", "INSERT INTO no_such_table VALUES (:article_id)"
    )

    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await store.ingest_article(
            article(post("New post"), movie="Another Movie"), content_hash="other"
        )

    assert await store.counts() == StoreCounts(movies=1, articles=1, reactions=3)
    assert query(db_path(tmp_path), "SELECT count(*) FROM article_reactions") == [(3,)]


async def test_unhiding_brings_a_reaction_back_and_clears_the_reason(
    store: Store, tmp_path: Path
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


async def test_open_creates_the_folder_and_turns_wal_on(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folders" / "reel.db"
    opened = await open_sqlite_store(path)
    try:
        assert path.exists()
        assert query(path, "PRAGMA journal_mode") == [("wal",)]
    finally:
        await opened.close()


async def test_foreign_keys_are_enforced_on_the_store_connection(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Skip the store's own existence check so only the foreign key can refuse the row.
    break_statement(monkeypatch, store, "reaction_exists", "SELECT :reaction_id")

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await store.set_reaction_state(GUILD, 999, hidden=True)


async def test_close_twice_is_harmless(tmp_path: Path) -> None:
    opened = await open_sqlite_store(tmp_path / "x.db")
    await opened.close()
    await opened.close()


async def test_deleting_an_article_updates_what_guilds_see(store: Store, tmp_path: Path) -> None:
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


@pytest.mark.parametrize("spoiler", [0, 1], ids=["plain", "spoiler"])
async def test_a_link_whose_spoiler_flag_is_not_its_articles_is_refused(
    store: Store, tmp_path: Path, spoiler: int
) -> None:
    result = await store.ingest_article(
        article(post("Kept"), spoiler=bool(spoiler)), content_hash="kept"
    )
    link = (
        "INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id, "
        "spoiler) VALUES (?, 1, 1, ?, 0, ?)"
    )

    with (
        sqlite3.connect(db_path(tmp_path)) as connection,
        pytest.raises(sqlite3.IntegrityError, match="spoiler must be its article's"),
    ):
        connection.execute(link, (result.article_id, result.movie.id, 1 - spoiler))

    assert query(db_path(tmp_path), "SELECT count(*) FROM article_reactions") == [(1,)]


async def test_known_reaction_count_predicts_ingest_and_writes_nothing(
    store: Store, tmp_path: Path
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


async def test_removing_an_own_article_drops_the_reactions_only_it_quoted(
    store: Store, tmp_path: Path
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


async def test_curating_another_guilds_reaction_fails_closed(store: Store, tmp_path: Path) -> None:
    theirs = await store.ingest_article(SEED, content_hash="theirs", guild_id=OTHER_GUILD)
    target = (await ids_by_text(store, theirs.movie.id, OTHER_GUILD))["First!"]

    hid = await store.set_reaction_state(GUILD, target, hidden=True, audit=AuditInfo(MOD))
    featured = await store.set_reaction_state(GUILD, target, featured=True)

    assert (hid, featured) == (False, False)
    assert query(db_path(tmp_path), "SELECT count(*) FROM reaction_state") == [(0,)]
    assert await store.list_audit(GUILD, 10) == []
    assert not await store.set_reaction_state(GUILD, 404, hidden=True)


async def test_removing_a_posted_article_and_stopping_clean_up_the_cycle(
    store: Store, tmp_path: Path
) -> None:
    mine = await store.ingest_article(
        article(post("a", "a"), post("b", "b")), content_hash="mine", guild_id=GUILD
    )
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    assert await run_cycle(store, schedule, 1) == ["a"]

    await store.remove_article(mine.article_id, GUILD)

    assert await store.pick_scheduled_reaction(schedule.id) is None
    assert await store.stop_schedule(GUILD, CHANNEL)
    rows = "SELECT count(*) FROM schedule_posts"
    with sqlite3.connect(db_path(tmp_path)) as connection:
        assert connection.execute(rows).fetchall() == [(0,)]


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


async def test_check_and_backup_report_the_same_database(store: Store, tmp_path: Path) -> None:
    article = Article(
        title=None,
        movie=MovieRef.from_title("Quiet Engine"),
        spoiler=False,
        published=None,
        source=None,
        reactions=(Reaction(platform="twitter", text="one"), Reaction(platform="x", text="two")),
    )
    await store.ingest_article(article, content_hash="quiet")
    checked = await store.check()
    assert checked.problems == ()
    assert checked.counts is not None
    assert checked.counts.reactions == 2
    copy = tmp_path / "copy.db"
    backed_up = await store.backup(copy)
    assert (backed_up.schema_version, backed_up.counts) == (checked.schema_version, checked.counts)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM reactions").fetchone() == (2,)


async def test_a_page_reads_while_another_process_writes(store: Store, tmp_path: Path) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    writer = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM article_reactions")
        page = await store.reaction_page(result.movie.id, GUILD, offset=0, limit=5)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert [reaction.text for reaction in page.reactions] == ["First!", "Second", "Third"]


class _BusyReader:
    """A reader connection that finds the file busy, as during another process's WAL recovery."""

    def execute(self, sql: str, params: object) -> sqlite3.Cursor:
        raise sqlite3.OperationalError("database is locked")

    def close(self) -> None:
        pass


async def test_a_page_the_event_loops_reader_cannot_read_comes_from_the_thread(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = await store.ingest_article(SEED, content_hash="seed")
    monkeypatch.setattr(store.database, "_reader", _BusyReader())

    page = await store.reaction_page(result.movie.id, GUILD, offset=0, limit=5)

    assert [reaction.text for reaction in page.reactions] == ["First!", "Second", "Third"]


async def test_a_hide_written_without_its_movie_still_hides(store: Store, tmp_path: Path) -> None:
    # As a bulk load or an older tool writes it: reaction_state without movie_id.
    result = await store.ingest_article(SEED, content_hash="seed")
    second = (await ids_by_text(store, result.movie.id, GUILD))["Second"]
    with sqlite3.connect(db_path(tmp_path)) as connection:
        connection.execute(
            "INSERT INTO reaction_state (guild_id, reaction_id, hidden) VALUES (?, ?, 1)",
            (GUILD, second),
        )

    page = await store.reaction_page(result.movie.id, GUILD, offset=0, limit=5)

    assert [reaction.text for reaction in page.reactions] == ["First!", "Third"]
    assert page.total == 2
    assert query(db_path(tmp_path), "SELECT movie_id FROM reaction_state") == [(result.movie.id,)]
