"""Reading services rendered for Discord: a page of reactions, search results, one reaction."""

from __future__ import annotations

from functools import lru_cache

import discord

from bot.discord_ui.render import RenderedPage, reaction_embed, render_page, render_search
from bot.domain.records import Movie, ReactionPage, StoredReaction
from bot.services import reading
from bot.store.protocol import ReactionStore

RENDERED_KEPT = 256
"""Rendered pages kept, least recently used dropped first (a few kB each)."""


async def movie_page(
    store: ReactionStore,
    movie: Movie,
    guild_id: int | None,
    page: int,
    *,
    clamp: bool = False,
) -> RenderedPage:
    """Render page ``page`` (1-based) of ``movie`` as the guild sees it."""
    shown = await reading.movie_page(store, movie, guild_id, page, clamp=clamp)
    return _rendered(shown.data, shown.page_size, shown.spoilers)


async def named_movie_page(
    store: ReactionStore, query: str, guild_id: int | None, page: int
) -> tuple[Movie, RenderedPage]:
    """Render page ``page`` of the movie a member named; return the movie too."""
    shown = await reading.named_movie_page(store, query, guild_id, page)
    return shown.data.movie, _rendered(shown.data, shown.page_size, shown.spoilers)


@lru_cache(maxsize=RENDERED_KEPT)
def _rendered(page: ReactionPage, page_size: int, spoilers: tuple[bool, ...]) -> RenderedPage:
    """`render_page`, kept for the pages members ask for again.

    Rendering five embeds costs more than the rest of a cached ``!reactions``; the store
    keeps a page's data while it is valid, and equal data renders the same.
    """
    return render_page(page, page_size=page_size, spoilers=spoilers)


async def search_page(
    store: ReactionStore,
    query: str,
    guild_id: int | None,
    page: int,
    *,
    movie_id: int | None = None,
    platform: str | None = None,
    clamp: bool = False,
) -> RenderedPage:
    """Render page ``page`` of the reactions matching ``query``; no match is an empty page."""
    found = await reading.search(
        store, query, guild_id, page, movie_id=movie_id, platform=platform, clamp=clamp
    )
    return render_search(
        found.data, found.movies, page_size=found.page_size, spoilers=found.spoilers
    )


def shown_embed(shown: reading.ShownReaction) -> discord.Embed:
    """Render one reaction shown on its own."""
    return reaction_embed(shown.reaction, movie=shown.movie, spoiler=shown.spoiler)


async def random_embed(
    store: ReactionStore, guild_id: int | None, movie: Movie | None
) -> discord.Embed:
    """Render one random visible reaction (of ``movie``, or of all)."""
    return shown_embed(await reading.random_reaction(store, guild_id, movie))


async def single_embed(
    store: ReactionStore, reaction: StoredReaction, guild_id: int | None
) -> discord.Embed:
    """Render one reaction, spoiler-tagged as the guild's setting says."""
    return shown_embed(await reading.shown(store, reaction, guild_id))
