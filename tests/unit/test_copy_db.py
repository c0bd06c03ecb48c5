"""`python -m bot copy-db`: a SQLite database moves into an empty PostgreSQL one, whole."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.records import AuditInfo
from bot.store import Store, open_sqlite_store
from bot.store.postgres import open_postgres_store
from bot.store.postgres.copy import copy_sqlite_to_postgres
from bot.store.postgres.migrate import postgres_migrations
from tests.pg_server import PostgresServer
from tests.unit.store_builders import article, post, spoilers, texts
from tests.unit.test_cli_errors import run_cli

GUILD = 111
NOW = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
MOD = AuditInfo(user_id=42, reason="tidy")


async def fill(store: Store) -> int:
    """Give every copied table rows, as the bot writes them; return the movie's id."""
    first = await store.ingest_article(
        article(post("Loved it", "a"), post("Too long", "b"), post("Spoilers ahead", "c")),
        content_hash="global",
    )
    movie_id = first.movie.id
    await store.ingest_article(
        article(post("Loved it", "a"), post("Our own take", "d"), spoiler=True),
        content_hash="guild",
        guild_id=GUILD,
        audit=MOD,
    )
    page = await store.reaction_page(movie_id, GUILD, offset=0, limit=10)
    ids = {reaction.text: reaction.id for reaction in page.reactions}
    await store.set_reaction_state(GUILD, ids["Too long"], hidden=True, reason="dull", audit=MOD)
    await store.set_reaction_state(GUILD, ids["Our own take"], featured=True, audit=MOD)
    await store.add_alias(movie_id, "twelfth", guild_id=GUILD, audit=MOD)
    await store.rename_movie(movie_id, GUILD, "12th Fail (2023)", audit=MOD)
    await store.update_guild_settings(GUILD, page_size=3, spoiler_mode="flagged", audit=MOD)
    schedule = await store.set_schedule(
        GUILD, 555, every="daily", at="10:00", movie_id=movie_id, now=NOW, audit=MOD
    )
    await store.complete_schedule_run(schedule.id, ids["Loved it"], now=NOW)
    await store.set_meta("commands_hash", "abc")
    return movie_id


async def test_copy_db_moves_every_table_and_the_copy_behaves_the_same(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    source_path = tmp_path / "data" / "reel.db"
    source = await open_sqlite_store(source_path)
    try:
        movie_id = await fill(source)
        before = await views(source, movie_id)
    finally:
        await source.close()
    url = await pg_server.create_database(migrated=False)

    result = run_cli("copy-db", "--to", url, cwd=tmp_path, env={"DATABASE_PATH": str(source_path)})

    assert result.returncode == 0, result.stderr
    assert "reactions: 4" in result.stdout
    assert "audit_log: 7" in result.stdout
    assert "counts verified" in result.stdout
    copy = await open_postgres_store(url)
    try:
        assert await views(copy, movie_id) == before
        # Ids continue after the copied ones.
        later = await copy.ingest_article(article(post("Later", "z")), content_hash="later")
        assert later.article_id == 3
        assert "Later" in await texts(copy, movie_id, GUILD)
    finally:
        await copy.close()


async def views(store: Store, movie_id: int) -> tuple[object, ...]:
    """Return what members and moderators see of the store."""
    return (
        await store.counts(),
        await store.reaction_page(movie_id, GUILD, offset=0, limit=10),
        await store.reaction_page(movie_id, None, offset=0, limit=10),
        await store.movie_names(GUILD),
        await store.get_guild_settings(GUILD),
        await store.list_audit(GUILD, 20),
        await store.list_schedules(GUILD),
        await store.pick_scheduled_reaction((await store.list_schedules(GUILD))[0].id),
        await store.get_meta("commands_hash"),
        await store.list_articles(GUILD, offset=0, limit=10),
        await store.search_reactions("loved", GUILD, offset=0, limit=10),
    )


async def test_copy_db_keeps_the_spoiler_flags(pg_server: PostgresServer, tmp_path: Path) -> None:
    source_path = tmp_path / "reel.db"
    source = await open_sqlite_store(source_path)
    try:
        shared, own = post("Shared ending", "s"), post("Own take", "o")
        await source.ingest_article(article(shared, post("Plain praise", "p")), content_hash="g")
        spoiling = [
            await source.ingest_article(article(shared, spoiler=True), content_hash=f"s{n}")
            for n in range(2)
        ]
        await source.ingest_article(
            article(shared, own, spoiler=True), content_hash="mine", guild_id=GUILD
        )
        movie_id = spoiling[0].movie.id
        before = [await spoilers(source, movie_id, viewer) for viewer in (None, GUILD)]
    finally:
        await source.close()
    url = await pg_server.create_database(migrated=False)

    await copy_sqlite_to_postgres(source_path, url, lambda _rows: None)

    copy = await open_postgres_store(url)
    try:
        assert [await spoilers(copy, movie_id, viewer) for viewer in (None, GUILD)] == before
        assert before[0] == {"Shared ending": True, "Plain praise": False}
        # The links carry their flags: both spoiler articles gone, the flag goes too.
        for stored in spoiling:
            await copy.remove_article(stored.article_id, None, include_global=True)
        assert await spoilers(copy, movie_id, None) == {**before[0], "Shared ending": False}
        assert await spoilers(copy, movie_id, GUILD) == before[1]
    finally:
        await copy.close()


async def test_copy_db_refuses_a_target_with_rows(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    source_path = tmp_path / "reel.db"
    source = await open_sqlite_store(source_path)
    try:
        await fill(source)
    finally:
        await source.close()
    url = await pg_server.create_database()
    target = await open_postgres_store(url)
    try:
        await target.set_meta("already", "here")
    finally:
        await target.close()

    result = run_cli("copy-db", "--to", url, cwd=tmp_path, env={"DATABASE_PATH": str(source_path)})

    assert result.returncode == 2
    assert "is not empty (1 in bot_meta)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    target = await open_postgres_store(url)
    try:
        assert (await target.counts()).articles == 0
    finally:
        await target.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///x.db", "--to must be a PostgreSQL URL"),
        ("postgresql://reel:hunter2@127.0.0.1:1/reel", "cannot open the database"),
    ],
)
def test_copy_db_says_what_is_wrong_in_one_line(tmp_path: Path, url: str, message: str) -> None:
    source = tmp_path / "reel.db"
    source.write_bytes(b"")  # SQLite reads an empty file as an empty database

    result = run_cli("copy-db", "--to", url, cwd=tmp_path, env={"DATABASE_PATH": str(source)})

    assert result.returncode in (2, 4)
    assert message in result.stderr
    assert "hunter2" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_check_and_backup_speak_of_the_postgresql_database(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    url = await pg_server.create_database()
    store = await open_postgres_store(url)
    try:
        await fill(store)
    finally:
        await store.close()
    env = {"DATABASE_URL": url}

    check = run_cli("check", cwd=tmp_path, env=env)
    backup = run_cli("backup", str(tmp_path / "copy.db"), cwd=tmp_path, env=env)

    assert check.returncode == 0, check.stderr
    assert f"schema version {len(postgres_migrations())}" in check.stdout
    assert "1 movie(s), 2 article(s), 4 reaction(s)" in check.stdout
    assert "integrity: ok" in check.stdout
    assert backup.returncode == 4
    assert "pg_dump" in backup.stderr
    assert len(backup.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "copy.db").exists()
