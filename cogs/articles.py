"""Moderators add articles (URL, file or pasted text) after a preview; list and remove them."""

from __future__ import annotations

import re
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.render_admin import article_list_embed, preview_embeds
from bot.discord_ui.reporter import report_to_interaction
from bot.domain.errors import UserError
from bot.domain.markdown import name_markdown
from bot.domain.paging import MAX_PAGE_NUMBER
from bot.ingest.fetch import FetchPolicy
from bot.services import articles
from bot.services.intake import (
    PreparedArticle,
    check_attachment,
    confirm_article,
    prepare_article,
    prepare_url,
)
from cogs._checks import ModeratorGroup, moderator_only
from cogs._choices import movie_choices
from cogs._respond import Responder, ask

MODAL_TEXT_LIMIT = 4000  # Discord's longest text input
_URL = re.compile(r"^<?(https?://\S+?)>?$", re.IGNORECASE)
_OPTION = re.compile(r"\b(movie|spoilers)\s*:\s*", re.IGNORECASE)
_YES = {"yes", "y", "true", "on", "1"}
_NO = {"no", "n", "false", "off", "0"}


def parse_spoilers(value: str | None) -> bool | None:
    """Read a yes/no option; None when not given."""
    if value is None or not value.strip():
        return None
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise UserError("`spoilers` takes yes or no.")


def parse_add_message(text: str) -> tuple[str | None, str | None, bool | None, str]:
    """Split `!article add` text: first line `[url] [movie: …] [spoilers: …]`, then pasted text."""
    first, _, pasted = text.partition("\n")
    options: dict[str, str] = {}
    parts = _OPTION.split(first)
    head = parts[0].strip()
    for name, value in zip(parts[1::2], parts[2::2], strict=True):
        options[name.lower()] = value.strip()
    url = None
    if head:
        if not (match := _URL.match(head)):
            raise UserError(
                "Give a link starting with http:// or https://, "
                "or paste the text below the command."
            )
        url = match[1]
    return (
        url,
        options.get("movie") or None,
        parse_spoilers(options.get("spoilers")),
        pasted.strip(),
    )


class PasteModal(discord.ui.Modal, title="Add an article"):
    """An article as a file or as pasted text, with the movie and spoiler options.

    A text box holds at most 4,000 characters (Discord's limit), so longer articles come
    as a file (`ui.FileUpload`, issue 12). Every opened modal has its own custom id:
    discord.py keeps open modals by custom id, so a shared one would hand one moderator's
    submit to another's modal (issue 12).
    """

    upload: discord.ui.Label[PasteModal] = discord.ui.Label(
        text="Article file (.html or .txt)",
        component=discord.ui.FileUpload(
            custom_id="reel:paste:file", required=False, min_values=0, max_values=1
        ),
    )
    pasted: discord.ui.Label[PasteModal] = discord.ui.Label(
        text="…or paste the article's text",
        component=discord.ui.TextInput(
            style=discord.TextStyle.long,
            max_length=MODAL_TEXT_LIMIT,
            required=False,
            placeholder="The article, with the — Name (@handle) Date lines of its posts",
            custom_id="reel:paste:text",
        ),
    )

    def __init__(
        self, cog: Articles, interaction_id: int, movie: str | None, spoilers: bool | None
    ) -> None:
        super().__init__(custom_id=f"reel:paste:{interaction_id}")
        self.cog = cog
        self.movie = movie
        self.spoilers = spoilers

    async def on_submit(self, interaction: discord.Interaction[ReelBot]) -> None:  # type: ignore[override]
        """Read the file, else the pasted text, and show the preview."""
        upload = cast("discord.ui.FileUpload[PasteModal]", self.upload.component)
        text = cast("discord.ui.TextInput[PasteModal]", self.pasted.component)
        if not upload.values and not text.value.strip():
            raise UserError("Attach the article as an `.html`/`.txt` file, or paste its text.")
        await self.cog.add_from(
            Responder.from_interaction(interaction),
            url=None,
            attachment=upload.values[0] if upload.values else None,
            text=text.value.strip(),
            movie=self.movie,
            spoilers=self.spoilers,
        )

    async def on_error(self, interaction: discord.Interaction[ReelBot], error: Exception) -> None:  # type: ignore[override]
        """Report the failure to the moderator, ephemerally."""
        await report_to_interaction(interaction, error)


class Articles(commands.Cog):
    """Moderator commands that add, list and remove articles."""

    article = ModeratorGroup(name="article", description="Add, list and remove articles")

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot

    @property
    def fetch_policy(self) -> FetchPolicy:
        """Return the download rules, with the operator's allowed hosts."""
        return FetchPolicy(allow_hosts=self.bot.settings.fetch_allow_hosts)

    async def offer(self, responder: Responder, prepared: PreparedArticle) -> None:
        """Show the preview with Add / Cancel; store the article only on Add."""
        store = self.bot.store
        guild_id = responder.guild_id
        actor_id = responder.user.id

        async def add() -> str:
            result = await confirm_article(store, prepared, guild_id, actor_id)
            if not result.created:
                return (
                    "That article is already in this server's collection "
                    f"(article `{result.article_id}`)."
                )
            return (
                f"Added article `{result.article_id}` to **{name_markdown(result.movie.title)}**: "
                f"{result.new_reactions} new reaction(s), {result.known_reactions} already known."
            )

        await ask(self.bot, responder, add, confirm_label="Add", embeds=preview_embeds(prepared))

    async def add_from(
        self,
        responder: Responder,
        *,
        url: str | None,
        attachment: discord.Attachment | None,
        text: str | None,
        movie: str | None,
        spoilers: bool | None,
    ) -> None:
        """Read the article from whichever source was given and offer it."""
        store = self.bot.store
        if url:
            await responder.defer()
            prepared = await prepare_url(
                store, url, self.fetch_policy, movie=movie, spoilers=spoilers
            )
        elif attachment is not None:
            check_attachment(attachment.filename, attachment.size)
            await responder.defer()
            data = await attachment.read()
            prepared = await prepare_article(
                store, data, source=attachment.filename, movie=movie, spoilers=spoilers
            )
        elif text:
            await responder.defer()
            prepared = await prepare_article(
                store,
                text.encode("utf-8", "surrogatepass"),
                source=None,
                movie=movie,
                spoilers=spoilers,
            )
        else:
            raise UserError(
                "Give a link, attach an `.html`/`.txt` file, "
                "or paste the article below the command."
            )
        await self.offer(responder, prepared)

    async def list_articles(self, responder: Responder, movie: str | None, page: int) -> None:
        """Send one page of the articles this server sees."""
        listing = await articles.list_articles(self.bot.store, responder.guild_id, movie, page)
        await responder.send(
            embeds=[article_list_embed(listing.data, page_number=listing.page, pages=listing.pages)]
        )

    async def remove(self, responder: Responder, article_id: int) -> None:
        """Ask to confirm, then remove one of this server's own articles."""
        store = self.bot.store
        guild_id = responder.guild_id
        summary = await articles.removable_article(store, guild_id, article_id)
        actor_id = responder.user.id

        async def remove() -> str:
            result = await articles.remove_article(store, guild_id, actor_id, article_id)
            return (
                f"Removed article `{article_id}` and the {result.removed_reactions} "
                "reaction(s) only it had."
            )

        title = summary.title or summary.source or "untitled"
        await ask(
            self.bot,
            responder,
            remove,
            confirm_label="Remove",
            content=(
                f"Remove article `{article_id}` “{name_markdown(title)}” "
                f"({summary.reaction_count} reaction(s)) about "
                f"**{name_markdown(summary.movie.title)}**?"
            ),
        )

    # Prefix commands. `article add` reads a link, a file or pasted lines in the prefix form
    # and options or a modal in the slash form, so this group is written twice, not hybrid.

    @commands.group(name="article", invoke_without_command=True)
    @moderator_only()
    async def article_prefix(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: add, list and remove articles (`article add`, `list`, `remove`)."""
        await ctx.send_help(ctx.command)

    @article_prefix.command(name="add")
    @moderator_only()
    async def add_prefix(self, ctx: commands.Context[ReelBot], *, details: str = "") -> None:
        """Add an article: `article add <url> [movie: Title] [spoilers: yes|no]`.

        Instead of a link, attach an .html or .txt file, or paste the article's text on
        the lines below the command. You see a preview first; nothing is stored until Add.
        """
        url, movie, spoilers, pasted = parse_add_message(details)
        attachment = ctx.message.attachments[0] if ctx.message.attachments else None
        await self.add_from(
            Responder.from_context(ctx),
            url=url,
            attachment=attachment,
            text=pasted,
            movie=movie,
            spoilers=spoilers,
        )

    @article_prefix.command(name="list")
    @moderator_only()
    async def list_prefix(
        self, ctx: commands.Context[ReelBot], page: int = 1, *, movie: str | None = None
    ) -> None:
        """List this server's articles with their ids: `article list [page] [movie]`."""
        await self.list_articles(Responder.from_context(ctx), movie, page)

    @article_prefix.command(name="remove")
    @moderator_only()
    async def remove_prefix(self, ctx: commands.Context[ReelBot], article_id: int) -> None:
        """Remove an article this server added, and its reactions: `article remove <id>`."""
        await self.remove(Responder.from_context(ctx), article_id)

    # Slash commands

    @article.command(name="add", description="Add an article from a link, a file, or pasted text")
    @app_commands.describe(
        url="Link to the article page",
        file="The article as an .html or .txt file",
        movie="The movie it is about (found in the article when left out)",
        spoilers="Whether its reactions spoil the movie (found in the article when left out)",
    )
    @app_commands.autocomplete(movie=movie_choices)
    async def add_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        url: str | None = None,
        file: discord.Attachment | None = None,
        movie: str | None = None,
        spoilers: bool | None = None,
    ) -> None:
        """Add an article; with neither link nor file, a box opens to paste its text."""
        if url is None and file is None:
            modal = PasteModal(self, interaction.id, movie, spoilers)
            await interaction.response.send_modal(modal)
            return
        await self.add_from(
            Responder.from_interaction(interaction),
            url=url,
            attachment=file,
            text=None,
            movie=movie,
            spoilers=spoilers,
        )

    @article.command(name="list", description="List this server's articles with their ids")
    @app_commands.describe(movie="Only this movie's articles", page="Page number")
    @app_commands.autocomplete(movie=movie_choices)
    async def list_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        movie: str | None = None,
        page: app_commands.Range[int, 1, MAX_PAGE_NUMBER] = 1,
    ) -> None:
        """List articles, newest first."""
        await self.list_articles(Responder.from_interaction(interaction), movie, page)

    @article.command(name="remove", description="Remove an article this server added")
    @app_commands.describe(article_id="The article's id, from /article list")
    async def remove_slash(
        self, interaction: discord.Interaction[ReelBot], article_id: int
    ) -> None:
        """Remove an article after a confirmation."""
        await self.remove(Responder.from_interaction(interaction), article_id)


async def setup(bot: ReelBot) -> None:
    """Load the Articles cog."""
    await bot.add_cog(Articles(bot))
