"""One page of a movie's reactions from the store, rendered: for commands and buttons."""

from __future__ import annotations

from bot.errors import PageOutOfRange
from bot.render import RenderedPage, page_count, render_page
from bot.store.protocol import Movie, ReactionStore

PAGE_SIZE = 5


async def movie_page(
    store: ReactionStore,
    movie: Movie,
    guild_id: int | None,
    page: int,
    *,
    page_size: int = PAGE_SIZE,
    clamp: bool = False,
) -> RenderedPage:
    """Return page ``page`` (1-based) of ``movie`` as the guild sees it.

    A page past the end raises `PageOutOfRange`, or with ``clamp`` shows the nearest
    page (a button pressed after reactions were hidden still shows something).
    """
    first = await store.reaction_page(movie.id, guild_id, offset=0, limit=page_size)
    pages = page_count(first.total, page_size)
    if not 1 <= page <= pages:
        if not clamp:
            raise PageOutOfRange(
                f"There is no page {page}: **{movie.title}** has {pages} "
                f"page{'s' if pages != 1 else ''} of reactions."
            )
        page = min(max(page, 1), pages)
    data = (
        first
        if page == 1
        else await store.reaction_page(
            movie.id, guild_id, offset=(page - 1) * page_size, limit=page_size
        )
    )
    return render_page(data, page_size=page_size, spoilers=True)
