"""Movies as a guild sees them: by id, by any of their names, and the list of them."""

from __future__ import annotations

import asyncio

from bot.domain.models import slugify
from bot.domain.records import Movie, MovieSummary
from bot.store.cache import DIRECTORIES, MOVIES_BY_ID, MOVIES_BY_NAME
from bot.store.directory import MovieDirectory
from bot.store.repos.base import StoreBase
from bot.store.rules import GLOBAL_SCOPE, scope


class MovieRepo(StoreBase):
    """The movies part of the store (renames and aliases are curation)."""

    async def get_movie(self, movie_id: int, guild_id: int | None = None) -> Movie | None:
        """Return the movie with this id, or None.

        With no guild: any movie, under its own title and with global aliases. With a
        guild: under that guild's title and with its aliases too, and None unless an
        article the guild can see is about it (another server's movie stays unknown).
        Kept in memory like `find_movie`: every page button names its movie by id.
        """
        guild = scope(guild_id)
        return await self._cache.get(
            MOVIES_BY_ID, guild, lambda: self._read_movie(movie_id, guild), key=movie_id
        )

    async def _read_movie(self, movie_id: int, guild: int) -> Movie | None:
        async with self._db.transaction(write=False) as s:
            if guild != GLOBAL_SCOPE and not await self._movie_visible(s, movie_id, guild):
                return None
            return await self._movie(s, movie_id, guild)

    async def find_movie(self, key: str, guild_id: int | None = None) -> Movie | None:
        """Return the movie whose slug, guild title or alias matches ``key``.

        ``key`` is slugified first, so ``12th Fail``, ``12TH-FAIL`` and ``12thfail`` are
        the same key. The movie's own slug wins, then the guild's display title, the
        guild's aliases, titles the guild used before, and global aliases. Only movies with
        an article visible in the guild are found: another server's movie stays unknown
        here (``get_movie`` without a guild finds any movie by id). Kept in memory per
        guild and name until a write (of any process) changes the guild's movies.
        """
        slug = slugify(key)
        if not slug:
            return None
        guild = scope(guild_id)
        return await self._cache.get(
            MOVIES_BY_NAME, guild, lambda: self._find_movie(slug, guild), key=slug
        )

    async def movie_directory(self, guild_id: int | None) -> MovieDirectory:
        """Return the guild's movies and all their names, indexed for look-ups by name.

        Kept in memory per guild until a write (of any process) changes what it holds;
        see bot/store/cache.py.
        """
        guild = scope(guild_id)
        return await self._cache.get(DIRECTORIES, guild, lambda: self._read_directory(guild))

    async def movie_names(self, guild_id: int | None) -> list[tuple[Movie, str]]:
        """Return ``(movie, name)`` for every title and visible alias, for fuzzy matching.

        Only movies with a reaction visible in the guild are named, the same movies
        ``list_movies`` shows, so a suggestion never points at another server's movie.
        A movie the guild renamed is named by its display title, then its own title and
        the guild's earlier titles (``find_movie`` still knows them), then its aliases.
        """
        return list((await self.movie_directory(guild_id)).names)

    async def list_movies(self, guild_id: int | None) -> list[MovieSummary]:
        """Return every movie with visible reactions in the guild, by title (any case)."""
        return list((await self.movie_directory(guild_id)).summaries)

    async def _read_directory(self, guild: int) -> MovieDirectory:
        """Read the guild's movies and names in one transaction, then index them."""
        titles: dict[int, list[str]] = {}
        originals: dict[int, str] = {}
        async with self._db.transaction(write=False) as s:
            summaries = await self._visible_movies(s, guild)
            if guild != GLOBAL_SCOPE:
                for row in await s.all("select_guild_titles", {"guild": guild}):
                    titles.setdefault(row["movie_id"], []).append(row["title"])
                for summary in summaries:
                    if summary.movie.id in titles:
                        own = await s.one("select_movie_by_id", {"movie_id": summary.movie.id})
                        if own is not None:
                            originals[summary.movie.id] = own["title"]
        names: list[tuple[Movie, str]] = []
        for summary in summaries:
            movie = summary.movie
            movie_titles = [movie.title]
            if movie.id in originals:
                movie_titles.append(originals[movie.id])
            movie_titles.extend(titles.get(movie.id, ()))
            seen: set[str] = set()
            for name in [*movie_titles, *movie.aliases]:
                if name not in seen:
                    seen.add(name)
                    names.append((movie, name))
        # Indexing 10,000 movies takes a while: off the event loop.
        return await asyncio.to_thread(MovieDirectory, summaries, names)
