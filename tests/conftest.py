"""Fixtures shared by every test layer: a migrated store, once per backend, on a real file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store, open_sqlite_store

BACKENDS = ["sqlite"]
"""Every backend the store's behaviour is checked on; PostgreSQL joins with its issue."""


async def open_backend(backend: str, tmp_path: Path) -> Store:
    """Open a fresh, migrated store of ``backend`` for one test."""
    if backend == "sqlite":
        return await open_sqlite_store(tmp_path / "data" / "reactions.db")
    raise AssertionError(f"unknown backend {backend!r}")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Name the backend the test runs on."""
    return str(request.param)


@pytest.fixture
async def store(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    """Give a migrated store of each backend, on a fresh database, closed after the test."""
    opened = await open_backend(backend, tmp_path)
    try:
        yield opened
    finally:
        await opened.close()
