"""A database written by an earlier release opens with today's store and answers the same."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from bot.store import open_sqlite_store
from bot.store.sqlite.migrate import load_migrations
from tests.unit.release_answers import answers, dumps

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RELEASE_DB = FIXTURES / "release-0.1.db"
RELEASE_ANSWERS = FIXTURES / "release-0.1.answers.json"


async def test_a_release_database_answers_as_the_release_did(tmp_path: Path) -> None:
    path = tmp_path / "reel.db"
    shutil.copyfile(RELEASE_DB, path)

    store = await open_sqlite_store(path)
    try:
        found = json.loads(dumps(await answers(store)))
    finally:
        await store.close()

    expected = json.loads(RELEASE_ANSWERS.read_text(encoding="utf-8"))
    # The release left the file at its own version; opening it applies any newer migration.
    assert expected.pop("schema_version") == 4
    assert found.pop("schema_version") == len(load_migrations())
    # Audit rows gained where they were made (migration 0005): the release's were all Discord.
    for entry in found["audit"]:
        assert entry.pop("via") == "discord"
    # Search pages gained whether their count was capped (SEARCH_CAP): none is, at this size.
    for key in [key for key in found if key.startswith("search_")]:
        assert found[key].pop("capped") is False
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        assert found[key] == value, key


async def test_opening_a_release_database_leaves_its_rows_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "reel.db"
    shutil.copyfile(RELEASE_DB, path)
    tables = ("movies", "articles", "reactions", "article_reactions", "audit_log", "schedules")

    with sqlite3.connect(path) as connection:
        columns = {
            table: ", ".join(row[1] for row in connection.execute(f"PRAGMA table_info({table})"))
            for table in tables
        }

    def rows() -> dict[str, list[tuple[object, ...]]]:
        """Return every row, in the columns the release wrote (later migrations add some)."""
        with sqlite3.connect(path) as connection:
            return {
                table: connection.execute(
                    f"SELECT {columns[table]} FROM {table} ORDER BY 1"  # noqa: S608
                ).fetchall()
                for table in tables
            }

    before = rows()
    store = await open_sqlite_store(path)
    await store.close()

    assert rows() == before
