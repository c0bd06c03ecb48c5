"""Members read reactions: `reactions` (prefix and slash), `movies`, autocomplete, paging."""

from __future__ import annotations

import math
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.answers import answer_in_time
from bot.discord_ui.client import ReelBot
from bot.discord_ui.pages import named_movie_page
from bot.discord_ui.render import MAX_DESCRIPTION
from bot.discord_ui.views import pager_view
from bot.domain.markdown import name_markdown
from bot.domain.paging import MAX_PAGE_NUMBER
from bot.services import reading
from cogs._choices import movie_choices
from cogs._member import MemberCog, Text, prefix_cooldown, slash_cooldown

_TRAILING_PAGE = re.compile(r"^(?P<query>.*?)\s+(?P<page>\d{1,6})$")


def split_page(text: str) -> tuple[str, int]:
    """Split "12th fail 2" into the movie and the page; a lone number is a title."""
    text = " ".join(text.split())
    if match := _TRAILING_PAGE.match(text):
        return match["query"], int(match["page"])
    return text, 1


class Reactions(MemberCog):
    """Commands members use to read a movie's reactions."""

    async def _page_message(
        self, query: str, guild_id: int | None, page: int
    ) -> tuple[str, tuple[discord.Embed, ...], discord.ui.View | None]:
        movie, rendered = await named_movie_page(self.bot.store, query, guild_id, page)
        return rendered.content, rendered.embeds, pager_view(movie.id, rendered)

    @commands.command(name="reactions", aliases=["r"])
    @prefix_cooldown()
    async def reactions_prefix(self, ctx: commands.Context[ReelBot], *, movie: Text) -> None:
        """Show a movie's reactions, five at a time: `!reactions 12th fail [page]`."""
        query, page = split_page(movie)
        guild_id = ctx.guild.id if ctx.guild else None
        content, embeds, view = await self._page_message(query, guild_id, page)
        if view is None:
            await ctx.send(content=content, embeds=embeds)
        else:
            await ctx.send(content=content, embeds=embeds, view=view)

    @app_commands.command(name="reactions", description="Show a movie's reactions, spoiler-tagged")
    @app_commands.describe(movie="The movie: title, short name or alias", page="Page number")
    @slash_cooldown()
    async def reactions_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        movie: str,
        page: app_commands.Range[int, 1, MAX_PAGE_NUMBER] = 1,
    ) -> None:
        """Show a movie's reactions as a page of embeds with ◀ ▶ buttons."""
        await answer_in_time(interaction, self._page_message(movie, interaction.guild_id, page))

    @reactions_slash.autocomplete("movie")
    async def movie_autocomplete(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the movies closest to what has been typed so far."""
        return await movie_choices(interaction, current)

    @commands.hybrid_command(name="movies")
    @prefix_cooldown()
    async def movies(self, ctx: commands.Context[ReelBot]) -> None:
        """List the movies I know, with how many reactions each has."""
        guild_id = ctx.guild.id if ctx.guild else None
        summaries = await reading.movies(self.bot.store, guild_id)
        if not summaries:
            await ctx.send("I don't know any movies yet. A moderator can add an article.")
            return
        lines: list[str] = []
        length = 0
        for index, summary in enumerate(summaries):
            count = summary.reaction_count
            line = (
                f"**{name_markdown(summary.movie.title)}** (`{summary.movie.slug}`) — "
                f"{count} reaction{'s' if count != 1 else ''}"
            )
            if length + len(line) + 40 > MAX_DESCRIPTION:
                lines.append(f"…and {len(summaries) - index} more")
                break
            lines.append(line)
            length += len(line) + 1
        embed = discord.Embed(
            title="Movies", description="\n".join(lines), colour=discord.Colour.blurple()
        )
        embed.set_footer(text="Read them with !reactions <movie> or /reactions")
        await ctx.send(embed=embed)

    @commands.command(name="ping")
    async def ping(self, ctx: commands.Context[ReelBot]) -> None:
        """Check the bot is answering, and how far away Discord's gateway is."""
        latency = self.bot.latency  # NaN or inf before the first heartbeat
        shown = f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "unknown"
        await ctx.send(embed=discord.Embed(description=f"Pong — gateway latency {shown}."))


async def setup(bot: ReelBot) -> None:
    """Load the Reactions cog."""
    await bot.add_cog(Reactions(bot))
