"""The migration runner: numbering, atomic application, refusal of newer databases."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.errors import StoreError
from bot.store import open_sqlite_store
from bot.store.sqlite.migrate import Migration, check_numbering, load_migrations, migrate
from tests.unit.store_builders import check_migrated_spoilers

REAL = load_migrations()
LATEST = len(REAL)
BAD = Migration(
    version=LATEST + 1,
    name="broken",
    sql="CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
)


def read(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def tables(path: Path) -> set[str]:
    return {
        str(row[0]) for row in read(path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }


def user_version(path: Path) -> int:
    return int(str(read(path, "PRAGMA user_version")[0][0]))


@pytest.fixture
async def connection(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    opened = await aiosqlite.connect(tmp_path / "m.db", isolation_level=None)
    try:
        yield opened
    finally:
        await opened.close()


# Numbering


def test_shipped_migrations_are_numbered_from_0001_without_gaps() -> None:
    assert [m.version for m in REAL] == list(range(1, LATEST + 1))
    assert REAL[0].label == "0001_initial"


def test_every_sql_file_in_the_package_is_a_migration() -> None:
    folder = resources.files("bot.store.sqlite").joinpath("migrations")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))

    assert files == [f"{m.label}.sql" for m in REAL]


@pytest.mark.parametrize(
    "versions",
    [[1, 3], [2], [1, 1], [2, 1]],
    ids=["gap", "not-from-one", "repeat", "out-of-order"],
)
def test_numbering_must_be_contiguous_from_one(versions: list[int]) -> None:
    migrations = [Migration(v, f"step{n}", "SELECT 1;") for n, v in enumerate(versions)]

    with pytest.raises(StoreError, match="without gaps"):
        check_numbering(migrations)


def test_loading_a_package_with_a_gap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "gappy_migrations_pkg"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "migrations" / "0001_first.sql").write_text("CREATE TABLE a (x);")
    (package / "migrations" / "0003_third.sql").write_text("CREATE TABLE c (x);")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "gappy_migrations_pkg", raising=False)

    with pytest.raises(StoreError, match="expected 0002, found 0003_third"):
        load_migrations("gappy_migrations_pkg")


def test_a_misnamed_sql_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "misnamed_migrations_pkg"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "migrations" / "0001_first.sql").write_text("CREATE TABLE a (x);")
    (package / "migrations" / "2_second.sql").write_text("CREATE TABLE b (x);")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "misnamed_migrations_pkg", raising=False)

    with pytest.raises(StoreError, match=r"2_second\.sql"):
        load_migrations("misnamed_migrations_pkg")


# Applying


async def test_fresh_database_reaches_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    store = await open_sqlite_store(path)
    try:
        assert await store.schema_version() == LATEST
    finally:
        await store.close()

    assert user_version(path) == LATEST
    assert {"movies", "movie_aliases", "articles", "reactions", "article_reactions"} <= tables(path)
    assert {"reaction_state", "reactions_fts"} <= tables(path)


async def test_reopening_an_up_to_date_database_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    first = await open_sqlite_store(path)
    await first.close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO movies (title, slug) VALUES ('Kept', 'kept')")

    second = await open_sqlite_store(path)
    try:
        assert await second.schema_version() == LATEST
        assert (await second.counts()).movies == 1
    finally:
        await second.close()


async def test_only_newer_migrations_are_applied(connection: aiosqlite.Connection) -> None:
    extra = Migration(LATEST + 1, "extra", "CREATE TABLE extra (x INTEGER);")

    assert await migrate(connection, REAL) == LATEST
    assert await migrate(connection, [*REAL, extra]) == LATEST + 1
    # Applying the same list again is a no-op, not a "table already exists" failure.
    assert await migrate(connection, [*REAL, extra]) == LATEST + 1


async def test_a_failing_migration_rolls_back_and_keeps_the_version(
    tmp_path: Path, connection: aiosqlite.Connection
) -> None:
    await migrate(connection, REAL)

    with pytest.raises(StoreError) as caught:
        await migrate(connection, [*REAL, BAD])

    message = str(caught.value)
    assert f"{BAD.label} failed" in message
    assert "no_such_table" in message
    assert "\n" not in message
    assert not connection.in_transaction
    assert user_version(tmp_path / "m.db") == LATEST
    assert "half_done" not in tables(tmp_path / "m.db")


async def test_a_failing_first_migration_leaves_an_empty_database(
    tmp_path: Path, connection: aiosqlite.Connection
) -> None:
    broken = Migration(1, "broken", BAD.sql)

    with pytest.raises(StoreError, match="0001_broken failed"):
        await migrate(connection, [broken])

    assert user_version(tmp_path / "m.db") == 0
    assert tables(tmp_path / "m.db") == set()


async def test_open_refuses_a_failing_migration_and_closes(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"

    with pytest.raises(StoreError, match=f"{BAD.label} failed"):
        await open_sqlite_store(path, migrations=[*REAL, BAD])

    assert user_version(path) == LATEST
    # The earlier migrations were each committed: the next start carries on from there.
    store = await open_sqlite_store(path)
    await store.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST + 5}")

    with pytest.raises(StoreError, match="newer than this code") as caught:
        await open_sqlite_store(path)

    assert "\n" not in str(caught.value)
    assert user_version(path) == LATEST + 5


async def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the pages you are looking for" * 100)

    with pytest.raises(StoreError, match="cannot open the database"):
        await open_sqlite_store(path)


async def test_a_script_ending_in_a_comment_still_records_its_version(
    tmp_path: Path, connection: aiosqlite.Connection
) -> None:
    ends_in_comment = Migration(1, "comment", "CREATE TABLE t (x INTEGER) -- no semicolon")

    assert await migrate(connection, [ends_in_comment]) == 1
    assert "t" in tables(tmp_path / "m.db")


async def test_migrations_leave_wal_mode_and_foreign_keys_intact(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    store = await open_sqlite_store(path)
    await store.close()

    assert read(path, "PRAGMA journal_mode") == [("wal",)]
    assert read(path, "PRAGMA foreign_key_check") == []
    assert read(path, "PRAGMA integrity_check") == [("ok",)]


async def test_movie_global_reactions_are_counted_for_existing_rows(
    connection: aiosqlite.Connection,
) -> None:
    # A database from before 0009: one movie's posts quoted by a global article, a guild's
    # article, or both; another movie's post only by the guild.
    await migrate(connection, [m for m in REAL if m.version < 9])
    await connection.executescript(
        """
        INSERT INTO movies (id, title, slug) VALUES (1, 'One', 'one'), (2, 'Two', 'two');
        INSERT INTO articles (id, guild_id, content_hash, movie_id)
        VALUES (1, 0, 'g', 1), (2, 7, 'own', 1), (3, 7, 'own two', 2);
        INSERT INTO reactions (id, movie_id, key_hash, platform, text)
        VALUES (1, 1, zeroblob(32), 'x', 'both'), (2, 1, randomblob(32), 'x', 'global'),
               (3, 1, randomblob(32), 'x', 'guild'), (4, 2, randomblob(32), 'x', 'guild');
        INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id)
        VALUES (1, 0, 1, 1, 0), (1, 1, 2, 1, 0), (2, 0, 1, 1, 7), (2, 1, 3, 1, 7),
               (3, 0, 4, 2, 7);
        """
    )

    await migrate(connection, REAL)

    async with connection.execute("SELECT id, global_reactions FROM movies ORDER BY id") as rows:
        assert [tuple(row) for row in await rows.fetchall()] == [(1, 2), (2, 0)]


async def test_spoiler_flags_are_filled_for_existing_rows(
    tmp_path: Path, connection: aiosqlite.Connection
) -> None:
    # A database from before 0010: post 1 is quoted by two global spoiler articles and a
    # plain one, post 2 by the plain one only, post 3 by guild 7's spoiler article, which
    # also quotes post 2; post 4 by guild 8's plain article.
    await migrate(connection, [m for m in REAL if m.version < 10])
    await connection.executescript(
        """
        INSERT INTO movies (id, title, slug) VALUES (1, 'One', 'one');
        INSERT INTO articles (id, guild_id, content_hash, movie_id, spoiler)
        VALUES (1, 0, 'spoiler', 1, 1), (2, 0, 'again', 1, 1), (3, 0, 'plain', 1, 0),
               (4, 7, 'own', 1, 1), (5, 8, 'theirs', 1, 0);
        INSERT INTO reactions (id, movie_id, key_hash, platform, text)
        VALUES (1, 1, randomblob(32), 'x', 'twice'), (2, 1, randomblob(32), 'x', 'plain'),
               (3, 1, randomblob(32), 'x', 'own'), (4, 1, randomblob(32), 'x', 'theirs');
        INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id)
        VALUES (1, 0, 1, 1, 0), (2, 0, 1, 1, 0), (3, 0, 1, 1, 0), (3, 1, 2, 1, 0),
               (4, 0, 3, 1, 7), (4, 1, 2, 1, 7), (5, 0, 4, 1, 8);
        """
    )

    await migrate(connection, REAL)
    await connection.close()

    store = await open_sqlite_store(tmp_path / "m.db")
    try:
        await check_migrated_spoilers(store)
    finally:
        await store.close()
