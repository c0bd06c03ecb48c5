"""Find the movie a member means: by title, slug or alias, else "did you mean" suggestions."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.domain.errors import UnknownMovie
from bot.domain.models import slugify
from bot.domain.records import Movie
from bot.store.directory import MovieDirectory, processed
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
CANDIDATES = 256
"""Names of a large directory scored against a query: those sharing most of its trigrams."""
_MOVIE_ID = re.compile(r"^#(\d{1,18})$")


def _ranked(directory: MovieDirectory, query: str, *, limit: int, cutoff: int) -> list[Movie]:
    """Return distinct movies whose title or alias is closest to ``query``, best first.

    The directory offers a short list of candidate names (all of a small one), and only
    those are scored: well under a millisecond on the event loop, where scoring every
    name of 10,000 movies took tens (issue 15). Names that score the same keep the
    directory's order (by title).
    """
    text = processed(query)
    if not text:
        return []
    candidates = directory.candidates(text, CANDIDATES)
    matches = process.extract(
        text,
        {index: directory.processed[index] for index in candidates},
        scorer=fuzz.WRatio,
        processor=None,  # both sides are processed already
        # A movie may match by its title and several aliases: enough rows for ``limit``.
        limit=limit * NAMES_PER_MOVIE,
        score_cutoff=cutoff,
    )
    movies: list[Movie] = []
    seen: set[int] = set()
    for _name, _score, index in matches:
        movie = directory.movie(index)
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
    directory = await store.movie_directory(guild_id)
    suggestions = _ranked(directory, query, limit=MAX_SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
    raise UnknownMovie(query, [movie.title for movie in suggestions])


async def autocomplete_movies(
    store: ReactionStore, current: str, guild_id: int | None
) -> list[Movie]:
    """Return at most 25 movies for a slash option, closest to what was typed so far."""
    current = " ".join(current.split())
    directory = await store.movie_directory(guild_id)
    if not current:
        return directory.first(MAX_CHOICES)
    # Movies with a name starting with what was typed come first, by title; the closest
    # names fill the rest.
    movies = directory.starting_with(current, MAX_CHOICES)
    if len(movies) == MAX_CHOICES or len(current) > MAX_QUERY:
        return movies
    kept = {movie.id for movie in movies}
    for movie in _ranked(directory, current, limit=MAX_CHOICES, cutoff=AUTOCOMPLETE_CUTOFF):
        if movie.id not in kept and len(movies) < MAX_CHOICES:
            kept.add(movie.id)
            movies.append(movie)
    return movies
