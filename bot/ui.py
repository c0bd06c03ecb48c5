"""Discord UI pieces: the pager buttons that survive restarts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.pages import movie_page
from bot.render import RenderedPage

if TYPE_CHECKING:
    from bot.bot import ReelBot

PAGER_PREFIX = "reel:page"


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reel:page:(?P<movie_id>\d{1,18}):(?P<page>\d{1,6})",
):
    """A ◀ or ▶ button whose ``custom_id`` names the movie and the page it leads to.

    Everything the press needs is in the id, so a message posted before a restart
    still pages afterwards (discord.py re-creates the item from the template).
    """

    def __init__(
        self, movie_id: int, page: int, *, label: str = "▶", disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PAGER_PREFIX}:{movie_id}:{page}",
                disabled=disabled,
            )
        )
        self.movie_id = movie_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        """Rebuild the button from a pressed ``custom_id``."""
        return cls(int(match["movie_id"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[ReelBot]) -> None:  # type: ignore[override]
        """Show the page this button leads to, in place of the current one."""
        bot = interaction.client
        movie = await bot.store.get_movie(self.movie_id)
        if movie is None:
            await interaction.response.send_message(
                "That movie is no longer in the collection.", ephemeral=True
            )
            return
        rendered = await movie_page(bot.store, movie, interaction.guild_id, self.page, clamp=True)
        await interaction.response.edit_message(
            content=rendered.content,
            embeds=rendered.embeds,
            view=pager_view(movie.id, rendered),
        )


def pager_view(movie_id: int, rendered: RenderedPage) -> discord.ui.View | None:
    """Return ◀ ▶ buttons for a page, or None when everything fits on one page."""
    if rendered.pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(movie_id, rendered.page - 1, label="◀", disabled=rendered.page <= 1))
    view.add_item(
        PageButton(movie_id, rendered.page + 1, label="▶", disabled=rendered.page >= rendered.pages)
    )
    return view
