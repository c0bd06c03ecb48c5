"""`run`: start the bot; every failure before it connects is one line and an exit code."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord.ext import commands

from bot.cli.exits import CliError, ExitCode, one_line
from bot.config import ConfigError, Settings
from bot.discord_ui.client import MessageContentNotEnabled, ReelBot, open_store, use_api_base
from bot.domain.errors import ReelError
from bot.log import setup_logging
from bot.store.factory import database_label

if TYPE_CHECKING:
    from aiohttp.web import AppRunner

    from bot.store.protocol import ReactionStore

log = logging.getLogger(__name__)


NO_MESSAGE_CONTENT = (
    "Discord refused the Message Content intent: enable it for the bot in the developer "
    "portal (Bot > Privileged Gateway Intents), or set MESSAGE_CONTENT_INTENT=off to stop "
    "asking. Running without it: slash commands, buttons, schedules, direct messages and "
    "commands after a mention (@bot reactions ...) still work; prefix commands in servers "
    "do not."
)


async def _run_bot(settings: Settings) -> None:
    # First of all: a database the bot cannot use is refused before the Discord client
    # exists, so nothing touches the network and the refusal is the one line printed.
    store = await open_store(settings)
    running: list[ReelBot] = []
    closing: list[asyncio.Future[None]] = []
    panel: AppRunner | None = None

    async def close() -> None:
        # The panel first: no request of it may find the database the bot closes.
        if panel is not None:
            await panel.cleanup()
        await running[-1].close()

    def stop() -> None:
        if running:
            closing.append(asyncio.ensure_future(close()))

    try:
        panel = await _start_panel(settings, store)
        if settings.discord_api_base:
            use_api_base(settings.discord_api_base)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        message_content = settings.message_content_intent
        if not message_content:
            log.info("Running without the Message Content intent (MESSAGE_CONTENT_INTENT=off)")
        while True:
            # A client that has connected cannot change its intents, so a refusal of the
            # intent (close 4014) is met with a fresh client, on the same store.
            bot = ReelBot(
                settings, store=store, message_content=message_content, whole_process=True
            )
            running.append(bot)
            try:
                async with bot:
                    await bot.start(settings.discord_token.reveal())
                return
            except (MessageContentNotEnabled, discord.PrivilegedIntentsRequired):
                if not message_content or closing:
                    raise
                log.warning(NO_MESSAGE_CONTENT)
                message_content = False
    finally:
        # start() returns as soon as the gateway closes, while the close() a signal began
        # may still be stopping the parse worker and the database: let it finish, or
        # asyncio.run would cancel it and leave the database thread holding the process.
        for task in closing:
            await task
        if panel is not None:
            await panel.cleanup()  # a second clean-up (after a signal's) does nothing more
        await store.close()


async def _start_panel(settings: Settings, store: ReactionStore) -> AppRunner | None:
    """Start the moderators' web panel beside the bot when WEB_LISTEN is set (issue 16)."""
    if settings.web is None:
        return None
    from bot.web.serve import start_panel

    return await start_panel(settings, store)


def secrets_of(settings: Settings) -> list[str]:
    """Return every secret a log line must never show: token, DATABASE_URL, the panel's keys."""
    found = [settings.discord_token.reveal()]
    if settings.database_url is not None:
        found.append(settings.database_url.reveal())
    if settings.web is not None:
        found += [settings.web.client_secret.reveal(), settings.web.session_secret.reveal()]
    return [secret for secret in found if secret]


def command_web(settings: Settings) -> int:
    """Serve the moderators' web panel without the gateway (issue 16)."""
    from bot.web.serve import serve_alone

    setup_logging(settings.log_level, secrets=secrets_of(settings))
    try:
        asyncio.run(serve_alone(settings))
    except ConfigError as error:
        raise CliError(str(error), ExitCode.CONFIG) from None
    except (ReelError, OSError) as error:
        raise CliError(f"start-up failed: {one_line(error)}", ExitCode.STARTUP) from None
    return ExitCode.OK


def command_run(settings: Settings) -> int:
    """Run the bot until it is stopped; a failure to start is one line on stderr."""
    if not settings.discord_token:
        raise CliError(
            "DISCORD_TOKEN is not set: copy .env.example to .env and put your bot token in it.",
            ExitCode.CONFIG,
        )
    if settings.web is not None:
        from bot.web.serve import required_web

        try:
            required_web(settings)  # before anything is opened: the refusal is one line
        except ConfigError as error:
            raise CliError(str(error), ExitCode.CONFIG) from None
    setup_logging(settings.log_level, secrets=secrets_of(settings))
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
            "Discord refused a privileged intent the bot asked for: enable it in the developer "
            "portal (Bot > Privileged Gateway Intents).",
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
