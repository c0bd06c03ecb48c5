"""What the moderators' web panel reads beyond the commands: long pages and hidden reactions.

Discord shows a handful of reactions a message; a moderator in a browser curates dozens at
once. These readers add no rule: they page the store's own reading queries further, and
name the reactions the server hid (from its audit trail) so they can be shown again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.paging import checked_page, offset_of, page_count
from bot.domain.records import AuditAction, Movie, StoredReaction
from bot.services.reading import search_query, spoiler_flags
from bot.store.protocol import ReactionStore

PANEL_PAGE_SIZE = 20
HIDDEN_SCAN = 1000
"""How many of the latest audit rows are read to find the server's hidden reactions."""
_REACTION_TARGET = re.compile(r"^reaction:(\d+)")


@dataclass(frozen=True, slots=True)
class PanelPage:
    """One page of a movie's visible reactions (all, or those matching ``query``)."""

    movie: Movie
    reactions: tuple[StoredReaction, ...]
    spoilers: tuple[bool, ...]
    offset: int
    total: int
    page: int
    pages: int
    query: str


async def curation_page(
    store: ReactionStore,
    guild_id: int,
    movie: Movie,
    page: int,
    *,
    query: str = "",
    per_page: int = PANEL_PAGE_SIZE,
) -> PanelPage:
    """Return page ``page`` of the movie's visible reactions, featured first, as members see.

    With ``query``, the reactions whose text, author or handle hold its words, best first.
    A page past the end gives the last page.
    """
    settings = await store.get_guild_settings(guild_id)
    query = search_query(query)

    async def read(number: int) -> tuple[tuple[StoredReaction, ...], int, Movie]:
        offset = offset_of(number, per_page)
        if query:
            found = await store.search_reactions(
                query, guild_id, movie_id=movie.id, offset=offset, limit=per_page
            )
            return found.reactions, found.total, movie
        shown = await store.reaction_page(movie.id, guild_id, offset=offset, limit=per_page)
        return shown.reactions, shown.total, shown.movie

    page = max(1, page)
    reactions, total, movie = await read(page)
    if total and not reactions:
        # Asked past the end (reactions hidden since the link was made): the last page.
        page = checked_page(page, total, per_page, clamp=True, what="this list")
        reactions, total, movie = await read(page)
    offset = offset_of(page, per_page)
    return PanelPage(
        movie=movie,
        reactions=reactions,
        spoilers=spoiler_flags(settings, reactions),
        offset=offset,
        total=total,
        page=page,
        pages=page_count(total, per_page),
        query=query,
    )


async def hidden_reactions(
    store: ReactionStore, guild_id: int, movie_id: int
) -> list[StoredReaction]:
    """Return the movie's reactions the server hides now, latest hidden first.

    They are found through the audit trail's hide rows (the latest `HIDDEN_SCAN`), each
    read back to check it is still hidden.
    """
    seen: set[int] = set()
    hidden: list[StoredReaction] = []
    for entry in await store.list_audit(guild_id, HIDDEN_SCAN):
        match = _REACTION_TARGET.match(entry.target)
        if entry.action != AuditAction.REACTION_HIDE or match is None:
            continue
        reaction_id = int(match.group(1))
        if reaction_id in seen:
            continue
        seen.add(reaction_id)
        reaction = await store.get_reaction(reaction_id, guild_id)
        if reaction is not None and reaction.hidden and reaction.movie_id == movie_id:
            hidden.append(reaction)
    return hidden
