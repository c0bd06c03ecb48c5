"""What the moderators' web panel reads beyond the commands: long pages and hidden reactions.

Discord shows a handful of reactions a message; a moderator in a browser curates dozens at
once. These readers add no rule: they page the store's own reading queries further, filter
by platform, and page the reactions the server hides so they can be shown again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.paging import checked_page, offset_of, page_count
from bot.domain.records import Movie, StoredReaction
from bot.services.reading import checked_platform, search_query, spoiler_flags
from bot.store.protocol import ReactionStore

PANEL_PAGE_SIZE = 20
PLATFORM_SCAN = 5000
"""How many of a movie's reactions a platform filter reads (the store has no such filter)."""


@dataclass(frozen=True, slots=True)
class PanelPage:
    """One page of a movie's visible reactions: all, those matching ``query``, or one platform's.

    ``numbers`` are the reactions' places among all the movie's (or the search's) as members
    see them, the "n of ``total``" of their footers; ``matches`` is how many the listing
    holds, which the pages are cut from. ``partial`` says a platform filter read only the
    first `PLATFORM_SCAN` reactions; ``capped`` that a search found more than it counts
    (`SEARCH_CAP`: ``total`` is then the cap, newest first).
    """

    movie: Movie
    reactions: tuple[StoredReaction, ...]
    spoilers: tuple[bool, ...]
    numbers: tuple[int, ...]
    total: int
    matches: int
    page: int
    pages: int
    query: str
    platform: str | None
    partial: bool = False
    capped: bool = False


async def _read(
    store: ReactionStore, guild_id: int, movie: Movie, query: str, offset: int, limit: int
) -> tuple[tuple[StoredReaction, ...], int, Movie, bool]:
    if query:
        found = await store.search_reactions(
            query, guild_id, movie_id=movie.id, offset=offset, limit=limit
        )
        return found.reactions, found.total, movie, found.capped
    shown = await store.reaction_page(movie.id, guild_id, offset=offset, limit=limit)
    return shown.reactions, shown.total, shown.movie, False


async def curation_page(
    store: ReactionStore,
    guild_id: int,
    movie: Movie,
    page: int,
    *,
    query: str = "",
    platform: str | None = None,
    per_page: int = PANEL_PAGE_SIZE,
) -> PanelPage:
    """Return page ``page`` of the movie's visible reactions, featured first, as members see.

    With ``query``, the reactions whose text, author or handle hold its words, best first;
    with ``platform``, only that platform's. A page past the end gives the last page.
    """
    settings = await store.get_guild_settings(guild_id)
    query = search_query(query)
    platform = checked_platform(platform)
    page = max(1, page)
    if platform is not None:
        every, total, movie, capped = await _read(store, guild_id, movie, query, 0, PLATFORM_SCAN)
        kept = [
            (number, reaction)
            for number, reaction in enumerate(every, start=1)
            if reaction.platform == platform
        ]
        matches = len(kept)
        page = checked_page(page, matches, per_page, clamp=True, what="this list")
        chosen = kept[offset_of(page, per_page) :][:per_page]
        reactions = tuple(reaction for _, reaction in chosen)
        numbers = tuple(number for number, _ in chosen)
        partial = total > PLATFORM_SCAN
    else:
        reactions, total, movie, capped = await _read(
            store, guild_id, movie, query, offset_of(page, per_page), per_page
        )
        if total and not reactions:
            # Asked past the end (reactions hidden since the link was made): the last page.
            page = checked_page(page, total, per_page, clamp=True, what="this list")
            reactions, total, movie, capped = await _read(
                store, guild_id, movie, query, offset_of(page, per_page), per_page
            )
        first = offset_of(page, per_page) + 1
        numbers = tuple(range(first, first + len(reactions)))
        matches, partial = total, False
    return PanelPage(
        movie=movie,
        reactions=reactions,
        spoilers=spoiler_flags(settings, reactions),
        numbers=numbers,
        total=total,
        matches=matches,
        page=page,
        pages=page_count(matches, per_page),
        query=query,
        platform=platform,
        partial=partial,
        capped=capped,
    )


@dataclass(frozen=True, slots=True)
class HiddenPage:
    """One page of the reactions a server hides in a movie, the most recently curated first."""

    reactions: tuple[StoredReaction, ...]
    total: int
    page: int
    pages: int


async def hidden_page(
    store: ReactionStore,
    guild_id: int,
    movie_id: int,
    page: int,
    *,
    per_page: int = PANEL_PAGE_SIZE,
) -> HiddenPage:
    """Return page ``page`` of the movie's reactions the server hides; past the end, the last."""
    page = max(1, page)
    reactions, total = await store.hidden_reactions(
        movie_id, guild_id, offset=offset_of(page, per_page), limit=per_page
    )
    if total and not reactions:
        page = checked_page(page, total, per_page, clamp=True, what="this list")
        reactions, total = await store.hidden_reactions(
            movie_id, guild_id, offset=offset_of(page, per_page), limit=per_page
        )
    return HiddenPage(reactions, total, page, page_count(total, per_page))
