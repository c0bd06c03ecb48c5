"""Who counts as a moderator, checked on every call of every moderator command."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.services.permissions import member_is_moderator

MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True)


async def is_moderator(bot: ReelBot, member: discord.abc.User, guild: discord.Guild) -> bool:
    """Say whether ``member`` has Manage Messages or the guild's moderator role."""
    if not isinstance(member, discord.Member):
        member = guild.get_member(member.id) or member
    if not isinstance(member, discord.Member):
        return False
    return await member_is_moderator(
        bot.store,
        guild.id,
        manage_messages=member.guild_permissions.manage_messages,
        role_ids=[role.id for role in member.roles],
    )


async def check_interaction(interaction: discord.Interaction[ReelBot]) -> bool:
    """Raise unless the interaction comes from a moderator in a guild."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not await is_moderator(interaction.client, interaction.user, interaction.guild):
        raise app_commands.CheckFailure("not a moderator")
    return True


def app_moderator_only() -> Any:
    """Decorate a top-level slash command: guild only, hidden from members, checked per call."""

    def decorator(command: Any) -> Any:
        command = app_commands.guild_only()(command)
        command = app_commands.default_permissions(manage_messages=True)(command)
        return app_commands.check(check_interaction)(command)

    return decorator


def moderator_only() -> Any:
    """Decorate a prefix command: guild only, moderators only."""

    async def predicate(ctx: commands.Context[ReelBot]) -> bool:
        if ctx.guild is None:
            raise commands.NoPrivateMessage()
        if not await is_moderator(ctx.bot, ctx.author, ctx.guild):
            raise commands.CheckFailure("not a moderator")
        return True

    return commands.check(predicate)


def moderator_command() -> Any:
    """Decorate a hybrid command or group: guild only, hidden from members, checked per call.

    Goes under ``@commands.hybrid_command``/``hybrid_group``, which read the slash settings
    from the function. Discord's ``default_permissions`` only decides who sees the command
    and a server's admins can change it, so every call is checked again (`moderator_only`).
    """

    def decorator(function: Any) -> Any:
        function = app_commands.default_permissions(manage_messages=True)(function)
        function = app_commands.guild_only()(function)
        return moderator_only()(function)

    return decorator


class ModeratorGroup(app_commands.Group):
    """A slash command group for moderators: guild-only, hidden from members by default.

    Discord's ``default_permissions`` only decides who sees the commands and can be
    changed by server admins, so every call is checked again here.
    """

    def __init__(self, *, name: str, description: str) -> None:
        super().__init__(
            name=name,
            description=description,
            guild_only=True,
            default_permissions=MODERATOR_PERMISSIONS,
        )

    async def interaction_check(self, interaction: discord.Interaction[ReelBot]) -> bool:  # type: ignore[override]
        """Refuse anyone who is not a moderator of the guild."""
        return await check_interaction(interaction)
