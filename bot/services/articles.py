"""List and remove the articles a server sees (moderators) or every server sees (the operator)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.paging import checked_page, offset_of, page_count
from bot.domain.records import ArticlePage, ArticleSummary, AuditInfo, RemoveOutcome, RemoveResult
from bot.services.lookup import resolve_movie
from bot.store.protocol import ReactionStore

ARTICLES_PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class ArticleListing:
    """One page of the articles a server sees, newest first."""

    data: ArticlePage
    page: int
    pages: int


async def list_articles(
    store: ReactionStore,
    guild_id: int | None,
    movie_query: str | None,
    page: int,
    *,
    per_page: int = ARTICLES_PER_PAGE,
) -> ArticleListing:
    """Return page ``page`` of the articles the server sees (of one movie, when named)."""
    movie_id = (await resolve_movie(store, movie_query, guild_id)).id if movie_query else None
    listing = await store.list_articles(
        guild_id, movie_id=movie_id, offset=offset_of(page, per_page), limit=per_page
    )
    if listing.total and not listing.articles:
        checked_page(page, listing.total, per_page, clamp=False, what="the article list")
    return ArticleListing(
        data=listing, page=max(page, 1), pages=page_count(listing.total, per_page)
    )


async def removable_article(
    store: ReactionStore, guild_id: int | None, article_id: int
) -> ArticleSummary:
    """Return the article the server may remove, or say why it may not."""
    summary = await store.get_article(article_id, guild_id)
    if summary is None:
        raise NotFound(f"There is no article `{article_id}` in this server.")
    if summary.is_global and guild_id is not None:
        raise InvalidInput(
            "That article came with the bot and every server shares it, so it can't be "
            "removed; hide its reactions instead with `reaction hide`."
        )
    return summary


async def remove_article(
    store: ReactionStore,
    guild_id: int | None,
    actor_id: int,
    article_id: int,
    *,
    via: str = "discord",
) -> RemoveResult:
    """Remove one of the server's own articles and the reactions only it had."""
    result = await store.remove_article(
        article_id,
        guild_id,
        audit=AuditInfo(user_id=actor_id, via=via),
        include_global=guild_id is None,
    )
    if result.outcome is RemoveOutcome.NOT_FOUND:
        raise NotFound(f"Article `{article_id}` is already gone.")
    if result.outcome is RemoveOutcome.GLOBAL:
        raise InvalidInput("That article is shared by every server; only the operator removes it.")
    return result
