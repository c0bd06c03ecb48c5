"""Find the movie a member means: by title, slug or alias, else "did you mean" suggestions."""

from __future__ import annotations

import asyncio
import re

from rapidfuzz import fuzz, process, utils

from bot.domain.errors import UnknownMovie
from bot.domain.models import slugify
from bot.domain.records import Movie
from bot.store.protocol import ReactionStore

MAX_CHOICES = 25
MAX_SUGGESTIONS = 3
# WRatio scores (0-100) under which a title is too far from the query to offer.
SUGGESTION_CUTOFF = 60
AUTOCOMPLETE_CUTOFF = 45
# Longer than any title, slug or alias the bot stores (titles are capped at 300 where
# they enter): such a query names no movie, and is not ranked against every name.
MAX_QUERY = 300
NAMES_PER_MOVIE = 4
_MOVIE_ID = re.compile(r"^#(\d{1,18})$")


async def _ranked(
    names: list[tuple[Movie, str]], query: str, *, limit: int, cutoff: int
) -> list[Movie]:
    """Return distinct movies whose title or alias is closest to ``query``, best first.

    Ranking every name of a large collection takes tens of milliseconds, once per
    keystroke of an autocomplete: it runs in a thread (rapidfuzz's scorers release the
    GIL), so the event loop keeps answering meanwhile (issue 12).
    """
    choices = {index: name for index, (_, name) in enumerate(names)}
    matches = await asyncio.to_thread(
        process.extract,
        query,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        # A movie may match by its title and several aliases: enough rows for ``limit``.
        limit=limit * NAMES_PER_MOVIE,
        score_cutoff=cutoff,
    )
    movies: list[Movie] = []
    seen: set[int] = set()
    for _name, _score, index in matches:
        movie = names[index][0]
        if movie.id not in seen:
            seen.add(movie.id)
            movies.append(movie)
            if len(movies) == limit:
                break
    return movies


def movie_id_of(query: str) -> int | None:
    """Return the id in a ``#123`` query (an autocomplete choice's value), else None."""
    match = _MOVIE_ID.match(query)
    return int(match[1]) if match else None


async def resolve_movie(store: ReactionStore, query: str, guild_id: int | None) -> Movie:
    """Return the movie ``query`` names, or raise `UnknownMovie` with suggestions."""
    query = " ".join(query.split())
    if len(query) > MAX_QUERY:
        raise UnknownMovie(query)
    movie_id = movie_id_of(query)
    if movie_id is not None and (movie := await store.get_movie(movie_id, guild_id)):
        return movie
    if slugify(query) and (movie := await store.find_movie(query, guild_id)):
        return movie
    names = await store.movie_names(guild_id)
    suggestions = await _ranked(names, query, limit=MAX_SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
    raise UnknownMovie(query, [movie.title for movie in suggestions])


async def autocomplete_movies(
    store: ReactionStore, current: str, guild_id: int | None
) -> list[Movie]:
    """Return at most 25 movies for a slash option, closest to what was typed so far."""
    current = " ".join(current.split())
    if not current:
        summaries = await store.list_movies(guild_id)
        return [summary.movie for summary in summaries[:MAX_CHOICES]]
    names = await store.movie_names(guild_id)
    prefix = current.casefold()
    starts = [movie for movie, name in names if name.casefold().startswith(prefix)]
    ranked = await _ranked(names, current, limit=MAX_CHOICES, cutoff=AUTOCOMPLETE_CUTOFF)
    movies: list[Movie] = []
    for movie in [*starts, *ranked]:
        if all(movie.id != kept.id for kept in movies):
            movies.append(movie)
    return movies[:MAX_CHOICES]
