"""What the store keeps and returns: movies, reactions, pages, settings, audit rows, schedules."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

SPOILER_MODES: Final = ("always", "flagged")
"""``always``: every reaction is spoiler-tagged; ``flagged``: only those from spoiler articles."""
DEFAULT_SPOILER_MODE: Final = "always"
DEFAULT_PAGE_SIZE: Final = 5
MIN_PAGE_SIZE: Final = 1
MAX_PAGE_SIZE: Final = 10
TOP_AUTHORS: Final = 5
SEARCH_CAP: Final = 1_000
"""A search counts its matches up to this many and pages through only these; past it the
count reads "1,000+" and the newest come first (ranking every match of a frequent word
would take too long)."""


OPERATOR_ID: Final = 0
"""The ``user_id`` audit rows record for the operator (the CLI): no Discord user has id 0."""
AUDIT_VIA: Final = ("discord", "web", "cli")


class Unset(enum.Enum):
    """Type of `UNSET`, the "leave as it is" default where ``None`` is a value."""

    TOKEN = 0


UNSET: Final = Unset.TOKEN


class AuditAction(enum.StrEnum):
    """What an audit row records; the values are what ``AuditEntry.action`` holds."""

    ARTICLE_ADD = "article.add"
    ARTICLE_REMOVE = "article.remove"
    REACTION_HIDE = "reaction.hide"
    REACTION_UNHIDE = "reaction.unhide"
    REACTION_FEATURE = "reaction.feature"
    REACTION_UNFEATURE = "reaction.unfeature"
    MOVIE_ALIAS = "movie.alias"
    MOVIE_RENAME = "movie.rename"
    SETTINGS_UPDATE = "settings.update"
    SCHEDULE_SET = "schedule.set"
    SCHEDULE_STOP = "schedule.stop"


class RemoveOutcome(enum.Enum):
    """What asking to remove an article did."""

    REMOVED = "removed"
    NOT_FOUND = "not_found"
    """No such article, or another guild's: the two give the same answer on purpose."""
    GLOBAL = "global"
    """The article is visible in every server (articles folder, CLI) and stays."""


@dataclass(frozen=True, slots=True)
class Movie:
    """A stored movie with its extra names; ``title`` is the asking guild's display title."""

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
class GuildPage:
    """A page of a movie's reactions read together with the settings of the guild it is for."""

    settings: GuildSettings
    page: ReactionPage


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of the reactions a full-text search found, and how many it found in all.

    ``capped`` says it found more than `SEARCH_CAP`: ``total`` is then `SEARCH_CAP`, the
    matches are the newest first, and only the first `SEARCH_CAP` of them can be paged.
    """

    query: str
    reactions: tuple[StoredReaction, ...]
    offset: int
    total: int
    capped: bool = False


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


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """A server's own settings; a server that never changed them gets the defaults."""

    guild_id: int
    mod_role_id: int | None = None
    spoiler_mode: str = DEFAULT_SPOILER_MODE
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class AuditInfo:
    """Who made a moderator change, why, and where (``via``), recorded with the change itself."""

    user_id: int
    reason: str | None = None
    via: str = "discord"
    """Where the change was made: ``discord``, ``web`` (the panel) or ``cli`` (the operator)."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded moderator action.

    ``action`` is an `AuditAction` value; ``target`` names what it acted on, starting with
    ``kind:id`` (``article:7 "Title"``, ``reaction:42``, ``movie:3 "Old" -> "New"``,
    ``channel:99 daily at 09:00``...). ``created_at`` is ISO 8601 UTC text.
    """

    id: int
    guild_id: int
    user_id: int
    action: str
    target: str
    reason: str | None
    created_at: str
    via: str = "discord"


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article a guild can see: its own, or one every server sees (``is_global``)."""

    id: int
    title: str | None
    source: str | None
    movie: Movie
    reaction_count: int
    is_global: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """One page of the articles a guild can see, newest first, and how many there are."""

    articles: tuple[ArticleSummary, ...]
    offset: int
    total: int


@dataclass(frozen=True, slots=True)
class RemoveResult:
    """What removing an article did; ``removed_reactions`` no other article quoted."""

    outcome: RemoveOutcome
    removed_reactions: int = 0


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts as one guild sees them (hidden reactions left out of ``reactions``)."""

    movies: int
    articles: int
    reactions: int
    featured: int
    hidden: int
    top_authors: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A channel's timed posting of reactions.

    ``every`` is ``1h``, ``6h`` or ``daily``; ``at`` is the ``HH:MM`` (UTC) of a daily
    schedule and None otherwise. ``movie_id`` None means every movie. ``created_by`` is
    the user who last set it (0 when set without an `AuditInfo`).
    """

    id: int
    guild_id: int
    channel_id: int
    every: str
    at: str | None
    movie_id: int | None
    next_run_at: datetime
    paused: bool
    paused_reason: str | None
    created_by: int


@dataclass(frozen=True, slots=True)
class DatabaseReport:
    """What the operator's ``check`` and ``backup`` say of a database."""

    schema_version: int
    counts: StoreCounts | None
    """Row counts; None when the database is too damaged to count."""
    problems: tuple[str, ...] = ()
    """What the integrity check found wrong; empty when the database is sound."""
