"""Start-up refusals of the database: old SQLite, failed or unknown migrations; the log."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord_ui.client import open_store
from bot.domain.errors import StoreError
from bot.store import open_sqlite_store
from bot.store.sqlite.migrate import MIN_SQLITE, Migration, check_sqlite_version, load_migrations

REAL = load_migrations()


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def test_sqlite_older_than_the_schema_needs_is_refused_in_one_line() -> None:
    with pytest.raises(StoreError) as caught:
        check_sqlite_version((3, 31, 1))

    message = str(caught.value)
    assert message.startswith("SQLite 3.31.1 is too old: Reaction Reel needs 3.35.0 or later")
    assert "\n" not in message
    check_sqlite_version(MIN_SQLITE)
    check_sqlite_version()  # the library these tests run on


async def test_old_sqlite_is_refused_before_the_database_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "reel.db"
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 34, 0))

    with pytest.raises(StoreError, match="too old"):
        await open_sqlite_store(path)

    monkeypatch.undo()
    assert user_version(path) == 0


async def test_failed_migration_says_which_and_where_the_database_stays(tmp_path: Path) -> None:
    path = tmp_path / "reel.db"
    store = await open_sqlite_store(path, migrations=REAL[:-1])
    await store.close()
    broken = Migration(len(REAL), "broken", "CREATE TABLE half (x);\nSELECT * FROM nowhere;\n")

    with pytest.raises(StoreError) as caught:
        await open_sqlite_store(path, migrations=[*REAL[:-1], broken])

    assert str(caught.value) == (
        f"migration {broken.label} failed: no such table: nowhere; "
        f"the database is left at schema version {len(REAL) - 1}"
    )
    assert user_version(path) == len(REAL) - 1
    with sqlite3.connect(path) as connection:
        assert (
            connection.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchall()
            == []
        )


async def test_start_up_logs_the_sqlite_version_and_the_schema(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.from_env({"DATABASE_PATH": str(tmp_path / "reel.db")})
    caplog.set_level(logging.INFO, logger="bot.discord_ui.client")

    store = await open_store(settings)
    await store.close()

    messages = [
        record.getMessage() for record in caplog.records if record.name == "bot.discord_ui.client"
    ]
    assert f"Using SQLite {sqlite3.sqlite_version}" in messages
    assert any(f"at schema version {len(REAL)}" in message for message in messages)
