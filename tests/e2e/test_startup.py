"""Start-up contract of the real process: one line without a token; bundled article answers."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from tests.e2e.fake_discord import BotProcess, FakeDiscord, Guild
from tests.e2e.fake_discord.process import REPO_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_start_without_token_exits_with_one_line(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DISCORD_TOKEN"] = ""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode not in (0, None)
    assert stdout == b""
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]


async def test_start_syncs_commands_to_the_dev_guild_and_uses_the_fake_gateway(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    assert driver.calls("GET /gateway/bot", since=0)
    synced = await driver.wait_for(bot_process.sync_route, since=0)
    names = {command["name"] for command in synced.json}
    assert {"reactions", "movies"} <= names
    assert fake_discord.unknown == []


async def test_start_up_log_has_no_warning_about_voice(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    await fake_discord.driver.wait_for(bot_process.sync_route, since=0)
    text = bot_process.log_text()
    assert "Database" in text  # the start-up log is there
    warnings = [line for line in text.splitlines() if " WARNING " in line]
    assert not [line for line in warnings if "voice" in line.lower()], warnings
