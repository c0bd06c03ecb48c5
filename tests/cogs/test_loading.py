import pkgutil
import re
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands
from discord.ext import commands

import cogs
from bot.config import Settings
from bot.discord_ui.client import EXTENSIONS, ReelBot
from bot.store import open_sqlite_store

NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def loaded_bot(tmp_path: Path) -> AsyncIterator[ReelBot]:
    """A bot with its store open and every extension loaded, as setup_hook leaves it."""
    bot = ReelBot(Settings.from_env({}))
    bot.store = await open_sqlite_store(tmp_path / "reel.db")
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    yield bot
    for extension in EXTENSIONS:
        await bot.unload_extension(extension)
    await bot.close()


def test_every_cog_module_is_an_extension() -> None:
    modules = {
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    }
    assert modules == set(EXTENSIONS)


async def test_extensions_load_with_unique_valid_commands(loaded_bot: ReelBot) -> None:
    bot = loaded_bot
    prefix_names = [command.qualified_name for command in bot.walk_commands()]
    assert len(prefix_names) == len(set(prefix_names))
    for command in bot.walk_commands():
        assert NAME.match(command.name), command.name
        assert command.help, f"{command.qualified_name} has no help text"
    for app_command in bot.tree.walk_commands():
        assert NAME.match(app_command.name)
        assert 1 <= len(app_command.description) <= 100, app_command.name
        if isinstance(app_command, app_commands.Command):
            for parameter in app_command.parameters:
                assert 1 <= len(parameter.description) <= 100


async def test_reactions_exists_as_prefix_and_slash(loaded_bot: ReelBot) -> None:
    bot = loaded_bot
    assert isinstance(bot.get_command("reactions"), commands.Command)
    slash = bot.tree.get_command("reactions")
    assert isinstance(slash, app_commands.Command)
    movie = next(p for p in slash.parameters if p.name == "movie")
    assert movie.autocomplete
    assert movie.required


def test_bot_pings_nobody_by_default() -> None:
    bot = ReelBot(Settings.from_env({}))
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == discord.AllowedMentions.none().to_dict()
