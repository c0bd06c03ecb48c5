"""`run`: start the bot; every failure before it connects is one line and an exit code."""

from __future__ import annotations

import asyncio
import logging
import signal

import aiohttp
import discord
from discord.ext import commands

from bot.cli.exits import CliError, ExitCode, one_line
from bot.config import Settings
from bot.discord_ui.client import ReelBot, open_store, use_api_base
from bot.domain.errors import ReelError
from bot.log import setup_logging
from bot.store.factory import database_label

log = logging.getLogger(__name__)


async def _run_bot(settings: Settings) -> None:
    # First of all: a database the bot cannot use is refused before the Discord client
    # exists, so nothing touches the network and the refusal is the one line printed.
    store = await open_store(settings)
    try:
        if settings.discord_api_base:
            use_api_base(settings.discord_api_base)
        bot = ReelBot(settings, store=store)
    except BaseException:
        await store.close()
        raise
    closing: list[asyncio.Future[None]] = []
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: closing.append(asyncio.ensure_future(bot.close())))
    try:
        async with bot:
            await bot.start(settings.discord_token.reveal())
    finally:
        # start() returns as soon as the gateway closes, while the close() a signal began
        # may still be stopping the parse worker and the database: let it finish, or
        # asyncio.run would cancel it and leave the database thread holding the process.
        for task in closing:
            await task
        await store.close()


def command_run(settings: Settings) -> int:
    """Run the bot until it is stopped; a failure to start is one line on stderr."""
    if not settings.discord_token:
        raise CliError(
            "DISCORD_TOKEN is not set: copy .env.example to .env and put your bot token in it.",
            ExitCode.CONFIG,
        )
    secrets = [settings.discord_token.reveal()]
    if settings.database_url is not None:
        secrets.append(settings.database_url.reveal())
    setup_logging(settings.log_level, secrets=secrets)
    log.info(
        "Settings from %s; database %s; articles from %s",
        settings.env_file or "the environment only (no .env file)",
        database_label(settings),
        settings.articles_dir,
    )
    try:
        asyncio.run(_run_bot(settings))
    except discord.LoginFailure:
        raise CliError(
            "Discord refused DISCORD_TOKEN: check the token in .env.", ExitCode.CONFIG
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise CliError(
            "Enable the Message Content intent for the bot in the Discord developer portal.",
            ExitCode.CONFIG,
        ) from None
    except (ReelError, commands.ExtensionError, aiohttp.ClientError, OSError) as error:
        # A database that cannot be used, DISCORD_API_BASE unreachable, a folder that
        # cannot be created...
        raise CliError(f"start-up failed: {one_line(error)}", ExitCode.STARTUP) from None
    except discord.DiscordException as error:
        raise CliError(
            f"the Discord connection failed: {one_line(error)}", ExitCode.STARTUP
        ) from None
    return ExitCode.OK
