"""The repository interface every store implements (SQLite now, PostgreSQL later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.models import Article


@dataclass(frozen=True, slots=True)
class Movie:
    """A stored movie with its extra names."""

    id: int
    title: str
    slug: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MovieSummary:
    """A movie and how many reactions a guild can see for it."""

    movie: Movie
    reaction_count: int


@dataclass(frozen=True, slots=True)
class StoredReaction:
    """A reaction as members see it: stored post plus the guild's curation state."""

    id: int
    movie_id: int
    platform: str
    text: str
    author_name: str | None
    handle: str | None
    date: str | None
    url: str | None
    spoiler: bool
    featured: bool = False
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class ReactionPage:
    """One page of a movie's visible reactions and the total the pages are cut from."""

    movie: Movie
    reactions: tuple[StoredReaction, ...]
    offset: int
    total: int


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of the reactions a full-text search found, and how many it found in all."""

    query: str
    reactions: tuple[StoredReaction, ...]
    offset: int
    total: int


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What storing one article did."""

    article_id: int
    movie: Movie
    created: bool
    new_reactions: int
    known_reactions: int


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Row counts, for the CLI and for tests of idempotence."""

    movies: int
    articles: int
    reactions: int


class ReactionStore(Protocol):
    """Every repository operation the bot, the CLI and the cogs use."""

    async def close(self) -> None:
        """Close the underlying connection."""

    async def schema_version(self) -> int:
        """Return the schema version the database is at."""

    async def ingest_article(
        self, article: Article, *, content_hash: str, guild_id: int | None = None
    ) -> IngestResult:
        """Store an article and its reactions in one transaction; idempotent by hash."""

    async def get_movie(self, movie_id: int) -> Movie | None:
        """Return the movie with this id, or None."""

    async def find_movie(self, key: str, guild_id: int | None = None) -> Movie | None:
        """Return the movie whose slug or alias (global or the guild's) matches ``key``."""

    async def movie_names(self, guild_id: int | None) -> list[tuple[Movie, str]]:
        """Return ``(movie, name)`` for every title and alias visible in the guild."""

    async def list_movies(self, guild_id: int | None) -> list[MovieSummary]:
        """Return every movie with visible reactions in the guild, by title."""

    async def reaction_page(
        self, movie_id: int, guild_id: int | None, *, offset: int, limit: int
    ) -> ReactionPage:
        """Return visible reactions of a movie, featured first, then in article order."""

    async def search_reactions(
        self,
        query: str,
        guild_id: int | None,
        *,
        movie_id: int | None = None,
        offset: int,
        limit: int,
    ) -> SearchPage:
        """Return visible reactions whose text, author or handle hold every word of ``query``."""

    async def add_alias(self, movie_id: int, alias: str, *, guild_id: int | None = None) -> bool:
        """Give a movie another name, global or for one guild; False if the name is taken."""

    async def set_reaction_state(
        self,
        guild_id: int,
        reaction_id: int,
        *,
        hidden: bool | None = None,
        featured: bool | None = None,
        reason: str | None = None,
    ) -> bool:
        """Hide/unhide or feature/unfeature a reaction in one guild; False if no such reaction."""

    async def get_meta(self, key: str) -> str | None:
        """Return the bot's stored fact ``key`` (such as a commands hash), or None."""

    async def set_meta(self, key: str, value: str) -> None:
        """Store the bot's fact ``key``."""

    async def counts(self) -> StoreCounts:
        """Return row counts of movies, articles and reactions."""
