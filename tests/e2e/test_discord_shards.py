"""Issue 12 finding 13: sharding. The fake recommends two shards and holds two guilds, one
on each (``(guild_id >> 22) % 2``); each test starts its own bot process (an AutoShardedBot
with SHARD_COUNT/SHARD_IDS) against a fake Discord of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.conftest import checked_fake
from tests.e2e.fake_discord import BotProcess, FakeDiscord, Guild
from tests.e2e.fake_discord.gateway import shard_of
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.helpers import obeying_discord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SHARDS = 2


@pytest_asyncio.fixture(loop_scope="module")
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """Give the test a fake Discord (an application) of its own.

    Its bot, on a database of its own, cannot know when another test's bot identified: on
    a fake of its own none did, so it need not wait out that one's 5 s session start window.
    """
    async with checked_fake(recommended_shards=SHARDS) as fake:
        yield fake


@pytest_asyncio.fixture(loop_scope="module")
async def guild(fake_discord: FakeDiscord) -> Guild:
    """Create the test's guild (its id is the bot's DEV_GUILD_ID)."""
    return await fake_discord.driver.create_guild("Reel Test Guild")


@pytest_asyncio.fixture(loop_scope="module")
async def other_guild(fake_discord: FakeDiscord, guild: Guild) -> Guild:
    """A second guild, on the other shard than the test's (dev) guild."""
    while True:
        found = await fake_discord.driver.create_guild("Other Shard")
        if shard_of(found.id, SHARDS) != shard_of(guild.id, SHARDS):
            return found
        await asyncio.sleep(0.002)  # the next snowflake's timestamp moves on


def identify_on(shard: list[int]) -> Callable[[Call], bool]:
    def predicate(call: Call) -> bool:
        return (call.method, call.path) == ("WS", "IDENTIFY") and call.json.get("shard") == shard

    return predicate


@asynccontextmanager
async def running(
    fake: FakeDiscord, guild: Guild, workdir: Path, env: Mapping[str, str] | None = None
) -> AsyncIterator[BotProcess]:
    bot = BotProcess(fake, guild, workdir, extra_env=env)
    try:
        await bot.start(timeout=30)
        yield bot
    finally:
        await bot.stop()


async def answers_in(fake: FakeDiscord, guild: Guild) -> None:
    driver = fake.driver
    await driver.send_message(guild.channel, guild.member, "!reactions 12thfail")
    reply = await driver.wait_for(f"POST /channels/{guild.channel.id}/messages", timeout=10)
    assert reply.json["content"].startswith("**12th Fail**")


async def test_bot_runs_the_recommended_shards(
    fake_discord: FakeDiscord, guild: Guild, other_guild: Guild, tmp_path: Path
) -> None:
    since = fake_discord.driver.mark()
    async with obeying_discord(fake_discord), running(fake_discord, guild, tmp_path):
        for shard in range(SHARDS):
            await fake_discord.driver.wait_for(
                identify_on([shard, SHARDS]), timeout=20, since=since
            )
        await answers_in(fake_discord, guild)
        await answers_in(fake_discord, other_guild)


async def test_shard_ids_pick_the_shards_this_process_runs(
    fake_discord: FakeDiscord, guild: Guild, other_guild: Guild, tmp_path: Path
) -> None:
    mine = shard_of(other_guild.id, SHARDS)
    since = fake_discord.driver.mark()
    env = {"SHARD_COUNT": str(SHARDS), "SHARD_IDS": str(mine)}
    async with obeying_discord(fake_discord), running(fake_discord, guild, tmp_path, env):
        identifies = fake_discord.driver.calls("WS IDENTIFY", since=since)
        assert [call.json.get("shard") for call in identifies] == [[mine, SHARDS]]
        await answers_in(fake_discord, other_guild)
