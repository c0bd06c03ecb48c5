"""The one place errors turn into what a member sees: short, mention-free, never a traceback."""

from __future__ import annotations

import logging
import math
import secrets
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.channel_access import CannotAnswerHere, NeedsEmbedLinks, can_embed
from bot.discord_ui.replies import reply
from bot.domain.errors import StoreUnavailable, UserError

log = logging.getLogger(__name__)

ERROR_COLOUR = discord.Colour.red()
NOTICE_SECONDS = 30


class QuietCooldown(commands.CommandOnCooldown):
    """A cooldown the member was already told about in this window: say nothing again."""


def unwrap_error(error: BaseException) -> BaseException:
    """Return the error a command raised, from inside discord.py's wrappers."""
    while isinstance(
        error,
        commands.CommandInvokeError | commands.HybridCommandError | app_commands.CommandInvokeError,
    ):
        error = error.original
    return error


def describe_error(error: BaseException) -> str | None:
    """Return the message a member should see for ``error``, or None to stay silent.

    Unexpected errors are logged with a short code, and only the code is shown.
    """
    error = unwrap_error(error)
    if isinstance(error, QuietCooldown | CannotAnswerHere):
        return None
    if isinstance(error, NeedsEmbedLinks):
        return str(error)
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, commands.CommandNotFound):
        return None
    if isinstance(error, StoreUnavailable):
        return "The database is not answering right now; try again in a moment."
    if isinstance(error, commands.RangeError):
        return f"That number must be from {error.minimum} to {error.maximum}."
    if isinstance(error, commands.MissingRequiredArgument):
        return f"Missing `{error.param.name}`. Try `help` for how to use this command."
    if isinstance(
        error, commands.BadArgument | commands.BadUnionArgument | commands.ArgumentParsingError
    ):
        return "I couldn't understand that. Try `help` for how to use this command."
    if isinstance(error, app_commands.TransformerError):
        # An option Discord resolved to something the bot can't use (a channel of another
        # server, an unknown role): bad input, not a bug.
        return "I couldn't use one of those options here. Check them and try again."
    if isinstance(error, commands.CommandOnCooldown | app_commands.CommandOnCooldown):
        return f"Slow down — try again in {wait_seconds(error.retry_after)} s."
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return "You need the Manage Messages permission or the server's moderator role for that."
    code = secrets.token_hex(2).upper()
    if isinstance(error, discord.DiscordServerError):
        # Discord's own trouble (discord.py has already retried): no traceback to read.
        log.warning("Discord server error %s: %s", code, error)
        return f"Discord is having trouble right now (code `{code}`). Try again in a moment."
    log.error("Unexpected error %s", code, exc_info=(type(error), error, error.__traceback__))
    return f"Something went wrong (code `{code}`). It has been logged."


def wait_seconds(retry_after: float) -> int:
    """Return a cooldown's remaining time as the whole seconds to tell a member (at least 1)."""
    return max(1, math.ceil(retry_after))


def error_embed(message: str) -> discord.Embed:
    """Wrap an error message in the embed every error reply uses."""
    return discord.Embed(description=message, colour=ERROR_COLOUR)


async def report_to_context(ctx: commands.Context[Any], error: BaseException) -> None:
    """Tell the invoker of a prefix or hybrid command what went wrong."""
    message = describe_error(error)
    if message is None:
        return
    if ctx.interaction is not None:
        await report_to_interaction(ctx.interaction, error, message=message)
        return
    # Without Embed Links an embed-only message is refused: say it in plain text then.
    embeds = [error_embed(message)] if can_embed(ctx) else []
    try:
        await ctx.send(
            None if embeds else message,
            embeds=embeds,
            delete_after=NOTICE_SECONDS,
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.HTTPException:
        log.warning("Could not deliver an error message in channel %s", ctx.channel.id)


async def report_to_interaction(
    interaction: discord.Interaction[Any], error: BaseException, *, message: str | None = None
) -> None:
    """Tell the user of a slash command or component what went wrong, ephemerally."""
    message = message or describe_error(error)
    if message is None:
        return
    try:
        await reply(interaction, embeds=[error_embed(message)])
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)
