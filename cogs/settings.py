"""Moderators set how the bot behaves in their server: moderator role, spoilers, page size."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.render_admin import settings_embed
from bot.domain.records import SPOILER_MODES
from bot.services import curation
from bot.services.curation import SettingsChange
from cogs._checks import moderator_command, moderator_only
from cogs._respond import Responder


class Settings(commands.Cog):
    """Per-server settings."""

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot

    async def change(
        self, ctx: commands.Context[ReelBot], what: str, change: SettingsChange
    ) -> None:
        """Change one setting, record it in the audit, and show the result."""
        responder = Responder.from_context(ctx)
        updated = await curation.update_settings(
            self.bot.store, responder.guild_id, responder.user.id, change
        )
        await responder.send(f"Updated {what}.", embeds=[settings_embed(updated)])

    @commands.hybrid_group(
        name="settings",
        fallback="show",
        invoke_without_command=True,
        description="How Reaction Reel behaves here",
    )
    @moderator_command()
    async def settings(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: show settings, or `settings modrole|spoilers|pagesize <value>`."""
        responder = Responder.from_context(ctx)
        current = await curation.settings(self.bot.store, responder.guild_id)
        await responder.send(embeds=[settings_embed(current)])

    @settings.command(name="modrole", description="Set the moderator role (leave empty to clear)")
    @moderator_only()
    @app_commands.describe(role="Members with this role may use moderator commands")
    async def modrole(
        self, ctx: commands.Context[ReelBot], role: discord.Role | None = None
    ) -> None:
        """Set the moderator role (members with it may use moderator commands); none clears it."""
        change = SettingsChange(mod_role_id=role.id if role else None)
        await self.change(ctx, "the moderator role", change)

    @settings.command(name="spoilers", description="Which reactions hide behind spoiler tags")
    @moderator_only()
    @app_commands.describe(mode="always: every reaction; flagged: only from spoiler articles")
    @app_commands.choices(
        mode=[app_commands.Choice(name=mode, value=mode) for mode in SPOILER_MODES]
    )
    async def spoilers(self, ctx: commands.Context[ReelBot], mode: str) -> None:
        """Hide every reaction behind spoilers (`always`) or only flagged articles' (`flagged`)."""
        await self.change(ctx, "spoilers", SettingsChange(spoiler_mode=mode))

    @settings.command(
        name="page-size", aliases=["pagesize"], description="How many reactions a page shows"
    )
    @moderator_only()
    @app_commands.describe(size="1 to 10")
    async def page_size(
        self, ctx: commands.Context[ReelBot], size: commands.Range[int, 1, 10]
    ) -> None:
        """Set how many reactions a page shows (1 to 10)."""
        await self.change(ctx, "the page size", SettingsChange(page_size=size))


async def setup(bot: ReelBot) -> None:
    """Load the Settings cog."""
    await bot.add_cog(Settings(bot))
