"""Members discover reactions: a random one, full-text search, and the server's stats."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.answers import Reply, answer_in_time
from bot.discord_ui.client import ReelBot
from bot.discord_ui.pages import search_page, shown_embed
from bot.discord_ui.render_admin import stats_embed
from bot.discord_ui.search_pager import search_view
from bot.domain.records import Movie
from bot.platforms import PLATFORMS
from bot.services import reading
from bot.services.lookup import resolve_movie
from bot.services.reading import (
    MAX_SEARCH_QUERY,
    checked_platform,
    pager_query,
    search_query,
    split_platform,
)
from cogs._choices import movie_choices
from cogs._member import MemberCog, Text, prefix_cooldown, reply_in_time, slash_cooldown

PLATFORM_CHOICES = [
    app_commands.Choice(name=platform.label, value=platform.name) for platform in PLATFORMS
]


def platform_label(name: str | None) -> str | None:
    """Return how a platform is named to members ("X", "Bluesky"), or None for all."""
    return next((p.label for p in PLATFORMS if p.name == name), None)


class Discovery(MemberCog):
    """Random (written once), search and stats (written twice: their two forms differ)."""

    async def _movie(self, query: str | None, guild_id: int | None) -> Movie | None:
        return await resolve_movie(self.bot.store, query, guild_id) if query else None

    async def _search(
        self, text: str, movie: str | None, guild_id: int | None, platform: str | None = None
    ) -> Reply:
        found = await self._movie(movie, guild_id)
        platform = checked_platform(platform)
        query = search_query(text)
        rendered = await search_page(
            self.bot.store,
            query,
            guild_id,
            1,
            movie_id=found.id if found else None,
            platform=platform,
        )
        movie_id = found.id if found else 0
        view = await search_view(self.bot.store, movie_id, pager_query(query, platform), rendered)
        return rendered.content, rendered.embeds, view

    async def _random(self, movie: str | None, guild_id: int | None) -> Reply:
        found = await self._movie(movie, guild_id)
        shown = await reading.random_reaction(self.bot.store, guild_id, found)
        return None, [shown_embed(shown)], None

    async def _stats(
        self, movie: str | None, guild_id: int | None, platform: str | None = None
    ) -> Reply:
        found = await self._movie(movie, guild_id)
        platform = checked_platform(platform)
        stats = await reading.stats(self.bot.store, guild_id, found, platform)
        return None, [stats_embed(stats, found, platform_label(platform))], None

    @commands.hybrid_command(name="random", description="Show one random reaction")
    @prefix_cooldown()
    @app_commands.describe(movie="Only this movie's reactions")
    @app_commands.autocomplete(movie=movie_choices)
    async def random(self, ctx: commands.Context[ReelBot], *, movie: str | None = None) -> None:
        """Show one random reaction, of a movie or of all: `random [movie]`."""
        await reply_in_time(ctx, self._random(movie, ctx.guild.id if ctx.guild else None))

    # `search` and `stats` take the rest of the line in their prefix form (a `platform:NAME`
    # word in it filters by platform), and separate options in their slash form.

    @commands.command(name="search")
    @prefix_cooldown()
    async def search_prefix(self, ctx: commands.Context[ReelBot], *, text: Text) -> None:
        """Search the text and authors of all reactions: `search <words> [platform:bluesky]`.

        Best matches first. Past 1,000 matches the count reads "1,000+" and the newest 1,000
        are paged: add a word to find fewer.
        """
        platform, words = split_platform(text)
        guild_id = ctx.guild.id if ctx.guild else None
        await reply_in_time(ctx, self._search(words, None, guild_id, platform))

    @app_commands.command(name="search", description="Search the text and authors of reactions")
    @app_commands.describe(
        text="Words to look for",
        movie="Only this movie's reactions",
        platform="Only posts from this platform",
    )
    @app_commands.autocomplete(movie=movie_choices)
    @app_commands.choices(platform=PLATFORM_CHOICES)
    @slash_cooldown()
    async def search_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        text: app_commands.Range[str, 1, MAX_SEARCH_QUERY],
        movie: str | None = None,
        platform: str | None = None,
    ) -> None:
        """Search reactions; results page with ◀ ▶ buttons (the newest 1,000 past 1,000)."""
        work = self._search(text, movie, interaction.guild_id, platform)
        await answer_in_time(interaction, work)

    @commands.command(name="stats")
    @prefix_cooldown()
    async def stats_prefix(
        self, ctx: commands.Context[ReelBot], *, movie: str | None = None
    ) -> None:
        """Count movies, articles and reactions, and name the most quoted authors.

        `stats [movie] [platform:tiktok]`: of one movie, of one platform, or of all.
        """
        platform, rest = split_platform(movie or "")
        guild_id = ctx.guild.id if ctx.guild else None
        await reply_in_time(ctx, self._stats(rest or None, guild_id, platform))

    @app_commands.command(name="stats", description="Counts and the most quoted authors")
    @app_commands.describe(movie="Only this movie", platform="Only posts from this platform")
    @app_commands.autocomplete(movie=movie_choices)
    @app_commands.choices(platform=PLATFORM_CHOICES)
    @slash_cooldown()
    async def stats_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        movie: str | None = None,
        platform: str | None = None,
    ) -> None:
        """Show the server's reaction stats."""
        await answer_in_time(interaction, self._stats(movie, interaction.guild_id, platform))


async def setup(bot: ReelBot) -> None:
    """Load the Discovery cog."""
    await bot.add_cog(Discovery(bot))
