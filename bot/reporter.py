"""The one place errors turn into what a member sees: short, mention-free, never a traceback."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserError

log = logging.getLogger(__name__)

ERROR_COLOUR = discord.Colour.red()
NOTICE_SECONDS = 30


def _unwrap(error: BaseException) -> BaseException:
    """Return the error a command raised, from inside discord.py's wrappers."""
    while isinstance(
        error,
        commands.CommandInvokeError
        | commands.HybridCommandError
        | app_commands.CommandInvokeError
        | app_commands.TransformerError,
    ):
        inner = (
            error.original
            if not isinstance(error, app_commands.TransformerError)
            else error.__cause__
        )
        if inner is None:
            break
        error = inner
    return error


def describe_error(error: BaseException) -> str | None:
    """Return the message a member should see for ``error``, or None to stay silent.

    Unexpected errors are logged with a short code, and only the code is shown.
    """
    error = _unwrap(error)
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, commands.CommandNotFound):
        return None
    if isinstance(error, commands.MissingRequiredArgument):
        return f"Missing `{error.param.name}`. Try `help` for how to use this command."
    if isinstance(
        error, commands.BadArgument | commands.BadUnionArgument | commands.ArgumentParsingError
    ):
        return "I couldn't understand that. Try `help` for how to use this command."
    if isinstance(error, commands.CommandOnCooldown | app_commands.CommandOnCooldown):
        return f"Slow down — try again in {error.retry_after:.0f} s."
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return "You need the Manage Messages permission or the server's moderator role for that."
    code = secrets.token_hex(2).upper()
    log.error("Unexpected error %s", code, exc_info=(type(error), error, error.__traceback__))
    return f"Something went wrong (code `{code}`). It has been logged."


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
    await ctx.send(
        embed=error_embed(message),
        delete_after=NOTICE_SECONDS,
        allowed_mentions=discord.AllowedMentions.none(),
    )


async def report_to_interaction(
    interaction: discord.Interaction[Any], error: BaseException, *, message: str | None = None
) -> None:
    """Tell the user of a slash command or component what went wrong, ephemerally."""
    message = message or describe_error(error)
    if message is None:
        return
    embed = error_embed(message)
    none = discord.AllowedMentions.none()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=none)
        else:
            await interaction.response.send_message(
                embed=embed, ephemeral=True, allowed_mentions=none
            )
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)
