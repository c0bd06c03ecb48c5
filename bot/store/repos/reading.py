"""Reading reactions: one reaction, a movie's pages, a random pick and stats."""

from __future__ import annotations

import json
import random
from typing import Any

from bot.domain.errors import StoreError, UnknownMovie
from bot.domain.models import slugify
from bot.domain.paging import MAX_PAGE_NUMBER
from bot.domain.records import (
    DEFAULT_PAGE_SIZE,
    TOP_AUTHORS,
    GuildPage,
    Movie,
    ReactionPage,
    Stats,
    StoredReaction,
)
from bot.store.cache import PAGES
from bot.store.repos.base import StoreBase
from bot.store.rules import author_label, check_page, movie_bounds, scope

RANDOM_PROBES = 64
"""Random ids tried in one statement before `random_reaction` counts its way to one."""


class ReadingRepo(StoreBase):
    """The reading part of the store: what members see."""

    async def get_reaction(self, reaction_id: int, guild_id: int | None) -> StoredReaction | None:
        """Return the reaction with the guild's flags, hidden or not, if the guild sees it.

        None when no such reaction exists or only other guilds' articles quote it.
        """
        guild = scope(guild_id)
        async with self._db.transaction(write=False) as s:
            return await self._reaction_for_guild(s, reaction_id, guild)

    async def reaction_page(
        self, movie_id: int, guild_id: int | None, *, offset: int, limit: int
    ) -> ReactionPage:
        """Return visible reactions of a movie, featured first, then in article order.

        Raises UnknownMovie when no movie has this id. An offset past the end gives an
        empty page with the real total.
        """
        check_page(offset, limit)
        return (await self._page(movie_id, guild_id, offset=offset, limit=limit, page=None)).page

    async def guild_page(self, movie_id: int, guild_id: int | None, *, page: int) -> GuildPage:
        """Return page ``page`` (1-based) of a movie at the guild's page size, and its settings.

        One statement answers it all (one round trip), and the answer is kept in memory
        until a write (of any process) changes the guild's movies or settings: members
        ask for the first page of the same few movies over and over. Raises UnknownMovie
        when no movie has this id; a page past the end is empty, with the real total;
        pages below 1 count as 1.
        """
        page = min(max(page, 1), MAX_PAGE_NUMBER)
        return await self._cache.get(
            PAGES,
            scope(guild_id),
            lambda: self._page(movie_id, guild_id, offset=None, limit=None, page=page),
            key=(movie_id, page),
        )

    async def guild_page_by_name(
        self, key: str, guild_id: int | None, *, page: int
    ) -> GuildPage | None:
        """Return page ``page`` of the movie ``key`` names (as `find_movie`), or None.

        What ``!reactions 12th fail`` asks: the name is looked up by the page's own
        statement (one statement, one round trip), and the page kept in memory like
        `guild_page`, by the name's slug.
        """
        slug = slugify(key)
        if not slug:
            return None
        page = min(max(page, 1), MAX_PAGE_NUMBER)
        # Keyed by the slug (a str), apart from guild_page's keys (by the movie's id).
        return await self._cache.get(
            PAGES,
            scope(guild_id),
            lambda: self._read_page(None, slug, guild_id, offset=None, limit=None, page=page),
            key=(slug, page),
        )

    async def _page(
        self,
        movie_id: int,
        guild_id: int | None,
        *,
        offset: int | None,
        limit: int | None,
        page: int | None,
    ) -> GuildPage:
        """Read a page of the movie ``movie_id``; UnknownMovie when no movie has the id."""
        read = await self._read_page(
            movie_id, None, guild_id, offset=offset, limit=limit, page=page
        )
        if read is None:
            raise UnknownMovie(str(movie_id))
        return read

    async def _read_page(
        self,
        movie_id: int | None,
        slug: str | None,
        guild_id: int | None,
        *,
        offset: int | None,
        limit: int | None,
        page: int | None,
    ) -> GuildPage | None:
        """Read a page of the movie ``movie_id``, else of the one ``slug`` names.

        The name is found as `find_movie` finds it, by the page's own statement. None
        when there is no such movie.
        """
        guild = scope(guild_id)
        rows = await self._db.read(
            "reaction_page",
            {
                "movie_id": movie_id,
                "slug": slug,
                "guild": guild,
                "offset": offset,
                "limit": limit,
                "page": page,
                "default_size": DEFAULT_PAGE_SIZE,
            },
        )
        header = rows[0]
        if header["movie_id"] is None:
            return None
        movie = Movie(
            id=header["movie_id"],
            title=header["title"],
            slug=header["slug"],
            aliases=tuple(json.loads(header["aliases"])),
        )
        settings = self._guild_settings(guild, header if header["has_settings"] else None)
        # An empty page is the header alone, its reaction columns NULL.
        shown = [row for row in rows if row["id"] is not None]
        return GuildPage(
            settings=settings,
            page=ReactionPage(
                movie=movie,
                reactions=self._stored_reactions(shown),
                offset=header["skip"],
                total=header["total"],
            ),
        )

    async def random_reaction(
        self, guild_id: int | None, *, movie_id: int | None = None, rng_seed: int | None = None
    ) -> StoredReaction | None:
        """Return a uniformly random visible reaction (never a hidden one), or None.

        First up to RANDOM_PROBES ids drawn uniformly from the id range are tried in one
        statement (each a primary-key look-up); the first visible one is a uniform pick.
        When the visible reactions are too sparse among the ids for that (a small movie,
        a guild that hid most), they are counted and one is taken at a random offset,
        which is uniform too. Nothing sorts the table by random().
        """
        guild = scope(guild_id)
        # Picking a post to show members, not a secret: a seedable PRNG is what tests need.
        rng = random.Random(rng_seed)  # noqa: S311
        params: dict[str, Any] = {"guild": guild, **movie_bounds(movie_id)}
        async with self._db.transaction(write=False) as s:
            chosen: int | None = None
            bounds = await s.one("reaction_id_range")
            if bounds is not None and bounds["low"] is not None:
                draws = [rng.randint(bounds["low"], bounds["high"]) for _ in range(RANDOM_PROBES)]
                candidates = self._dialect.id_list(draws)
                row = await s.one("random_probe", {**params, "candidates": candidates})
                chosen = None if row is None else int(row["id"])
            if chosen is None:
                total = await s.scalar("count_unhidden", params)
                if total == 0:
                    return None
                row = await s.one("nth_unhidden", {**params, "offset": rng.randrange(total)})
                if row is None:  # pragma: no cover - counted in the same transaction
                    return None
                chosen = int(row["id"])
            return await self._reaction_for_guild(s, chosen, guild)

    async def stats(
        self, guild_id: int | None, *, movie_id: int | None = None, platform: str | None = None
    ) -> Stats:
        """Return counts and the most quoted authors, as the guild sees them.

        With ``platform``, only that platform's posts count, and the articles that quote
        one. ``movies`` have a visible reaction; ``articles`` are global or the guild's own;
        ``reactions`` leave out the hidden; ``featured`` and ``hidden`` are the guild's
        flags on reactions it can see; ``top_authors`` are the five authors with the
        most visible reactions, labelled "Name (@handle)" or whichever is known.
        """
        guild = scope(guild_id)
        params: dict[str, Any] = {"guild": guild, "platform": platform, **movie_bounds(movie_id)}
        async with self._db.transaction(write=False) as s:
            counts = await s.one("stats_reactions", params)
            if platform is None:
                articles = await s.scalar("count_articles", params)
            else:
                articles = await s.scalar("count_platform_articles", params)
            authors = await s.all("top_authors", {**params, "limit": TOP_AUTHORS})
        if counts is None:  # pragma: no cover - an aggregate always returns a row
            raise StoreError("counting reactions returned nothing")
        return Stats(
            movies=counts["movies"],
            articles=articles,
            reactions=counts["reactions"],
            featured=counts["featured"],
            hidden=counts["hidden"],
            top_authors=[
                (author_label(row["name"], row["handle"]), row["quoted"]) for row in authors
            ],
        )
