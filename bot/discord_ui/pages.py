"""Pages of reactions from the store, rendered with the guild's settings."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.discord_ui.render import (
    RenderedPage,
    page_count,
    reaction_embed,
    render_page,
    render_search,
)
from bot.domain.errors import PageOutOfRange, UserError
from bot.domain.markdown import escape
from bot.domain.records import GuildSettings, Movie, StoredReaction
from bot.store.protocol import ReactionStore

SPOILERS_ALWAYS = "always"


def spoiler_flags(settings: GuildSettings, reactions: Iterable[StoredReaction]) -> list[bool]:
    """Return, per reaction, whether the guild's setting hides it behind a spoiler tag."""
    always = settings.spoiler_mode == SPOILERS_ALWAYS
    return [always or reaction.spoiler for reaction in reactions]


def _checked_page(page: int, total: int, size: int, *, clamp: bool, what: str) -> int:
    """Return ``page`` if it exists; else the nearest one (``clamp``) or `PageOutOfRange`."""
    pages = page_count(total, size)
    if 1 <= page <= pages:
        return page
    if clamp:
        return min(max(page, 1), pages)
    raise PageOutOfRange(
        f"There is no page {page}: {what} has {pages} page{'s' if pages != 1 else ''}."
    )


async def movie_page(
    store: ReactionStore,
    movie: Movie,
    guild_id: int | None,
    page: int,
    *,
    clamp: bool = False,
) -> RenderedPage:
    """Return page ``page`` (1-based) of ``movie`` as the guild sees it.

    A page past the end raises `PageOutOfRange`, or with ``clamp`` shows the nearest
    page (a button pressed after reactions were hidden still shows something).
    """
    settings = await store.get_guild_settings(guild_id)
    size = settings.page_size
    # The page asked for carries the total too: a second query only for a page that is gone.
    data = await store.reaction_page(
        movie.id, guild_id, offset=(max(page, 1) - 1) * size, limit=size
    )
    checked = _checked_page(page, data.total, size, clamp=clamp, what=f"**{escape(movie.title)}**")
    if checked != page:
        data = await store.reaction_page(
            movie.id, guild_id, offset=(checked - 1) * size, limit=size
        )
    return render_page(data, page_size=size, spoilers=spoiler_flags(settings, data.reactions))


async def movies_of(
    store: ReactionStore, reactions: Iterable[StoredReaction], guild_id: int | None
) -> dict[int, Movie]:
    """Return the movie of each reaction, with the guild's titles."""
    movies: dict[int, Movie] = {}
    for reaction in reactions:
        if reaction.movie_id not in movies:
            movie = await store.get_movie(reaction.movie_id, guild_id)
            movies[reaction.movie_id] = movie or Movie(reaction.movie_id, "Unknown movie", "")
    return movies


async def search_page(
    store: ReactionStore,
    query: str,
    guild_id: int | None,
    page: int,
    *,
    movie_id: int | None = None,
    clamp: bool = False,
) -> RenderedPage:
    """Return page ``page`` of the reactions matching ``query``; no match is an empty page."""
    settings = await store.get_guild_settings(guild_id)
    size = settings.page_size
    result = await store.search_reactions(
        query, guild_id, movie_id=movie_id, offset=(max(page, 1) - 1) * size, limit=size
    )
    if result.total and not result.reactions:
        checked = _checked_page(page, result.total, size, clamp=clamp, what="this search")
        result = await store.search_reactions(
            query, guild_id, movie_id=movie_id, offset=(checked - 1) * size, limit=size
        )
    movies = await movies_of(store, result.reactions, guild_id)
    return render_search(
        result, movies, page_size=size, spoilers=spoiler_flags(settings, result.reactions)
    )


async def random_embed(
    store: ReactionStore, guild_id: int | None, movie: Movie | None
) -> discord.Embed:
    """Return one random visible reaction (of ``movie``, or of all) as an embed."""
    reaction = await store.random_reaction(guild_id, movie_id=movie.id if movie else None)
    if reaction is None:
        where = f"for **{escape(movie.title)}**" if movie else "yet"
        raise UserError(f"There are no reactions to show {where}.")
    return await single_embed(store, reaction, guild_id)


async def single_embed(
    store: ReactionStore, reaction: StoredReaction, guild_id: int | None
) -> discord.Embed:
    """Return one reaction as an embed, spoiler-tagged as the guild's setting says."""
    settings = await store.get_guild_settings(guild_id)
    movies = await movies_of(store, [reaction], guild_id)
    (spoiler,) = spoiler_flags(settings, [reaction])
    return reaction_embed(reaction, movie=movies[reaction.movie_id], spoiler=spoiler)
