"""Members discover reactions: a random one, full-text search, and the server's stats."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.pages import random_embed, search_page
from bot.discord_ui.render_admin import stats_embed
from bot.discord_ui.views import search_view
from bot.domain.records import Movie
from bot.services.lookup import resolve_movie
from cogs._choices import movie_choices
from cogs._member import (
    MemberCog,
    Reply,
    answer_in_time,
    prefix_cooldown,
    slash_cooldown,
)

MAX_QUERY = 200


class Discovery(MemberCog):
    """Random, search and stats, as prefix and slash commands."""

    async def _movie(self, query: str | None, guild_id: int | None) -> Movie | None:
        return await resolve_movie(self.bot.store, query, guild_id) if query else None

    async def _search(self, text: str, movie: str | None, guild_id: int | None) -> Reply:
        found = await self._movie(movie, guild_id)
        query = " ".join(text.split())[:MAX_QUERY]
        rendered = await search_page(
            self.bot.store, query, guild_id, 1, movie_id=found.id if found else None
        )
        view = search_view(found.id if found else 0, query, rendered)
        return rendered.content, rendered.embeds, view

    async def _random(self, movie: str | None, guild_id: int | None) -> Reply:
        embed = await random_embed(self.bot.store, guild_id, await self._movie(movie, guild_id))
        return None, [embed], None

    async def _stats(self, movie: str | None, guild_id: int | None) -> Reply:
        found = await self._movie(movie, guild_id)
        stats = await self.bot.store.stats(guild_id, movie_id=found.id if found else None)
        return None, [stats_embed(stats, found)], None

    # Prefix commands

    @commands.command(name="random")
    @prefix_cooldown()
    async def random_prefix(
        self, ctx: commands.Context[ReelBot], *, movie: str | None = None
    ) -> None:
        """Show one random reaction, of a movie or of all: `random [movie]`."""
        _, embeds, _ = await self._random(movie, ctx.guild.id if ctx.guild else None)
        await ctx.send(embeds=list(embeds))

    @commands.command(name="search")
    @prefix_cooldown()
    async def search_prefix(self, ctx: commands.Context[ReelBot], *, text: str) -> None:
        """Search the text and authors of all reactions: `search <words>`."""
        guild_id = ctx.guild.id if ctx.guild else None
        content, embeds, view = await self._search(text, None, guild_id)
        if view is None:
            await ctx.send(content, embeds=list(embeds))
        else:
            await ctx.send(content, embeds=list(embeds), view=view)

    @commands.command(name="stats")
    @prefix_cooldown()
    async def stats_prefix(
        self, ctx: commands.Context[ReelBot], *, movie: str | None = None
    ) -> None:
        """Count movies, articles and reactions, and name the most quoted authors."""
        _, embeds, _ = await self._stats(movie, ctx.guild.id if ctx.guild else None)
        await ctx.send(embeds=list(embeds))

    # Slash commands

    @app_commands.command(name="random", description="Show one random reaction")
    @app_commands.describe(movie="Only this movie's reactions")
    @slash_cooldown()
    async def random_slash(
        self, interaction: discord.Interaction[ReelBot], movie: str | None = None
    ) -> None:
        """Show one random reaction."""
        await answer_in_time(interaction, self._random(movie, interaction.guild_id))

    @app_commands.command(name="search", description="Search the text and authors of reactions")
    @app_commands.describe(text="Words to look for", movie="Only this movie's reactions")
    @slash_cooldown()
    async def search_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        text: app_commands.Range[str, 1, MAX_QUERY],
        movie: str | None = None,
    ) -> None:
        """Search reactions; results page with ◀ ▶ buttons."""
        await answer_in_time(interaction, self._search(text, movie, interaction.guild_id))

    @app_commands.command(name="stats", description="Counts and the most quoted authors")
    @app_commands.describe(movie="Only this movie")
    @slash_cooldown()
    async def stats_slash(
        self, interaction: discord.Interaction[ReelBot], movie: str | None = None
    ) -> None:
        """Show the server's reaction stats."""
        await answer_in_time(interaction, self._stats(movie, interaction.guild_id))

    @random_slash.autocomplete("movie")
    @search_slash.autocomplete("movie")
    @stats_slash.autocomplete("movie")
    async def movie_autocomplete(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the movies closest to what has been typed."""
        return await movie_choices(interaction, current)


async def setup(bot: ReelBot) -> None:
    """Load the Discovery cog."""
    await bot.add_cog(Discovery(bot))
