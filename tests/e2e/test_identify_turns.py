"""Issue 14: bot processes started together IDENTIFY one at a time, through PostgreSQL.

Three processes run one shard each of three (SHARD_COUNT=3, SHARD_IDS=0, 1, 2) on one
database. The fake's max_concurrency is 1, so the three shards share one bucket and the fake,
like Discord, refuses an IDENTIFY less than 5 s after the bucket's last session start.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.conftest import postgres_server
from tests.e2e.fake_discord import BotProcess, FakeDiscord, Guild
from tests.e2e.fake_discord.gateway import IDENTIFY_INTERVAL
from tests.e2e.helpers import obeying_discord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

NEEDS_POSTGRESQL = True
"""Left out, with the PostgreSQL half, where its binaries are missing (tests/conftest.py)."""
SHARDS = 3
READY = "Ready as"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(recommended_shards=SHARDS, max_concurrency=1) as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database_url() -> str:
    """Create this module's PostgreSQL database (skips the module without PostgreSQL)."""
    return await postgres_server().create_database()


async def until_ready(bot: BotProcess) -> None:
    """Return once the process logged that all of its shards are ready."""
    while READY not in bot.log_text():  # noqa: ASYNC110 - another process's log file
        await asyncio.sleep(0.1)


async def test_processes_started_together_identify_one_at_a_time(
    fake_discord: FakeDiscord, guild: Guild, database_url: str, tmp_path: Path
) -> None:
    bots = []
    for shard in range(SHARDS):
        workdir = tmp_path / f"shard-{shard}"
        workdir.mkdir()
        env = {"SHARD_COUNT": str(SHARDS), "SHARD_IDS": str(shard), "DATABASE_URL": database_url}
        bots.append(BotProcess(fake_discord, guild, workdir, extra_env=env))
    try:
        async with obeying_discord(fake_discord):
            await asyncio.gather(*(bot.start(timeout=60) for bot in bots))
            async with asyncio.timeout(60):
                await asyncio.gather(*(until_ready(bot) for bot in bots))
    finally:
        await asyncio.gather(*(bot.stop() for bot in bots))

    identifies = fake_discord.driver.calls("WS IDENTIFY", since=0)
    assert sorted(call.json["shard"] for call in identifies) == [[0, 3], [1, 3], [2, 3]]
    assert fake_discord.gateway.identify_refusals == []
    times = sorted(call.at for call in identifies)
    assert all(later - earlier >= IDENTIFY_INTERVAL for earlier, later in itertools.pairwise(times))
