"""Reading reactions as one server sees them: pages, search, random, stats; data and spoiler flags.

Every reader here answers with data only; `bot.discord_ui` renders it for Discord and a web
handler could render the same data as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.markdown import escape, name_markdown
from bot.domain.paging import checked_page, offset_of, page_count
from bot.domain.records import (
    SEARCH_CAP,
    GuildPage,
    GuildSettings,
    Movie,
    MovieSummary,
    ReactionPage,
    SearchPage,
    Stats,
    StoredReaction,
)
from bot.platforms import PLATFORMS, get
from bot.services.lookup import MAX_QUERY, movie_id_of, resolve_movie
from bot.store.protocol import ReactionStore

SPOILERS_ALWAYS = "always"
# In a prefix command, ``platform:bluesky`` anywhere in the words filters by platform.
_PLATFORM_WORD = re.compile(r"(?:^|\s)platform:(\S*)", re.IGNORECASE)
# What members may call X in a filter, beside its registry name.
_PLATFORM_ALIASES = {"x": "twitter"}
MAX_SEARCH_QUERY = 200
UNKNOWN_MOVIE = "Unknown movie"


@dataclass(frozen=True, slots=True)
class MoviePage:
    """One page of a movie's reactions, the page it is, and which reactions hide as spoilers."""

    data: ReactionPage
    page: int
    pages: int
    page_size: int
    spoilers: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of search results with the movie of each reaction and its spoiler flag."""

    data: SearchPage
    movies: Mapping[int, Movie]
    page: int
    pages: int
    page_size: int
    spoilers: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class ShownReaction:
    """One reaction to show on its own (random, scheduled), with its movie and spoiler flag."""

    reaction: StoredReaction
    movie: Movie
    spoiler: bool


def spoiler_flags(settings: GuildSettings, reactions: Iterable[StoredReaction]) -> tuple[bool, ...]:
    """Return, per reaction, whether the server's setting hides it behind a spoiler tag."""
    always = settings.spoiler_mode == SPOILERS_ALWAYS
    return tuple(always or reaction.spoiler for reaction in reactions)


def checked_platform(name: str | None) -> str | None:
    """Return the registry name of the platform a member named (any case), or None for all."""
    if name is None or not name.strip():
        return None
    key = name.strip().lower()
    key = _PLATFORM_ALIASES.get(key, key)
    if get(key) is None:
        known = ", ".join(f"`{platform.name}`" for platform in PLATFORMS)
        raise InvalidInput(f"There is no platform called “{escape(name[:40])}”: try {known}.")
    return key


def split_platform(text: str) -> tuple[str | None, str]:
    """Take a ``platform:NAME`` word out of a prefix command's text: (platform, the rest)."""
    found = _PLATFORM_WORD.search(text)
    if found is None:
        return None, text
    rest = (text[: found.start()] + " " + text[found.end() :]).strip()
    return checked_platform(found[1] or "?"), rest


def pager_query(query: str, platform: str | None) -> str:
    """Return what a search pager carries: the words, after ``platform:NAME`` if filtered."""
    return f"platform:{platform} {query}" if platform else query


def search_query(text: str) -> str:
    """Return what a member typed as the query that is searched: one line, at most 200."""
    return " ".join(text.split())[:MAX_SEARCH_QUERY]


async def movie_page(
    store: ReactionStore, movie: Movie, guild_id: int | None, page: int, *, clamp: bool = False
) -> MoviePage:
    """Return page ``page`` (1-based) of ``movie`` as the server sees it.

    A page past the end raises `PageOutOfRange`, or with ``clamp`` gives the nearest page
    (a button pressed after reactions were hidden still shows something).
    """
    # One read gives the settings, the total and the page asked for: a second read only
    # for a page that is gone.
    read = await store.guild_page(movie.id, guild_id, page=page)
    return await _checked(store, read, guild_id, page, clamp=clamp)


async def named_movie_page(
    store: ReactionStore, query: str, guild_id: int | None, page: int
) -> MoviePage:
    """Return page ``page`` of the movie a member named: a title, an alias or ``#id``.

    A name goes from name to page in one (cached) look-up; an id, or a name that finds
    nothing, goes through `resolve_movie`, which raises `UnknownMovie` with suggestions.
    """
    name = " ".join(query.split())
    if movie_id_of(name) is None and len(name) <= MAX_QUERY:
        read = await store.guild_page_by_name(name, guild_id, page=page)
        if read is not None:
            return await _checked(store, read, guild_id, page, clamp=False)
    movie = await resolve_movie(store, name, guild_id)
    return await movie_page(store, movie, guild_id, page)


async def _checked(
    store: ReactionStore, read: GuildPage, guild_id: int | None, page: int, *, clamp: bool
) -> MoviePage:
    """Return the page read, or the one `checked_page` turns a page past the end into."""
    settings, data = read.settings, read.page
    size = settings.page_size
    what = f"**{name_markdown(data.movie.title)}**"
    checked = checked_page(page, data.total, size, clamp=clamp, what=what)
    if checked != page:
        data = (await store.guild_page(data.movie.id, guild_id, page=checked)).page
    return MoviePage(
        data=data,
        page=checked,
        pages=page_count(data.total, size),
        page_size=size,
        spoilers=spoiler_flags(settings, data.reactions),
    )


async def movies_of(
    store: ReactionStore, reactions: Iterable[StoredReaction], guild_id: int | None
) -> dict[int, Movie]:
    """Return the movie of each reaction, under the server's titles."""
    movies: dict[int, Movie] = {}
    for reaction in reactions:
        if reaction.movie_id not in movies:
            movie = await store.get_movie(reaction.movie_id, guild_id)
            movies[reaction.movie_id] = movie or Movie(reaction.movie_id, UNKNOWN_MOVIE, "")
    return movies


async def search(
    store: ReactionStore,
    query: str,
    guild_id: int | None,
    page: int,
    *,
    movie_id: int | None = None,
    platform: str | None = None,
    clamp: bool = False,
) -> SearchResults:
    """Return page ``page`` of the reactions matching ``query`` (of one platform, if named).

    No match is an empty page. Past `SEARCH_CAP` matches only the first `SEARCH_CAP` (the
    newest) are paged: a page past them is refused (or, with ``clamp``, the last one).
    """
    settings = await store.get_guild_settings(guild_id)
    size = settings.page_size
    query = search_query(query)
    platform = checked_platform(platform)

    async def read(number: int) -> SearchPage:
        return await store.search_reactions(
            query,
            guild_id,
            movie_id=movie_id,
            platform=platform,
            offset=offset_of(number, size),
            limit=size,
        )

    result = await read(page)
    if result.total and not result.reactions:
        what = (
            f"a search shows its first {SEARCH_CAP:,} matches, so it"
            if result.capped
            else "this search"
        )
        result = await read(checked_page(page, result.total, size, clamp=clamp, what=what))
    return SearchResults(
        data=result,
        movies=await movies_of(store, result.reactions, guild_id),
        page=result.offset // size + 1,
        pages=page_count(result.total, size),
        page_size=size,
        spoilers=spoiler_flags(settings, result.reactions),
    )


async def shown(
    store: ReactionStore, reaction: StoredReaction, guild_id: int | None
) -> ShownReaction:
    """Return one reaction with its movie, spoiler-flagged as the server's setting says."""
    settings = await store.get_guild_settings(guild_id)
    movies = await movies_of(store, [reaction], guild_id)
    (spoiler,) = spoiler_flags(settings, [reaction])
    return ShownReaction(reaction=reaction, movie=movies[reaction.movie_id], spoiler=spoiler)


async def random_reaction(
    store: ReactionStore, guild_id: int | None, movie: Movie | None
) -> ShownReaction:
    """Return one random visible reaction (of ``movie``, or of all); NotFound when none."""
    reaction = await store.random_reaction(guild_id, movie_id=movie.id if movie else None)
    if reaction is None:
        where = f"for **{name_markdown(movie.title)}**" if movie else "yet"
        raise NotFound(f"There are no reactions to show {where}.")
    return await shown(store, reaction, guild_id)


async def stats(
    store: ReactionStore, guild_id: int | None, movie: Movie | None, platform: str | None = None
) -> Stats:
    """Return the server's counts and most quoted authors (of one movie and platform, or all)."""
    return await store.stats(
        guild_id, movie_id=movie.id if movie else None, platform=checked_platform(platform)
    )


async def movies(store: ReactionStore, guild_id: int | None) -> list[MovieSummary]:
    """Return every movie with reactions the server can see, by title."""
    return await store.list_movies(guild_id)
