"""Moderators curate: hide or feature single reactions, name movies, and read the audit trail."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.render import author_line
from bot.discord_ui.render_admin import audit_embed
from bot.domain.errors import UserError
from bot.domain.markdown import escape
from bot.domain.records import AuditInfo
from bot.services.lookup import resolve_movie
from cogs._checks import ModeratorGroup, app_moderator_only, moderator_only
from cogs._choices import movie_choices
from cogs._respond import Responder

MAX_AUDIT = 25
MAX_REASON = 200

# (hidden, featured) each action sets, and how the reply words it.
_STATES: dict[str, tuple[bool | None, bool | None, str]] = {
    "hide": (True, None, "hidden: it no longer shows in this server"),
    "unhide": (False, None, "shown again in this server"),
    "feature": (None, True, "featured: it comes first in this server"),
    "unfeature": (None, False, "no longer featured"),
}


class Curation(commands.Cog):
    """Moderator commands over single reactions, movie names and the audit trail."""

    reaction = ModeratorGroup(name="reaction", description="Hide or feature single reactions")
    movie = ModeratorGroup(name="movie", description="Give movies extra names")

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot

    async def set_state(
        self, responder: Responder, action: str, reaction_id: int, reason: str | None = None
    ) -> None:
        """Hide, unhide, feature or unfeature one reaction in this server."""
        store = self.bot.store
        guild_id = responder.guild_id
        reaction = await store.get_reaction(reaction_id, guild_id)
        if reaction is None:
            raise UserError(f"There is no reaction `{reaction_id}` in this server.")
        hidden, featured, outcome = _STATES[action]
        reason = reason.strip()[:MAX_REASON] if reason and reason.strip() else None
        changed = await store.set_reaction_state(
            guild_id,
            reaction_id,
            hidden=hidden,
            featured=featured,
            reason=reason if hidden else None,
            audit=AuditInfo(user_id=responder.user.id, reason=reason),
        )
        if not changed:
            raise UserError(f"There is no reaction `{reaction_id}` in this server.")
        author = escape(author_line(reaction))
        await responder.send(f"Reaction `{reaction_id}` by {author} is {outcome}.")

    async def add_alias(self, responder: Responder, movie: str, alias: str) -> None:
        """Give a movie another name in this server."""
        store = self.bot.store
        guild_id = responder.guild_id
        found = await resolve_movie(store, movie, guild_id)
        added = await store.add_alias(
            found.id, alias, guild_id=guild_id, audit=AuditInfo(user_id=responder.user.id)
        )
        if not added:
            raise UserError(f"“{escape(alias)}” already names a movie here.")
        await responder.send(
            f"**{escape(found.title)}** can now also be found as “{escape(alias.strip())}”."
        )

    async def rename(self, responder: Responder, movie: str, title: str) -> None:
        """Change the title a movie shows under in this server."""
        store = self.bot.store
        guild_id = responder.guild_id
        found = await resolve_movie(store, movie, guild_id)
        try:
            renamed = await store.rename_movie(
                found.id, guild_id, title, audit=AuditInfo(user_id=responder.user.id)
            )
        except ValueError as error:
            raise UserError(str(error)) from None
        await responder.send(
            f"**{escape(found.title)}** now shows as **{escape(renamed.title)}** here."
        )

    async def show_audit(self, responder: Responder, count: int) -> None:
        """Show the latest moderator actions in this server."""
        entries = await self.bot.store.list_audit(responder.guild_id, max(1, min(count, MAX_AUDIT)))
        await responder.send(embeds=[audit_embed(entries)])

    # Prefix commands

    @commands.group(name="reaction", invoke_without_command=True)
    @moderator_only()
    async def reaction_prefix(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: `reaction hide|unhide|feature|unfeature <id>`; ids are in embed footers."""
        await ctx.send_help(ctx.command)

    @reaction_prefix.command(name="hide")
    @moderator_only()
    async def hide_prefix(
        self, ctx: commands.Context[ReelBot], reaction_id: int, *, reason: str | None = None
    ) -> None:
        """Hide a reaction in this server: `reaction hide <id> [reason]`."""
        await self.set_state(Responder.from_context(ctx), "hide", reaction_id, reason)

    @reaction_prefix.command(name="unhide")
    @moderator_only()
    async def unhide_prefix(self, ctx: commands.Context[ReelBot], reaction_id: int) -> None:
        """Show a hidden reaction again: `reaction unhide <id>`."""
        await self.set_state(Responder.from_context(ctx), "unhide", reaction_id)

    @reaction_prefix.command(name="feature")
    @moderator_only()
    async def feature_prefix(self, ctx: commands.Context[ReelBot], reaction_id: int) -> None:
        """Put a reaction first in this server: `reaction feature <id>`."""
        await self.set_state(Responder.from_context(ctx), "feature", reaction_id)

    @reaction_prefix.command(name="unfeature")
    @moderator_only()
    async def unfeature_prefix(self, ctx: commands.Context[ReelBot], reaction_id: int) -> None:
        """Stop featuring a reaction: `reaction unfeature <id>`."""
        await self.set_state(Responder.from_context(ctx), "unfeature", reaction_id)

    @commands.group(name="movie", invoke_without_command=True)
    @moderator_only()
    async def movie_prefix(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: `movie alias <movie> <alias>`, `movie rename <movie> <title>`."""
        await ctx.send_help(ctx.command)

    @movie_prefix.command(name="alias")
    @moderator_only()
    async def alias_prefix(self, ctx: commands.Context[ReelBot], movie: str, *, alias: str) -> None:
        """Give a movie another name: `movie alias 12thfail twelfth fail`.

        Quote a movie title that has spaces: `movie alias "12th Fail" twelfth fail`.
        """
        await self.add_alias(Responder.from_context(ctx), movie, alias)

    @movie_prefix.command(name="rename")
    @moderator_only()
    async def rename_prefix(
        self, ctx: commands.Context[ReelBot], movie: str, *, title: str
    ) -> None:
        """Change how a movie's title shows here: `movie rename 12thfail 12th Fail (2023)`."""
        await self.rename(Responder.from_context(ctx), movie, title)

    @commands.command(name="audit")
    @moderator_only()
    async def audit_prefix(self, ctx: commands.Context[ReelBot], count: int = 10) -> None:
        """Show the latest moderator actions: `audit [count]` (at most 25)."""
        await self.show_audit(Responder.from_context(ctx), count)

    # Slash commands

    @reaction.command(name="hide", description="Hide a reaction in this server")
    @app_commands.describe(
        reaction_id="The id in the reaction's footer", reason="Why (kept in the audit)"
    )
    async def hide_slash(
        self, interaction: discord.Interaction[ReelBot], reaction_id: int, reason: str | None = None
    ) -> None:
        """Hide a reaction."""
        await self.set_state(Responder.from_interaction(interaction), "hide", reaction_id, reason)

    @reaction.command(name="unhide", description="Show a hidden reaction again")
    @app_commands.describe(reaction_id="The id in the reaction's footer")
    async def unhide_slash(
        self, interaction: discord.Interaction[ReelBot], reaction_id: int
    ) -> None:
        """Unhide a reaction."""
        await self.set_state(Responder.from_interaction(interaction), "unhide", reaction_id)

    @reaction.command(name="feature", description="Show a reaction first in this server")
    @app_commands.describe(reaction_id="The id in the reaction's footer")
    async def feature_slash(
        self, interaction: discord.Interaction[ReelBot], reaction_id: int
    ) -> None:
        """Feature a reaction."""
        await self.set_state(Responder.from_interaction(interaction), "feature", reaction_id)

    @reaction.command(name="unfeature", description="Stop featuring a reaction")
    @app_commands.describe(reaction_id="The id in the reaction's footer")
    async def unfeature_slash(
        self, interaction: discord.Interaction[ReelBot], reaction_id: int
    ) -> None:
        """Unfeature a reaction."""
        await self.set_state(Responder.from_interaction(interaction), "unfeature", reaction_id)

    @movie.command(name="alias", description="Give a movie another name in this server")
    @app_commands.describe(movie="The movie", alias="The extra name")
    async def alias_slash(
        self, interaction: discord.Interaction[ReelBot], movie: str, alias: str
    ) -> None:
        """Add an alias."""
        await self.add_alias(Responder.from_interaction(interaction), movie, alias)

    @movie.command(name="rename", description="Change the title a movie shows under here")
    @app_commands.describe(movie="The movie", title="The new title")
    async def rename_slash(
        self, interaction: discord.Interaction[ReelBot], movie: str, title: str
    ) -> None:
        """Rename a movie for this server."""
        await self.rename(Responder.from_interaction(interaction), movie, title)

    @alias_slash.autocomplete("movie")
    @rename_slash.autocomplete("movie")
    async def movie_autocomplete(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer known movies."""
        return await movie_choices(interaction, current)

    @app_commands.command(name="audit", description="Show the latest moderator actions")
    @app_moderator_only()
    @app_commands.describe(count="How many (at most 25)")
    async def audit_slash(
        self, interaction: discord.Interaction[ReelBot], count: app_commands.Range[int, 1, 25] = 10
    ) -> None:
        """Show the audit trail."""
        await self.show_audit(Responder.from_interaction(interaction), count)


async def setup(bot: ReelBot) -> None:
    """Load the Curation cog."""
    await bot.add_cog(Curation(bot))
