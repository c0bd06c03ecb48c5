"""Tests of the BotProcess harness, using a stand-in that follows the bot's start-up contract."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest.fixture(scope="module")
def message_content_enabled() -> bool:
    """Grant the intent whatever the suite's mode: these tests check the fake itself with a
    client that reads message text, not the bot without the intent."""
    return True


@pytest.fixture(scope="module")
def bot_argv() -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("standin_bot.py"))]


async def test_bot_process_follows_the_startup_contract(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    assert driver.calls("GET /gateway/bot", since=0)
    identify = await driver.wait_for("WS IDENTIFY", since=0)
    assert identify.json["token"] == bot_process.env["DISCORD_TOKEN"]
    synced = await driver.wait_for(bot_process.sync_route, since=0)
    assert [command["name"] for command in synced.json] == ["hello"]
    assert fake_discord.unknown == []


async def test_bot_process_restarts_on_the_same_database(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!starts")
    first = await driver.wait_for("POST /channels/{id}/messages")
    assert first.json["embeds"][0]["title"] == "1 starts"
    await bot_process.restart()
    await driver.send_message(channel, guild.member, "!starts")
    second = await driver.wait_for("POST /channels/{id}/messages")
    assert second.json["embeds"][0]["title"] == "2 starts"


async def test_bot_process_captures_its_log(bot_process: BotProcess, guild: Guild) -> None:
    assert f"synced commands to {guild.id}" in bot_process.log_text()
