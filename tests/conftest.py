"""Fixtures shared by every test layer: a migrated SQLite store on a real file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import SQLiteStore, open_sqlite_store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    """Give a migrated SQLiteStore on a file in tmp_path, closed after the test."""
    opened = await open_sqlite_store(tmp_path / "data" / "reactions.db")
    try:
        yield opened
    finally:
        await opened.close()
