"""What only PostgreSQL has: concurrent transactions, a shared server, restarts, a URL.

The contract suite (tests/unit/test_store*.py) already runs every store behaviour on
PostgreSQL; these tests check what a one-connection SQLite file never meets.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.config import ConfigError, Settings
from bot.domain.errors import StoreError, StoreUnavailable
from bot.domain.records import StoreCounts
from bot.store import Store, open_store
from bot.store.port import Statement
from bot.store.postgres import PostgresDatabase, open_postgres_store
from bot.store.postgres.database import safe_url
from bot.store.postgres.migrate import postgres_migrations
from tests.pg_server import BINDIR_VARIABLE, PostgresServer
from tests.unit.store_builders import article, check_migrated_spoilers, post, texts

GUILD = 111
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def pg_store(pg_server: PostgresServer) -> AsyncIterator[Store]:
    """Give a store on the run's PostgreSQL server, emptied."""
    opened = await pg_server.open_store()
    try:
        yield opened
    finally:
        await opened.close()


def slow_statement(store: Store, name: str, sql: str, parameters: tuple[str, ...]) -> None:
    """Make the store run ``sql`` for ``name`` (the test's own store: no need to restore)."""
    database = store.database
    assert isinstance(database, PostgresDatabase)
    database.statements[name] = Statement(name, sql, parameters)


# Concurrency: ingests run side by side, each on its own pooled connection.
async def test_concurrent_ingests_of_one_article_store_it_once(pg_store: Store) -> None:
    seed = article(*(post(f"post {n}", f"h{n}") for n in range(40)))

    results = await asyncio.gather(
        *(pg_store.ingest_article(seed, content_hash="same") for _ in range(8))
    )

    assert [result.created for result in results].count(True) == 1
    assert {result.article_id for result in results} == {results[0].article_id}
    assert await pg_store.counts() == StoreCounts(movies=1, articles=1, reactions=40)


async def test_concurrent_ingests_quoting_the_same_posts_store_each_post_once(
    pg_store: Store,
) -> None:
    shared = [post(f"shared {n}", f"s{n}") for n in range(30)]
    articles = [
        article(*shared, post(f"own {number}", f"o{number}"), title=f"Article {number}")
        for number in range(8)
    ]

    results = await asyncio.gather(
        *(
            pg_store.ingest_article(item, content_hash=f"article {number}")
            for number, item in enumerate(articles)
        )
    )

    assert all(result.created for result in results)
    assert sorted(result.known_reactions for result in results) == [0] + [30] * 7
    assert await pg_store.counts() == StoreCounts(movies=1, articles=8, reactions=38)
    movie_id = results[0].movie.id
    assert len(await texts(pg_store, movie_id, None)) == 38


async def test_reads_run_while_a_write_is_in_flight(pg_store: Store) -> None:
    await pg_store.ingest_article(article(post("seen", "a")), content_hash="first")
    slow_statement(
        pg_store,
        "count_known_staged",
        "SELECT count(*) * 0 FROM pg_temp.ingest_staging CROSS JOIN (SELECT pg_sleep(2)) AS p "
        "WHERE $1::bigint IS NOT NULL",
        ("movie_id",),
    )
    writing = asyncio.create_task(
        pg_store.ingest_article(article(post("later", "b")), content_hash="second")
    )
    await asyncio.sleep(0.3)

    # The read does not wait for the write, and does not see it half-done.
    counts = await asyncio.wait_for(pg_store.counts(), timeout=1.5)
    assert counts == StoreCounts(movies=1, articles=1, reactions=1)
    await writing
    assert await pg_store.counts() == StoreCounts(movies=1, articles=2, reactions=2)


async def test_changes_from_two_processes_at_once_are_all_kept(pg_server: PostgresServer) -> None:
    url = await pg_server.create_database()
    # Two stores on one database: two bot processes, each with its own pool.
    first, second = await asyncio.gather(open_postgres_store(url), open_postgres_store(url))
    try:
        await asyncio.gather(
            first.update_guild_settings(GUILD, page_size=3),
            second.update_guild_settings(GUILD, spoiler_mode="flagged"),
            first.update_guild_settings(GUILD, mod_role_id=77),
            second.set_meta("seen", "yes"),
        )

        settings = await second.get_guild_settings(GUILD)
    finally:
        await first.close()
        await second.close()
    assert (settings.page_size, settings.spoiler_mode, settings.mod_role_id) == (3, "flagged", 77)


# Migrations: once, under a lock, whoever starts first.
async def test_two_processes_starting_together_migrate_once(pg_server: PostgresServer) -> None:
    url = await pg_server.create_database(migrated=False)

    stores = await asyncio.gather(*(open_postgres_store(url) for _ in range(4)))
    try:
        latest = len(postgres_migrations())
        assert [await store.schema_version() for store in stores] == [latest] * 4
    finally:
        for store in stores:
            await store.close()
    connection = await asyncpg.connect(url)
    try:
        applied = await connection.fetch("SELECT version, name FROM schema_version ORDER BY 1")
    finally:
        await connection.close()
    # Each migration once, in order: no process applied one a second time.
    expected = [(migration.version, migration.name) for migration in postgres_migrations()]
    assert [(row["version"], row["name"]) for row in applied] == expected


async def test_spoiler_flags_are_filled_for_existing_rows(
    pg_server: PostgresServer,
) -> None:
    # A database from before 0005, as tests/unit/test_migrations.py's SQLite one: post 1 is
    # quoted by two global spoiler articles and a plain one, post 2 by the plain one only,
    # post 3 by guild 7's spoiler article, which also quotes post 2; post 4 by guild 8's.
    url = await pg_server.create_database(migrated=False)
    await (await open_postgres_store(url, migrations=postgres_migrations()[:4])).close()
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            """
            INSERT INTO movies (id, title, slug) VALUES (1, 'One', 'one');
            INSERT INTO articles (id, guild_id, content_hash, movie_id, spoiler)
            VALUES (1, 0, 'spoiler', 1, true), (2, 0, 'again', 1, true),
                   (3, 0, 'plain', 1, false), (4, 7, 'own', 1, true), (5, 8, 'theirs', 1, false);
            INSERT INTO reactions (id, movie_id, key_hash, platform, text)
            SELECT id, 1, sha256(text::bytea), 'x', text
            FROM (VALUES (1, 'twice'), (2, 'plain'), (3, 'own'), (4, 'theirs')) AS p (id, text);
            INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id)
            VALUES (1, 0, 1, 1, 0), (2, 0, 1, 1, 0), (3, 0, 1, 1, 0), (3, 1, 2, 1, 0),
                   (4, 0, 3, 1, 7), (4, 1, 2, 1, 7), (5, 0, 4, 1, 8);
            """
        )
    finally:
        await connection.close()

    store = await open_postgres_store(url)
    try:
        assert (await store.check()).problems == ()
        await check_migrated_spoilers(store)
    finally:
        await store.close()


async def test_a_link_without_its_spoiler_flag_is_refused(pg_store: Store) -> None:
    await pg_store.ingest_article(article(post("Kept")), content_hash="kept")
    database = pg_store.database
    assert isinstance(database, PostgresDatabase)

    async with database.pool.acquire() as connection:
        with pytest.raises(asyncpg.NotNullViolationError, match="spoiler"):
            await connection.execute(
                "INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, "
                "guild_id) VALUES (1, 1, 1, 1, 0)"
            )


async def test_no_trigram_index_is_kept_up_to_date_for_nothing(
    pg_store: Store,
) -> None:
    database = pg_store.database
    assert isinstance(database, PostgresDatabase)
    async with database.pool.acquire() as connection:
        trigram = await connection.fetch(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'"
        )
    assert trigram == []  # names are ranked in memory (bot/store/directory.py)


async def test_check_reports_spoiler_flags_that_disagree(pg_store: Store) -> None:
    await pg_store.ingest_article(article(post("One"), post("Two")), content_hash="plain")
    database = pg_store.database
    assert isinstance(database, PostgresDatabase)
    async with database.pool.acquire() as connection:
        # Nothing writes these but an article's insert: made wrong by hand.
        await connection.execute("UPDATE articles SET spoiler = true WHERE id = 1")

    problems = (await pg_store.check()).problems

    assert problems == ("article 1 is a spoiler but its links say otherwise",)


async def test_a_database_newer_than_the_code_is_refused(pg_server: PostgresServer) -> None:
    url = await pg_server.create_database()
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("INSERT INTO schema_version (version, name) VALUES (99, 'x')")
    finally:
        await connection.close()

    with pytest.raises(StoreError, match="schema version 99, newer than this code"):
        await open_postgres_store(url)


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    with pytest.raises(StoreError) as raised:
        await open_postgres_store("postgresql://reel:hunter2@127.0.0.1:1/reel")

    message = str(raised.value)
    assert "cannot open the database postgresql://reel@127.0.0.1:1/reel" in message
    assert "hunter2" not in message
    assert "\n" not in message


# Search: words of any language, matched as words.
async def test_search_finds_words_of_many_languages(pg_store: Store) -> None:
    result = await pg_store.ingest_article(
        article(
            post("Ein großartiger Film, wirklich", "de"),
            post("これは 傑作 です", "ja"),
            post("Фильм просто шедевр", "ru"),
            post("The films were great", "en"),
        ),
        content_hash="languages",
    )

    async def found(query: str) -> list[str]:
        page = await pg_store.search_reactions(query, GUILD, offset=0, limit=10)
        return [reaction.text for reaction in page.reactions]

    assert await found("großartiger") == ["Ein großartiger Film, wirklich"]
    assert await found("шедевр") == ["Фильм просто шедевр"]
    assert await found("傑作") == ["これは 傑作 です"]
    # The 'simple' configuration neither stems nor drops stop words: "film" is not "films".
    assert await found("film") == ["Ein großartiger Film, wirklich"]
    assert await found("the films") == ["The films were great"]
    assert result.new_reactions == 4


# Faults: the server restarts under the bot.
async def test_a_restart_in_flight_is_try_again_and_leaves_nothing_half_written(
    pg_server: PostgresServer, pg_store: Store
) -> None:
    confirmed = await pg_store.ingest_article(
        article(post("confirmed", "a")), content_hash="before"
    )
    slow_statement(
        pg_store,
        "count_known_staged",
        "SELECT count(*) * 0 FROM pg_temp.ingest_staging CROSS JOIN (SELECT pg_sleep(30)) AS p "
        "WHERE $1::bigint IS NOT NULL",
        ("movie_id",),
    )
    in_flight = asyncio.create_task(
        pg_store.ingest_article(
            article(*(post(f"half {n}", f"h{n}") for n in range(20)), movie="Other Movie"),
            content_hash="during",
        )
    )
    await asyncio.sleep(0.5)

    await asyncio.to_thread(pg_server.restart)

    with pytest.raises(StoreUnavailable):
        await in_flight
    # The pool reconnects: the next command works, and sees only what was confirmed.
    assert await pg_store.counts() == StoreCounts(movies=1, articles=1, reactions=1)
    assert await texts(pg_store, confirmed.movie.id, None) == ["confirmed"]


async def test_connections_ended_by_the_server_are_replaced(
    pg_server: PostgresServer, pg_store: Store
) -> None:
    await pg_store.set_meta("k", "v")
    admin = await asyncpg.connect(pg_server.url())
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname <> 'postgres' AND backend_type = 'client backend'"
        )
    finally:
        await admin.close()
    await asyncio.sleep(0.2)

    assert await pg_store.get_meta("k") == "v"


async def test_reads_give_their_connection_back_without_a_reset(
    pg_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await pg_store.set_meta("k", "v")
    sent: list[str] = []
    execute = asyncpg.Connection.execute

    async def recording(connection: asyncpg.Connection, query: str, *args: object) -> str:
        sent.append(query)
        return await execute(connection, query, *args)

    monkeypatch.setattr(asyncpg.Connection, "execute", recording)
    database = pg_store.database
    assert isinstance(database, PostgresDatabase)
    async with database.pool.acquire() as connection:
        reset = connection.get_reset_query()
    sent.clear()

    assert await pg_store.get_meta("k") == "v"
    await pg_store.set_meta("k", "w")
    await database.read("find_movie", {"slug": "nothing", "guild": GUILD})

    assert reset not in sent


async def test_a_connection_used_outside_the_store_is_reset_when_given_back(
    pg_server: PostgresServer, pg_store: Store
) -> None:
    database = pg_store.database
    assert isinstance(database, PostgresDatabase)
    async with database.pool.acquire() as connection:
        await connection.execute("SELECT pg_advisory_lock(4242)")  # session-level
    admin = await asyncpg.connect(pg_server.url())
    try:
        held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
        assert await admin.fetchval(held) == 0
    finally:
        await admin.close()


# Choosing the backend.
def test_database_url_must_be_postgresql() -> None:
    with pytest.raises(ConfigError, match=r"postgresql://") as raised:
        Settings.from_env({"DATABASE_URL": "mysql://root:secret@db/reel"})

    assert "secret" not in str(raised.value)
    assert Settings.from_env({}).database_url is None
    url = Settings.from_env({"DATABASE_URL": "postgres://u:p@h/d"}).database_url
    assert url is not None
    assert url.reveal() == "postgres://u:p@h/d"
    assert "p@h" not in repr(url)


def test_safe_url_drops_the_password() -> None:
    assert safe_url("postgresql://reel:s3cret@db.example:5433/reel") == (
        "postgresql://reel@db.example:5433/reel"
    )


async def test_open_store_picks_postgresql_by_url(pg_server: PostgresServer) -> None:
    url = await pg_server.emptied_database()
    settings = Settings.from_env({"DATABASE_URL": url, "DATABASE_PATH": "unused.db"})

    opened = await open_store(settings)
    try:
        assert isinstance(opened.database, PostgresDatabase)
        await opened.set_meta("backend", "postgresql")
        assert await opened.get_meta("backend") == "postgresql"
    finally:
        await opened.close()


def test_without_postgresql_binaries_the_run_says_so_in_one_skip_line(tmp_path: Path) -> None:
    env = os.environ | {BINDIR_VARIABLE: str(tmp_path / "no-postgresql-here")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/unit/test_store.py", "-k", "ingest_same_article_twice or ingest_stores_movie"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skips) == 1
    assert skips[0].startswith("SKIPPED [2] PostgreSQL half: PostgreSQL server binaries")
    assert "2 passed" in result.stdout
