"""Articles: ingest (staged, deduplicated by post key), listing and removal."""

from __future__ import annotations

from bot.domain.errors import InvalidInput, StoreError
from bot.domain.models import Article
from bot.domain.records import (
    ArticlePage,
    ArticleSummary,
    AuditAction,
    AuditInfo,
    IngestResult,
    Movie,
    RemoveOutcome,
    RemoveResult,
)
from bot.store.port import Session
from bot.store.repos.base import StoreBase
from bot.store.rules import (
    GLOBAL_SCOPE,
    article_target,
    check_page,
    movie_bounds,
    scope,
    staging_rows,
)


class ArticleRepo(StoreBase):
    """The articles part of the store."""

    async def ingest_article(
        self,
        article: Article,
        *,
        content_hash: str,
        guild_id: int | None = None,
        audit: AuditInfo | None = None,
    ) -> IngestResult:
        """Store an article and its reactions in one transaction; idempotent by hash.

        The same ``content_hash`` in the same scope (global, or one guild) is stored once:
        a second call stores nothing and returns ``created=False`` with the first article's
        id. A post already stored for the movie, from another article, is linked rather
        than stored again and counted in ``known_reactions``. With ``audit``, a stored
        article is recorded as ``article.add`` in the same transaction.
        """
        if article.movie is None:
            raise InvalidInput("An article needs a movie before it can be stored.")
        if not article.movie.slug:
            raise InvalidInput(f"The movie title {article.movie.title!r} has no letters or digits.")
        if not content_hash:
            raise InvalidInput("An article needs a content hash before it can be stored.")
        guild = scope(guild_id)
        staged = staging_rows(article.reactions)
        async with self._db.transaction(write=True) as s:
            existing = await s.one(
                "select_article_by_hash", {"guild": guild, "content_hash": content_hash}
            )
            if existing is not None:
                return IngestResult(
                    article_id=existing["id"],
                    movie=await self._known_movie(s, existing["movie_id"], guild),
                    created=False,
                    new_reactions=0,
                    known_reactions=0,
                )
            await s.run("insert_movie", {"title": article.movie.title, "slug": article.movie.slug})
            movie_row = await s.one("select_movie_by_slug", {"slug": article.movie.slug})
            if movie_row is None:  # pragma: no cover - inserted or found just above
                raise StoreError(f"movie {article.movie.slug!r} vanished during ingest")
            movie = await self._known_movie(s, movie_row["id"], guild)
            article_row = await s.one(
                "insert_article",
                {
                    "guild": guild,
                    "content_hash": content_hash,
                    "movie_id": movie.id,
                    "title": article.title,
                    "source": article.source,
                    "published": article.published,
                    "spoiler": self._dialect.flag(article.spoiler),
                },
            )
            if article_row is None:  # pragma: no cover - INSERT ... RETURNING always returns
                raise StoreError("inserting the article returned no id")
            article_id = int(article_row["id"])
            known = await self._store_posts(
                s, staged, article_id, movie.id, guild, spoiler=article.spoiler
            )
            if audit is not None:
                target = article_target(article_id, article.title)
                await self._audit(s, guild, audit, AuditAction.ARTICLE_ADD, target, audit.reason)
        return IngestResult(
            article_id=article_id,
            movie=movie,
            created=True,
            new_reactions=len(staged) - known,
            known_reactions=known,
        )

    async def _known_movie(self, s: Session, movie_id: int, guild: int) -> Movie:
        movie = await self._movie(s, movie_id, guild)
        if movie is None:  # pragma: no cover - articles.movie_id is a foreign key
            raise StoreError(f"movie {movie_id} vanished during ingest")
        return movie

    async def _store_posts(
        self,
        s: Session,
        staged: list[dict[str, object]],
        article_id: int,
        movie_id: int,
        guild: int,
        *,
        spoiler: bool,
    ) -> int:
        """Stage the posts, store the new ones, link all; return how many were known.

        A handful of statements per article whatever its size: the posts are staged in a
        per-connection table, then inserted and linked set-wise.
        """
        await s.run("create_staging")
        await s.run("clear_staging")
        await s.many("insert_staging", staged)
        known = await s.scalar("count_known_staged", {"movie_id": movie_id})
        await s.run("insert_new_reactions", {"movie_id": movie_id})
        await s.run(
            "insert_links",
            {
                "article_id": article_id,
                "movie_id": movie_id,
                "guild": guild,
                "spoiler": self._dialect.flag(spoiler),
            },
        )
        await s.run("clear_staging")
        return known

    async def known_reaction_count(self, article: Article) -> int:
        """Return how many of the article's posts are already stored for its movie.

        Counts each post once (as ingest stores it), by its natural key, in any scope: it
        predicts ingest's ``known_reactions``. Reads only; nothing is written, not even a
        temporary table. An article without a movie, or about an unknown movie, knows 0.
        """
        if article.movie is None or not article.movie.slug:
            return 0
        staged = staging_rows(article.reactions)
        async with self._db.transaction(write=False) as s:
            movie_row = await s.one("select_movie_by_slug", {"slug": article.movie.slug})
            if movie_row is None:
                return 0
            known = 0
            for row in staged:
                params = {"movie_id": movie_row["id"], "key_hash": row["key_hash"]}
                if await s.one("reaction_known", params) is not None:
                    known += 1
        return known

    async def list_articles(
        self, guild_id: int | None, *, movie_id: int | None = None, offset: int, limit: int
    ) -> ArticlePage:
        """Return the articles visible in the guild (global and its own), newest first."""
        check_page(offset, limit)
        guild = scope(guild_id)
        params = {"guild": guild, **movie_bounds(movie_id), "offset": offset, "limit": limit}
        async with self._db.transaction(write=False) as s:
            total = await s.scalar("count_articles", params)
            rows = await s.all("list_articles", params)
            articles = [await self._article_summary(s, row, guild) for row in rows]
        return ArticlePage(articles=tuple(articles), offset=offset, total=total)

    async def get_article(self, article_id: int, guild_id: int | None) -> ArticleSummary | None:
        """Return the article if it is global or the guild's own, else None."""
        guild = scope(guild_id)
        async with self._db.transaction(write=False) as s:
            row = await s.one("select_article", {"article_id": article_id, "guild": guild})
            return None if row is None else await self._article_summary(s, row, guild)

    async def remove_article(
        self,
        article_id: int,
        guild_id: int | None,
        *,
        audit: AuditInfo | None = None,
        include_global: bool = False,
    ) -> RemoveResult:
        """Remove the guild's own article and the reactions no other article quotes.

        Another guild's article answers NOT_FOUND, as a missing one does. A global article
        answers GLOBAL and stays, unless the operator asks for it (no guild and
        ``include_global``: the CLI's ``article remove``). All of it, and the audit row, in
        one transaction.
        """
        guild = scope(guild_id)
        async with self._db.transaction(write=True) as s:
            row = await s.one("select_article", {"article_id": article_id, "guild": guild})
            if row is None:
                return RemoveResult(RemoveOutcome.NOT_FOUND)
            operator = include_global and guild == GLOBAL_SCOPE
            if row["guild_id"] == GLOBAL_SCOPE and not operator:
                return RemoveResult(RemoveOutcome.GLOBAL)
            removed = await s.all("delete_orphaned_reactions", {"article_id": article_id})
            await s.run("delete_article", {"article_id": article_id})
            if audit is not None:
                target = article_target(article_id, row["title"])
                await self._audit(s, guild, audit, AuditAction.ARTICLE_REMOVE, target, audit.reason)
        return RemoveResult(RemoveOutcome.REMOVED, removed_reactions=len(removed))
