"""Moderators set how the bot behaves in their server: moderator role, spoilers, page size."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.render_admin import settings_embed
from bot.domain.errors import UserError
from bot.domain.records import UNSET, AuditInfo, Unset
from cogs._checks import ModeratorGroup, moderator_only
from cogs._respond import Responder

SpoilerMode = Literal["always", "flagged"]


class Settings(commands.Cog):
    """Per-server settings."""

    settings = ModeratorGroup(name="settings", description="How Reaction Reel behaves here")

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot

    async def show(self, responder: Responder) -> None:
        """Show this server's settings."""
        current = await self.bot.store.get_guild_settings(responder.guild_id)
        await responder.send(embeds=[settings_embed(current)])

    async def change(
        self,
        responder: Responder,
        what: str,
        *,
        mod_role_id: int | Unset | None = UNSET,
        spoiler_mode: str | Unset = UNSET,
        page_size: int | Unset = UNSET,
    ) -> None:
        """Change one setting, record it in the audit, and show the result."""
        store = self.bot.store
        try:
            updated = await store.update_guild_settings(
                responder.guild_id,
                mod_role_id=mod_role_id,
                spoiler_mode=spoiler_mode,
                page_size=page_size,
                audit=AuditInfo(user_id=responder.user.id),
            )
        except ValueError as error:
            raise UserError(str(error)) from None
        await responder.send(f"Updated {what}.", embeds=[settings_embed(updated)])

    # Prefix commands

    @commands.group(name="settings", invoke_without_command=True)
    @moderator_only()
    async def settings_prefix(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: show settings, or `settings modrole|spoilers|pagesize <value>`."""
        await self.show(Responder.from_context(ctx))

    @settings_prefix.command(name="modrole")
    @moderator_only()
    async def modrole_prefix(
        self, ctx: commands.Context[ReelBot], role: discord.Role | None = None
    ) -> None:
        """Set the moderator role (members with it may use moderator commands); none clears it."""
        await self.change(
            Responder.from_context(ctx), "the moderator role", mod_role_id=role.id if role else None
        )

    @settings_prefix.command(name="spoilers")
    @moderator_only()
    async def spoilers_prefix(self, ctx: commands.Context[ReelBot], mode: str) -> None:
        """Hide every reaction behind spoilers (`always`) or only flagged articles' (`flagged`)."""
        if mode.lower() not in ("always", "flagged"):
            raise UserError("Spoilers is `always` or `flagged`.")
        await self.change(Responder.from_context(ctx), "spoilers", spoiler_mode=mode.lower())

    @settings_prefix.command(name="pagesize", aliases=["page-size"])
    @moderator_only()
    async def page_size_prefix(self, ctx: commands.Context[ReelBot], size: int) -> None:
        """Set how many reactions a page shows (1 to 10)."""
        await self.change(Responder.from_context(ctx), "the page size", page_size=size)

    # Slash commands

    @settings.command(name="show", description="Show this server's settings")
    async def show_slash(self, interaction: discord.Interaction[ReelBot]) -> None:
        """Show settings."""
        await self.show(Responder.from_interaction(interaction))

    @settings.command(name="modrole", description="Set the moderator role (leave empty to clear)")
    @app_commands.describe(role="Members with this role may use moderator commands")
    async def modrole_slash(
        self, interaction: discord.Interaction[ReelBot], role: discord.Role | None = None
    ) -> None:
        """Set or clear the moderator role."""
        await self.change(
            Responder.from_interaction(interaction),
            "the moderator role",
            mod_role_id=role.id if role else None,
        )

    @settings.command(name="spoilers", description="Which reactions hide behind spoiler tags")
    @app_commands.describe(mode="always: every reaction; flagged: only from spoiler articles")
    async def spoilers_slash(
        self, interaction: discord.Interaction[ReelBot], mode: SpoilerMode
    ) -> None:
        """Set the spoiler mode."""
        await self.change(Responder.from_interaction(interaction), "spoilers", spoiler_mode=mode)

    @settings.command(name="page-size", description="How many reactions a page shows")
    @app_commands.describe(size="1 to 10")
    async def page_size_slash(
        self, interaction: discord.Interaction[ReelBot], size: app_commands.Range[int, 1, 10]
    ) -> None:
        """Set the page size."""
        await self.change(Responder.from_interaction(interaction), "the page size", page_size=size)


async def setup(bot: ReelBot) -> None:
    """Load the Settings cog."""
    await bot.add_cog(Settings(bot))
