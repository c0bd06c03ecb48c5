"""Issue 12 finding 2: the bot without the privileged Message Content intent.

The fake's "developer portal" leaves the intent off for this module: an IDENTIFY that asks
for it is closed with 4014, and guild messages arrive without content unless they mention
the bot. Each test starts its own bot process, against a fake Discord of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.conftest import checked_fake
from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild, payloads
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.helpers import interaction_data, obeying_discord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CONTENT = payloads.MESSAGE_CONTENT_INTENT


@pytest_asyncio.fixture(loop_scope="module")
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """Give the test a fake Discord (an application) of its own, the intent left off.

    Its bot, on a database of its own, cannot know when another test's bot identified: on
    a fake of its own none did, so it need not wait out that one's 5 s session start window.
    """
    async with checked_fake(message_content=False) as fake:
        yield fake


@pytest_asyncio.fixture(loop_scope="module")
async def guild(fake_discord: FakeDiscord) -> Guild:
    """Create the test's guild (its id is the bot's DEV_GUILD_ID)."""
    return await fake_discord.driver.create_guild("Reel Test Guild")


def identify_without_content(call: Call) -> bool:
    return (call.method, call.path) == ("WS", "IDENTIFY") and not (
        int(call.json.get("intents", 0)) & CONTENT
    )


@asynccontextmanager
async def running(
    fake: FakeDiscord, guild: Guild, workdir: Path, env: Mapping[str, str] | None = None
) -> AsyncIterator[BotProcess]:
    bot = BotProcess(fake, guild, workdir, extra_env=env)
    try:
        await bot.start()
        yield bot
    finally:
        await bot.stop()


async def assert_serves_without_content(
    fake: FakeDiscord, guild: Guild, channel: Channel, bot: BotProcess
) -> None:
    """Slash commands and mention-prefix commands still work; the process is up."""
    driver = fake.driver
    handle = await driver.slash("reactions", {"movie": "12thfail"}, guild.member, channel)
    assert interaction_data((await handle.callback()).json)["content"].startswith("**12th Fail**")
    await driver.send_message(channel, guild.member, f"{fake.world.bot.mention} reactions 12thfail")
    reply = await driver.wait_for(f"POST /channels/{channel.id}/messages")
    assert reply.json["content"].startswith("**12th Fail**")
    assert bot.process is not None
    assert bot.process.returncode is None


async def test_refused_intent_reconnects_without_it_and_keeps_serving(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, tmp_path: Path
) -> None:
    since = fake_discord.driver.mark()
    async with obeying_discord(fake_discord), running(fake_discord, guild, tmp_path) as bot:
        await fake_discord.driver.wait_for(identify_without_content, timeout=20, since=since)
        await assert_serves_without_content(fake_discord, guild, channel, bot)
        warnings = [
            line
            for line in bot.log_text().splitlines()
            if " WARNING " in line and "message content" in line.lower()
        ]
        assert len(warnings) == 1, warnings


async def test_message_content_intent_off_runs_without_it_from_the_start(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, tmp_path: Path
) -> None:
    since = fake_discord.driver.mark()
    env = {"MESSAGE_CONTENT_INTENT": "off"}
    async with obeying_discord(fake_discord), running(fake_discord, guild, tmp_path, env) as bot:
        identifies = fake_discord.driver.calls("WS IDENTIFY", since=since)
        assert identifies
        assert all(identify_without_content(call) for call in identifies)
        await assert_serves_without_content(fake_discord, guild, channel, bot)


async def test_a_4014_despite_the_portal_flag_falls_back_all_the_same(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The application says the intent is enabled, the gateway refuses it anyway: the bot
    # finds out only from the close code, and still falls back once.
    real = payloads.application_payload

    def claims_the_intent(*args: Any) -> dict[str, Any]:
        return real(*args) | {"flags": 1 << 18}

    monkeypatch.setattr(payloads, "application_payload", claims_the_intent)
    since = fake_discord.driver.mark()
    async with obeying_discord(fake_discord), running(fake_discord, guild, tmp_path) as bot:
        await fake_discord.driver.wait_for(identify_without_content, timeout=20, since=since)
        refused = [
            call
            for call in fake_discord.driver.calls("WS IDENTIFY", since=since)
            if call.status == 4014
        ]
        assert len(refused) == 1
        await assert_serves_without_content(fake_discord, guild, channel, bot)
        warnings = [
            line
            for line in bot.log_text().splitlines()
            if " WARNING " in line and "message content" in line.lower()
        ]
        assert len(warnings) == 1, warnings
