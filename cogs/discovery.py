"""Members discover reactions: a random one, full-text search, and the server's stats."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import ReelBot
from bot.lookup import autocomplete_movies, resolve_movie
from bot.pages import random_embed, search_page
from bot.render_admin import stats_embed
from bot.store.protocol import Movie
from bot.ui import search_view

MAX_QUERY = 200


class Discovery(commands.Cog):
    """Random, search and stats, as prefix and slash commands."""

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot

    async def _movie(self, query: str | None, guild_id: int | None) -> Movie | None:
        return await resolve_movie(self.bot.store, query, guild_id) if query else None

    async def _search(
        self, text: str, movie: str | None, guild_id: int | None
    ) -> tuple[str, list[discord.Embed], discord.ui.View | None]:
        found = await self._movie(movie, guild_id)
        query = " ".join(text.split())[:MAX_QUERY]
        rendered = await search_page(
            self.bot.store, query, guild_id, 1, movie_id=found.id if found else None
        )
        view = search_view(found.id if found else 0, query, rendered)
        return rendered.content, rendered.embeds, view

    # Prefix commands

    @commands.command(name="random")
    async def random_prefix(
        self, ctx: commands.Context[ReelBot], *, movie: str | None = None
    ) -> None:
        """Show one random reaction, of a movie or of all: `random [movie]`."""
        guild_id = ctx.guild.id if ctx.guild else None
        embed = await random_embed(self.bot.store, guild_id, await self._movie(movie, guild_id))
        await ctx.send(embed=embed)

    @commands.command(name="search")
    async def search_prefix(self, ctx: commands.Context[ReelBot], *, text: str) -> None:
        """Search the text and authors of all reactions: `search <words>`."""
        guild_id = ctx.guild.id if ctx.guild else None
        content, embeds, view = await self._search(text, None, guild_id)
        if view is None:
            await ctx.send(content, embeds=embeds)
        else:
            await ctx.send(content, embeds=embeds, view=view)

    @commands.command(name="stats")
    async def stats_prefix(
        self, ctx: commands.Context[ReelBot], *, movie: str | None = None
    ) -> None:
        """Count movies, articles and reactions, and name the most quoted authors."""
        guild_id = ctx.guild.id if ctx.guild else None
        found = await self._movie(movie, guild_id)
        stats = await self.bot.store.stats(guild_id, movie_id=found.id if found else None)
        await ctx.send(embed=stats_embed(stats, found))

    # Slash commands

    @app_commands.command(name="random", description="Show one random reaction")
    @app_commands.describe(movie="Only this movie's reactions")
    async def random_slash(
        self, interaction: discord.Interaction[ReelBot], movie: str | None = None
    ) -> None:
        """Show one random reaction."""
        guild_id = interaction.guild_id
        embed = await random_embed(self.bot.store, guild_id, await self._movie(movie, guild_id))
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="search", description="Search the text and authors of reactions")
    @app_commands.describe(text="Words to look for", movie="Only this movie's reactions")
    async def search_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        text: app_commands.Range[str, 1, MAX_QUERY],
        movie: str | None = None,
    ) -> None:
        """Search reactions; results page with ◀ ▶ buttons."""
        content, embeds, view = await self._search(text, movie, interaction.guild_id)
        if view is None:
            await interaction.response.send_message(content, embeds=embeds)
        else:
            await interaction.response.send_message(content, embeds=embeds, view=view)

    @app_commands.command(name="stats", description="Counts and the most quoted authors")
    @app_commands.describe(movie="Only this movie")
    async def stats_slash(
        self, interaction: discord.Interaction[ReelBot], movie: str | None = None
    ) -> None:
        """Show the server's reaction stats."""
        found = await self._movie(movie, interaction.guild_id)
        stats = await self.bot.store.stats(
            interaction.guild_id, movie_id=found.id if found else None
        )
        await interaction.response.send_message(embed=stats_embed(stats, found))

    @random_slash.autocomplete("movie")
    @search_slash.autocomplete("movie")
    @stats_slash.autocomplete("movie")
    async def movie_autocomplete(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the movies closest to what has been typed."""
        movies = await autocomplete_movies(self.bot.store, current, interaction.guild_id)
        return [app_commands.Choice(name=m.title[:100], value=m.title[:100]) for m in movies]


async def setup(bot: ReelBot) -> None:
    """Load the Discovery cog."""
    await bot.add_cog(Discovery(bot))
