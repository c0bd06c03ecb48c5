"""Fixtures of the web panel tests: the fake Discord and a seeded store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.e2e.fake_discord import FakeDiscord
from tests.web.harness import World, seed


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """Give the fake Discord with two servers and a seeded store, closed after the test."""
    async with FakeDiscord() as fake:
        seeded = await seed(fake, tmp_path)
        try:
            yield seeded
        finally:
            await seeded.store.close()
