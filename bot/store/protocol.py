"""The store interface, split by concern; `ReactionStore` is all of them (any backend)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.models import Article
from bot.domain.records import (
    UNSET,
    ArticlePage,
    ArticleSummary,
    AuditEntry,
    AuditInfo,
    GuildPage,
    GuildSettings,
    IngestResult,
    Movie,
    MovieSummary,
    ReactionPage,
    RemoveResult,
    Schedule,
    SearchPage,
    Stats,
    StoreCounts,
    StoredReaction,
    Unset,
)
from bot.store.directory import MovieDirectory


class MetaStore(Protocol):
    """The connection, its schema and the bot's stored facts."""

    async def close(self) -> None:
        """Close the underlying connection."""

    async def schema_version(self) -> int:
        """Return the schema version the database is at."""

    async def get_meta(self, key: str) -> str | None:
        """Return the bot's stored fact ``key`` (such as a commands hash), or None."""

    async def set_meta(self, key: str, value: str) -> None:
        """Store the bot's fact ``key``."""

    async def keep_search_query(self, key: str, query: str, *, now: datetime) -> None:
        """Keep a search ``query`` under a short ``key``; forget ones long unused."""

    async def kept_search_query(self, key: str) -> str | None:
        """Return the search query kept under ``key``, or None (unknown or expired)."""

    async def counts(self) -> StoreCounts:
        """Return row counts of movies, articles and reactions."""


class ArticleStore(Protocol):
    """Articles: ingest, listing and removal."""

    async def ingest_article(
        self,
        article: Article,
        *,
        content_hash: str,
        guild_id: int | None = None,
        audit: AuditInfo | None = None,
    ) -> IngestResult:
        """Store an article and its reactions in one transaction; idempotent by hash."""

    async def known_reaction_count(self, article: Article) -> int:
        """Return how many of the article's posts are already stored; writes nothing."""

    async def list_articles(
        self, guild_id: int | None, *, movie_id: int | None = None, offset: int, limit: int
    ) -> ArticlePage:
        """Return the articles visible in the guild, newest first."""

    async def get_article(self, article_id: int, guild_id: int | None) -> ArticleSummary | None:
        """Return the article if the guild can see it, else None."""

    async def remove_article(
        self,
        article_id: int,
        guild_id: int | None,
        *,
        audit: AuditInfo | None = None,
        include_global: bool = False,
    ) -> RemoveResult:
        """Remove the guild's own article (the operator: a global one) and its own reactions."""


class MovieStore(Protocol):
    """Movies as a guild sees them."""

    async def get_movie(self, movie_id: int, guild_id: int | None = None) -> Movie | None:
        """Return the movie with this id (as the guild sees it, when one is given), or None."""

    async def find_movie(self, key: str, guild_id: int | None = None) -> Movie | None:
        """Return the movie whose slug, guild title or alias matches ``key``."""

    async def movie_names(self, guild_id: int | None) -> list[tuple[Movie, str]]:
        """Return ``(movie, name)`` for every title and alias visible in the guild."""

    async def movie_directory(self, guild_id: int | None) -> MovieDirectory:
        """Return the guild's movies and their names, indexed (kept while unchanged)."""

    async def list_movies(self, guild_id: int | None) -> list[MovieSummary]:
        """Return every movie with visible reactions in the guild, by title."""


class ReadingStore(Protocol):
    """Reading reactions: what members see."""

    async def get_reaction(self, reaction_id: int, guild_id: int | None) -> StoredReaction | None:
        """Return the reaction, hidden or not, if the guild can see its source; else None."""

    async def reaction_page(
        self, movie_id: int, guild_id: int | None, *, offset: int, limit: int
    ) -> ReactionPage:
        """Return visible reactions of a movie, featured first, then in article order."""

    async def guild_page(self, movie_id: int, guild_id: int | None, *, page: int) -> GuildPage:
        """Return page ``page`` of a movie at the guild's page size, with its settings."""

    async def guild_page_by_name(
        self, key: str, guild_id: int | None, *, page: int
    ) -> GuildPage | None:
        """Return page ``page`` of the movie ``key`` names (as find_movie), or None."""

    async def search_reactions(
        self,
        query: str,
        guild_id: int | None,
        *,
        movie_id: int | None = None,
        platform: str | None = None,
        offset: int,
        limit: int,
    ) -> SearchPage:
        """Return visible reactions whose text, author or handle hold every word of ``query``.

        Best first up to `SEARCH_CAP` matches; past it ``capped``, newest first, and only
        the first `SEARCH_CAP` are paged.
        """

    async def random_reaction(
        self, guild_id: int | None, *, movie_id: int | None = None, rng_seed: int | None = None
    ) -> StoredReaction | None:
        """Return a uniformly random visible (never hidden) reaction, or None."""

    async def stats(
        self, guild_id: int | None, *, movie_id: int | None = None, platform: str | None = None
    ) -> Stats:
        """Return counts and the most quoted authors, as the guild sees them."""


class CurationStore(Protocol):
    """Curation: a guild's flags on reactions and names for movies."""

    async def set_reaction_state(
        self,
        guild_id: int,
        reaction_id: int,
        *,
        hidden: bool | None = None,
        featured: bool | None = None,
        reason: str | None = None,
        audit: AuditInfo | None = None,
    ) -> bool:
        """Hide/unhide or feature/unfeature a reaction in one guild; False if not visible."""

    async def hidden_reactions(
        self, movie_id: int, guild_id: int, *, offset: int, limit: int
    ) -> tuple[tuple[StoredReaction, ...], int]:
        """Return a page of the movie's reactions the guild hides, and how many it hides."""

    async def add_alias(
        self,
        movie_id: int,
        alias: str,
        *,
        guild_id: int | None = None,
        audit: AuditInfo | None = None,
    ) -> bool:
        """Give a movie another name, global or for one guild; False if the name is taken."""

    async def rename_movie(
        self,
        movie_id: int,
        guild_id: int | None,
        new_title: str,
        *,
        audit: AuditInfo | None = None,
    ) -> Movie:
        """Set the movie's display title in one guild (None: its own title, everywhere)."""


class SettingsStore(Protocol):
    """A guild's settings."""

    async def get_guild_settings(self, guild_id: int | None) -> GuildSettings:
        """Return the guild's settings, the defaults when it never changed them."""

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        mod_role_id: int | Unset | None = UNSET,
        spoiler_mode: str | Unset = UNSET,
        page_size: int | Unset = UNSET,
        audit: AuditInfo | None = None,
    ) -> GuildSettings:
        """Change the given settings (``mod_role_id=None`` clears it); InvalidInput if bad."""


class AuditStore(Protocol):
    """The audit log of moderator actions."""

    async def record_audit(
        self,
        guild_id: int | None,
        user_id: int,
        action: str,
        target: str,
        reason: str | None = None,
        *,
        at: datetime | None = None,
        via: str = "discord",
    ) -> int:
        """Record a moderator action on its own; return the row's id."""

    async def list_audit(self, guild_id: int | None, limit: int) -> list[AuditEntry]:
        """Return the guild's most recent audit rows, newest first."""


class ScheduleStore(Protocol):
    """Schedules: a channel's regular post."""

    async def set_schedule(
        self,
        guild_id: int,
        channel_id: int,
        *,
        every: str,
        at: str | None,
        movie_id: int | None,
        now: datetime,
        audit: AuditInfo | None = None,
    ) -> Schedule:
        """Create or replace the channel's schedule; its first run is the next slot after now."""

    async def list_schedules(self, guild_id: int) -> list[Schedule]:
        """Return the guild's schedules by channel."""

    async def stop_schedule(
        self, guild_id: int, channel_id: int, *, audit: AuditInfo | None = None
    ) -> bool:
        """Delete the channel's schedule; False if it had none."""

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        """Return every schedule, in any guild, that is not paused and due at ``now``."""

    async def pause_schedule(self, schedule_id: int, reason: str) -> None:
        """Stop a schedule from coming due until it is set again (channel gone, no access)."""

    async def pick_scheduled_reaction(self, schedule_id: int) -> StoredReaction | None:
        """Return the reaction the schedule posts next: featured first, no repeats per cycle."""

    async def claim_schedule_run(
        self, schedule_id: int, holder: str, *, now: datetime, lease: timedelta
    ) -> Schedule | None:
        """Claim the schedule's due slot for ``holder`` (None: not due, or held by another)."""

    async def complete_schedule_run(
        self,
        schedule_id: int,
        reaction_id: int | None,
        *,
        now: datetime,
        holder: str | None = None,
    ) -> Schedule:
        """Record a run's post, clear its claim and move on to the next slot after ``now``."""


class ReactionStore(
    MetaStore,
    ArticleStore,
    MovieStore,
    ReadingStore,
    CurationStore,
    SettingsStore,
    AuditStore,
    ScheduleStore,
    Protocol,
):
    """Every repository operation the bot, the CLI and the cogs use.

    ``guild_id`` None (or 0) means "no guild": only what every server sees. Ids that
    belong to another guild's scope fail closed: they answer as if they did not exist.
    Methods taking ``audit`` write the audit row in the same transaction as the change.
    Bad input raises the typed errors of bot/domain/errors.py (InvalidInput, Conflict,
    NotFound, UnknownMovie), with a message a member can read.
    """
