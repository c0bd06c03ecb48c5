"""`python -m bot` refuses a database it cannot use with one line, before any network."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.store import open_sqlite_store
from bot.store.sqlite.migrate import load_migrations
from tests.e2e.fake_discord.process import REPO_ROOT

pytestmark = [pytest.mark.e2e]

REAL = load_migrations()
STARTUP_FAILED = 4  # bot.cli.ExitCode.STARTUP


class Listener:
    """A TCP port that counts connections: where the bot's Discord API is said to be."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()

    async def __aenter__(self) -> Listener:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


@pytest_asyncio.fixture
async def api() -> AsyncIterator[Listener]:
    async with Listener() as listener:
        yield listener


async def run_bot(database: Path, api: Listener, log_level: str) -> tuple[int, list[str]]:
    env = os.environ | {
        "DISCORD_TOKEN": "dummy-token",
        "DISCORD_API_BASE": f"http://127.0.0.1:{api.port}/api/v10",
        "DATABASE_PATH": str(database),
        "LOG_LEVEL": log_level,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert stdout == b""
    assert process.returncode is not None
    return process.returncode, stderr.decode().splitlines()


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


async def database_where_the_last_migration_fails(path: Path) -> str:
    """Migrate to the version before the last, then create what the last one creates.

    Returns SQLite's reason for the failure the last migration then meets.
    """
    store = await open_sqlite_store(path, migrations=REAL[:-1])
    await store.close()
    table = re.search(r"CREATE TABLE (\w+)", REAL[-1].sql)
    column = re.search(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", REAL[-1].sql)
    with sqlite3.connect(path) as connection:
        if table is not None:
            connection.execute(f"CREATE TABLE {table[1]} (x INTEGER)")
            return f"table {table[1]} already exists"
        assert column is not None, "the last migration neither creates a table nor adds a column"
        connection.execute(f"ALTER TABLE {column[1]} ADD COLUMN {column[2]} TEXT")
        return f"duplicate column name: {column[2]}"


async def test_a_failing_migration_is_one_line_and_leaves_the_version(
    tmp_path: Path, api: Listener
) -> None:
    database = tmp_path / "reel.db"
    reason = await database_where_the_last_migration_fails(database)

    code, lines = await run_bot(database, api, "WARNING")

    assert code == STARTUP_FAILED
    assert lines == [
        f"start-up failed: migration {REAL[-1].label} failed: {reason}; "
        f"the database is left at schema version {len(REAL) - 1}"
    ]
    assert user_version(database) == len(REAL) - 1
    assert api.connections == 0


async def test_a_database_newer_than_the_code_is_refused_in_one_line(
    tmp_path: Path, api: Listener
) -> None:
    database = tmp_path / "reel.db"
    with sqlite3.connect(database) as connection:
        connection.execute(f"PRAGMA user_version = {len(REAL) + 3}")

    code, lines = await run_bot(database, api, "WARNING")

    assert code == STARTUP_FAILED
    assert len(lines) == 1
    assert lines[0].startswith(
        f"start-up failed: the database is at schema version {len(REAL) + 3}"
    )
    assert user_version(database) == len(REAL) + 3
    assert api.connections == 0


async def test_a_file_that_is_not_a_database_is_refused_in_one_line(
    tmp_path: Path, api: Listener
) -> None:
    database = tmp_path / "reel.db"
    database.write_bytes(b"not a database " * 1_000)

    code, lines = await run_bot(database, api, "WARNING")

    assert code == STARTUP_FAILED
    assert len(lines) == 1
    assert lines[0].startswith("start-up failed: cannot open the database")
    assert api.connections == 0


async def test_at_the_default_log_level_the_refusal_ends_the_log_without_a_traceback(
    tmp_path: Path, api: Listener
) -> None:
    database = tmp_path / "reel.db"
    await database_where_the_last_migration_fails(database)

    code, lines = await run_bot(database, api, "INFO")

    assert code == STARTUP_FAILED
    assert lines[-1].startswith(f"start-up failed: migration {REAL[-1].label} failed")
    assert not any("Traceback" in line for line in lines)
    assert api.connections == 0


async def test_an_unreachable_api_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    async with Listener() as closed:
        pass  # the port is free again: nothing listens there now

    code, lines = await run_bot(tmp_path / "reel.db", closed, "WARNING")

    assert code == STARTUP_FAILED
    assert lines[-1].startswith("start-up failed: Cannot connect to host 127.0.0.1")
    assert not any("Traceback" in line for line in lines)
