"""The operator's CLI renames and aliases a movie while the bot runs: the very next command sees it.

The bot keeps each server's movie names in memory (bot/store/cache.py); the CLI is another
process writing the same database. On SQLite the bot reads the database's data version
before each use of a cache, on PostgreSQL it hears the CLI's notification
(tests/e2e/test_cache_across_processes_on_postgresql.py runs these tests there). Each test
first asks, so the names are cached, then has the CLI write, then asks again at once:
autocomplete, ``!reactions`` and "did you mean".
"""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.fake_discord.process import REPO_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CREATE_MESSAGE = "POST /channels/{id}/messages"
_DATABASE = ("DATABASE_PATH", "DATABASE_URL")


async def operator(bot: BotProcess, *args: str) -> None:
    """Run ``python -m bot ARGS`` on the bot's database, as the operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env |= {name: bot.env[name] for name in _DATABASE if name in bot.env}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, (out + err).decode()


async def offered(fake: FakeDiscord, guild: Guild, channel: Channel, typed: str) -> list[str]:
    choices = await fake.driver.autocomplete(
        "reactions", {"movie": typed}, "movie", guild.member, channel
    )
    return [choice["name"] for choice in choices]


async def answer(fake: FakeDiscord, guild: Guild, channel: Channel, command: str) -> str:
    """Return what the bot answers to a prefix command: its content, else its first embed."""
    await fake.driver.send_message(channel, guild.member, command)
    reply = await fake.driver.wait_for(CREATE_MESSAGE)
    return str(reply.json.get("content") or reply.json["embeds"][0]["description"])


async def test_an_alias_the_cli_adds_is_used_by_the_next_command(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    [title] = await offered(fake_discord, guild, channel, "")
    assert await offered(fake_discord, guild, channel, "Barah") == []

    await operator(bot_process, "movie", "alias", "12thfail", "Barah Fail")

    assert await offered(fake_discord, guild, channel, "Barah") == [title]
    page = await answer(fake_discord, guild, channel, "!reactions barah fail")
    assert page == f"**{title}** — reactions 1–5 of 10"
    typo = await answer(fake_discord, guild, channel, "!reactions barah fial")
    assert f"Did you mean **{title}**?" in typo


async def test_a_title_the_cli_changes_is_used_by_the_next_command(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    assert await offered(fake_discord, guild, channel, "Twelfth") == []
    typo = await answer(fake_discord, guild, channel, "!reactions twelfth fial")
    assert "Did you mean" not in typo

    await operator(bot_process, "movie", "rename", "12thfail", "Twelfth Fail")

    assert await offered(fake_discord, guild, channel, "Twelfth") == ["Twelfth Fail"]
    page = await answer(fake_discord, guild, channel, "!reactions 12thfail")
    assert page == "**Twelfth Fail** — reactions 1–5 of 10"
    typo = await answer(fake_discord, guild, channel, "!reactions twelfth fial")
    assert "Did you mean **Twelfth Fail**?" in typo
