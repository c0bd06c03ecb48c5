"""Moderators curate: hide or feature single reactions, name movies, and read the audit trail."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.render import author_line
from bot.discord_ui.render_admin import audit_embed
from bot.domain.markdown import escape, name_markdown
from bot.services import curation
from cogs._checks import moderator_command, moderator_only
from cogs._choices import movie_choices
from cogs._respond import Responder


class Curation(commands.Cog):
    """Moderator commands over single reactions, movie names and the audit trail."""

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot

    async def set_state(
        self, ctx: commands.Context[ReelBot], action: str, reaction_id: int, reason: str | None
    ) -> None:
        """Hide, unhide, feature or unfeature one reaction in this server."""
        responder = Responder.from_context(ctx)
        chosen = curation.REACTION_ACTIONS[action]
        reaction = await curation.curate_reaction(
            self.bot.store, responder.guild_id, responder.user.id, chosen, reaction_id, reason
        )
        author = escape(author_line(reaction))
        await responder.send(f"Reaction `{reaction_id}` by {author} is {chosen.outcome}.")

    # Reactions

    @commands.hybrid_group(
        name="reaction",
        invoke_without_command=True,
        description="Hide or feature single reactions",
    )
    @moderator_command()
    async def reaction(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: `reaction hide|unhide|feature|unfeature <id>`; ids are in embed footers."""
        await ctx.send_help(ctx.command)

    @reaction.command(name="hide", description="Hide a reaction in this server")
    @moderator_only()
    @app_commands.describe(
        reaction_id="The id in the reaction's footer", reason="Why (kept in the audit)"
    )
    async def hide(
        self, ctx: commands.Context[ReelBot], reaction_id: int, *, reason: str | None = None
    ) -> None:
        """Hide a reaction in this server: `reaction hide <id> [reason]`."""
        await self.set_state(ctx, "hide", reaction_id, reason)

    @reaction.command(name="unhide", description="Show a hidden reaction again")
    @moderator_only()
    @app_commands.describe(reaction_id="The id in the reaction's footer")
    async def unhide(self, ctx: commands.Context[ReelBot], reaction_id: int) -> None:
        """Show a hidden reaction again: `reaction unhide <id>`."""
        await self.set_state(ctx, "unhide", reaction_id, None)

    @reaction.command(name="feature", description="Show a reaction first in this server")
    @moderator_only()
    @app_commands.describe(reaction_id="The id in the reaction's footer")
    async def feature(self, ctx: commands.Context[ReelBot], reaction_id: int) -> None:
        """Put a reaction first in this server: `reaction feature <id>`."""
        await self.set_state(ctx, "feature", reaction_id, None)

    @reaction.command(name="unfeature", description="Stop featuring a reaction")
    @moderator_only()
    @app_commands.describe(reaction_id="The id in the reaction's footer")
    async def unfeature(self, ctx: commands.Context[ReelBot], reaction_id: int) -> None:
        """Stop featuring a reaction: `reaction unfeature <id>`."""
        await self.set_state(ctx, "unfeature", reaction_id, None)

    # Movies

    @commands.hybrid_group(
        name="movie", invoke_without_command=True, description="Give movies extra names"
    )
    @moderator_command()
    async def movie(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: `movie alias <movie> <alias>`, `movie rename <movie> <title>`."""
        await ctx.send_help(ctx.command)

    @movie.command(name="alias", description="Give a movie another name in this server")
    @moderator_only()
    @app_commands.describe(movie="The movie", alias="The extra name")
    @app_commands.autocomplete(movie=movie_choices)
    async def alias(self, ctx: commands.Context[ReelBot], movie: str, *, alias: str) -> None:
        """Give a movie another name: `movie alias 12thfail twelfth fail`.

        Quote a movie title that has spaces: `movie alias "12th Fail" twelfth fail`.
        """
        responder = Responder.from_context(ctx)
        found, name = await curation.add_alias(
            self.bot.store, responder.guild_id, responder.user.id, movie, alias
        )
        await responder.send(
            f"**{name_markdown(found.title)}** can now also be found as “{name_markdown(name)}”."
        )

    @movie.command(name="rename", description="Change the title a movie shows under here")
    @moderator_only()
    @app_commands.describe(movie="The movie", title="The new title")
    @app_commands.autocomplete(movie=movie_choices)
    async def rename(self, ctx: commands.Context[ReelBot], movie: str, *, title: str) -> None:
        """Change how a movie's title shows here: `movie rename 12thfail 12th Fail (2023)`."""
        responder = Responder.from_context(ctx)
        before, after = await curation.rename_movie(
            self.bot.store, responder.guild_id, responder.user.id, movie, title
        )
        await responder.send(
            f"**{name_markdown(before.title)}** now shows as **{name_markdown(after.title)}** here."
        )

    # Audit

    @commands.hybrid_command(name="audit", description="Show the latest moderator actions")
    @moderator_command()
    @app_commands.describe(count="How many (at most 25)")
    async def audit(
        self, ctx: commands.Context[ReelBot], count: commands.Range[int, 1, 25] = 10
    ) -> None:
        """Show the latest moderator actions: `audit [count]` (at most 25)."""
        responder = Responder.from_context(ctx)
        entries = await curation.audit_trail(self.bot.store, responder.guild_id, count)
        await responder.send(embeds=[audit_embed(entries)])


async def setup(bot: ReelBot) -> None:
    """Load the Curation cog."""
    await bot.add_cog(Curation(bot))
