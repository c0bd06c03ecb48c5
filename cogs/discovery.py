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
from bot.services import reading
from bot.services.lookup import resolve_movie
from bot.services.reading import MAX_SEARCH_QUERY, search_query
from cogs._choices import movie_choices
from cogs._member import MemberCog, prefix_cooldown, reply_in_time, slash_cooldown


class Discovery(MemberCog):
    """Random, search and stats; `search` is written twice (its forms differ), the rest once."""

    async def _movie(self, query: str | None, guild_id: int | None) -> Movie | None:
        return await resolve_movie(self.bot.store, query, guild_id) if query else None

    async def _search(self, text: str, movie: str | None, guild_id: int | None) -> Reply:
        found = await self._movie(movie, guild_id)
        query = search_query(text)
        rendered = await search_page(
            self.bot.store, query, guild_id, 1, movie_id=found.id if found else None
        )
        view = await search_view(self.bot.store, found.id if found else 0, query, rendered)
        return rendered.content, rendered.embeds, view

    async def _random(self, movie: str | None, guild_id: int | None) -> Reply:
        found = await self._movie(movie, guild_id)
        shown = await reading.random_reaction(self.bot.store, guild_id, found)
        return None, [shown_embed(shown)], None

    async def _stats(self, movie: str | None, guild_id: int | None) -> Reply:
        found = await self._movie(movie, guild_id)
        stats = await reading.stats(self.bot.store, guild_id, found)
        return None, [stats_embed(stats, found)], None

    @commands.hybrid_command(name="random", description="Show one random reaction")
    @prefix_cooldown()
    @app_commands.describe(movie="Only this movie's reactions")
    @app_commands.autocomplete(movie=movie_choices)
    async def random(self, ctx: commands.Context[ReelBot], *, movie: str | None = None) -> None:
        """Show one random reaction, of a movie or of all: `random [movie]`."""
        await reply_in_time(ctx, self._random(movie, ctx.guild.id if ctx.guild else None))

    @commands.hybrid_command(name="stats", description="Counts and the most quoted authors")
    @prefix_cooldown()
    @app_commands.describe(movie="Only this movie")
    @app_commands.autocomplete(movie=movie_choices)
    async def stats(self, ctx: commands.Context[ReelBot], *, movie: str | None = None) -> None:
        """Count movies, articles and reactions, and name the most quoted authors."""
        await reply_in_time(ctx, self._stats(movie, ctx.guild.id if ctx.guild else None))

    # `search` takes the rest of the line as words in its prefix form, and words plus an
    # optional movie in its slash form.

    @commands.command(name="search")
    @prefix_cooldown()
    async def search_prefix(self, ctx: commands.Context[ReelBot], *, text: str) -> None:
        """Search the text and authors of all reactions: `search <words>`."""
        await reply_in_time(ctx, self._search(text, None, ctx.guild.id if ctx.guild else None))

    @app_commands.command(name="search", description="Search the text and authors of reactions")
    @app_commands.describe(text="Words to look for", movie="Only this movie's reactions")
    @app_commands.autocomplete(movie=movie_choices)
    @slash_cooldown()
    async def search_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        text: app_commands.Range[str, 1, MAX_SEARCH_QUERY],
        movie: str | None = None,
    ) -> None:
        """Search reactions; results page with ◀ ▶ buttons."""
        await answer_in_time(interaction, self._search(text, movie, interaction.guild_id))


async def setup(bot: ReelBot) -> None:
    """Load the Discovery cog."""
    await bot.add_cog(Discovery(bot))
