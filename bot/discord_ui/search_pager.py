"""◀ ▶ buttons of search results, which survive restarts and never cut the query.

A button's custom id holds at most 100 characters (Discord). A query that fits rides in
the id whole; a longer one is kept in the store under a short key, which the id carries
instead (issue 12: a cut query searched for something else on page two).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_ui.answers import Update, answer_press
from bot.discord_ui.pages import search_page
from bot.discord_ui.render import RenderedPage
from bot.discord_ui.views import arrows
from bot.services.reading import split_platform
from bot.services.searches import keep_search, kept_search
from bot.store.protocol import ReactionStore

if TYPE_CHECKING:
    from bot.discord_ui.client import ReelBot

MAX_CUSTOM_ID = 100


def inline_custom_id(movie_id: int, page: int, query: str) -> str:
    """Return the id of a button that carries its query whole (it may be too long)."""
    return f"reel:search:{movie_id}:{page}:{query}"


async def _results(
    interaction: discord.Interaction[ReelBot], movie_id: int, page: int, query: str
) -> Update:
    """Return the page of results a button leads to, with its own ◀ ▶.

    ``query`` is the pager's query: the words, after a ``platform:NAME`` word when the
    search keeps to one platform (`reading.pager_query`).
    """
    store = interaction.client.store
    platform, words = split_platform(query)
    rendered = await search_page(
        store,
        words,
        interaction.guild_id,
        page,
        movie_id=movie_id or None,
        platform=platform,
        clamp=True,
    )
    view = await search_view(store, movie_id, query, rendered)
    return Update(rendered.content, rendered.embeds, view)


def _button(custom_id: str, label: str, disabled: bool) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id, disabled=disabled
    )


class SearchButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reel:search:(?P<movie_id>\d{1,20}):(?P<page>\d{1,6}):(?P<query>.+)",
):
    """A ◀ or ▶ button of search results whose ``custom_id`` carries the whole query."""

    def __init__(
        self, movie_id: int, page: int, query: str, *, label: str = "▶", disabled: bool = False
    ) -> None:
        super().__init__(_button(inline_custom_id(movie_id, page, query), label, disabled))
        self.movie_id = movie_id
        self.page = page
        self.query = query

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SearchButton:
        """Rebuild the button from a pressed ``custom_id``."""
        return cls(int(match["movie_id"]), int(match["page"]), match["query"])

    async def callback(self, interaction: discord.Interaction[ReelBot]) -> None:  # type: ignore[override]
        """Show the page of results this button leads to, in place."""
        await answer_press(interaction, _results(interaction, self.movie_id, self.page, self.query))


class KeptSearchButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reel:searchk:(?P<movie_id>\d{1,20}):(?P<page>\d{1,6}):(?P<key>[0-9a-f]{16})",
):
    """A ◀ or ▶ button of search results whose query is kept in the store under ``key``."""

    def __init__(
        self, movie_id: int, page: int, key: str, *, label: str = "▶", disabled: bool = False
    ) -> None:
        custom_id = f"reel:searchk:{movie_id}:{page}:{key}"
        super().__init__(_button(custom_id, label, disabled))
        self.movie_id = movie_id
        self.page = page
        self.key = key

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> KeptSearchButton:
        """Rebuild the button from a pressed ``custom_id``."""
        return cls(int(match["movie_id"]), int(match["page"]), match["key"])

    async def callback(self, interaction: discord.Interaction[ReelBot]) -> None:  # type: ignore[override]
        """Find the kept query, then show the page of results this button leads to."""
        await answer_press(interaction, self._results(interaction))

    async def _results(self, interaction: discord.Interaction[ReelBot]) -> Update:
        query = await kept_search(interaction.client.store, self.key)
        return await _results(interaction, self.movie_id, self.page, query)


async def search_view(
    store: ReactionStore, movie_id: int, query: str, rendered: RenderedPage
) -> discord.ui.View | None:
    """Return ◀ ▶ buttons for search results, or None when they fit on one page."""
    if rendered.pages <= 1:
        return None
    last = inline_custom_id(movie_id, rendered.page + 1, query)  # the longest id of the two
    if len(last) <= MAX_CUSTOM_ID:
        return arrows(
            rendered,
            lambda page, label, disabled: SearchButton(
                movie_id, page, query, label=label, disabled=disabled
            ),
        )
    key = await keep_search(store, query)
    return arrows(
        rendered,
        lambda page, label, disabled: KeptSearchButton(
            movie_id, page, key, label=label, disabled=disabled
        ),
    )
