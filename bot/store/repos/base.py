"""What every part of the store shares: the database port and the reads they all make."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.domain.errors import StoreError
from bot.domain.records import (
    ArticleSummary,
    AuditAction,
    AuditInfo,
    GuildSettings,
    Movie,
    MovieSummary,
    Schedule,
    StoredReaction,
)
from bot.store.cache import StoreCache
from bot.store.port import Database, Dialect, Row, Session
from bot.store.rules import GLOBAL_SCOPE

_REACTION_COLUMNS = (
    "id",
    "movie_id",
    "platform",
    "text",
    "author_name",
    "handle",
    "date",
    "url",
    "spoiler",
    "featured",
    "hidden",
)
"""The columns a reaction is read from, in `StoredReaction`'s order."""


class StoreBase:
    """The database port, plus reads and writes that several concerns make in a transaction.

    The per-concern classes (articles, movies, reading...) add the public methods; the
    store is their combination (bot/store/repos/store.py).
    """

    def __init__(self, database: Database) -> None:
        """Wrap a database that is already open and migrated."""
        self._db = database
        self._cache = StoreCache(database)

    @property
    def database(self) -> Database:
        """Return the database port the store runs on."""
        return self._db

    @property
    def _dialect(self) -> Dialect:
        return self._db.dialect

    async def close(self) -> None:
        """Close the underlying connection; closing twice is harmless."""
        await self._db.close()

    async def schema_version(self) -> int:
        """Return the schema version the database is at."""
        return await self._db.schema_version()

    # Row shapes.

    @staticmethod
    def _stored_reaction(row: Row) -> StoredReaction:
        return StoreBase._stored_reactions([row])[0]

    @staticmethod
    def _stored_reactions(rows: Sequence[Row]) -> tuple[StoredReaction, ...]:
        """Return the reactions of one statement's rows, each column looked up by name once.

        sqlite3.Row finds a column by comparing names in turn: looked up per row and field,
        that was a quarter of what a page's posts cost in Python (4.6 -> 3.4 us a post,
        issue 15; building the frozen records is most of the rest).
        """
        if not rows:
            return ()
        names = list(rows[0].keys())
        (id_, movie, platform, text, author, handle, date, url, spoiler, featured, hidden) = (
            names.index(column) for column in _REACTION_COLUMNS
        )
        return tuple(
            StoredReaction(
                id=row[id_],
                movie_id=row[movie],
                platform=row[platform],
                text=row[text],
                author_name=row[author],
                handle=row[handle],
                date=row[date],
                url=row[url],
                spoiler=bool(row[spoiler]),
                featured=bool(row[featured]),
                hidden=bool(row[hidden]),
            )
            for row in rows
        )

    @staticmethod
    def _guild_settings(guild: int, row: Row | None) -> GuildSettings:
        """Return a guild's settings from its row, or the defaults when it has none."""
        if row is None:
            return GuildSettings(guild_id=guild)
        return GuildSettings(
            guild_id=guild,
            mod_role_id=row["mod_role_id"],
            spoiler_mode=row["spoiler_mode"],
            page_size=row["page_size"],
        )

    def _schedule(self, row: Row) -> Schedule:
        return Schedule(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            every=row["every"],
            at=row["at"],
            movie_id=row["movie_id"],
            next_run_at=self._dialect.read_moment(row["next_run_at"]),
            paused=bool(row["paused"]),
            paused_reason=row["paused_reason"],
            created_by=row["created_by"],
        )

    # Reads shared by several concerns, inside the caller's transaction.

    async def _movie(self, s: Session, movie_id: int, guild: int) -> Movie | None:
        row = await s.one("select_movie_for_guild", {"movie_id": movie_id, "guild": guild})
        return None if row is None else self._movie_from_row(row)

    async def _find_movie(self, slug: str, guild: int) -> Movie | None:
        """Return the movie a slug names in the guild (see `find_movie`), read now."""
        rows = await self._db.read("find_movie", {"slug": slug, "guild": guild})
        return self._movie_from_row(rows[0]) if rows else None

    @staticmethod
    def _movie_from_row(row: Row) -> Movie:
        """Build the Movie of a row with the guild's display ``title`` and ``aliases`` (JSON)."""
        return Movie(
            id=row["id"],
            title=row["title"],
            slug=row["slug"],
            aliases=tuple(json.loads(row["aliases"])),
        )

    async def _movie_visible(self, s: Session, movie_id: int, guild: int) -> bool:
        return await s.one("movie_visible", {"movie_id": movie_id, "guild": guild}) is not None

    async def _visible_movies(self, s: Session, guild: int) -> list[MovieSummary]:
        aliases: dict[int, list[str]] = {}
        for row in await s.all("select_guild_aliases", {"guild": guild}):
            aliases.setdefault(row["movie_id"], []).append(row["alias"])
        rows = await s.all("list_movies", {"guild": guild})
        summaries = [
            MovieSummary(
                movie=Movie(
                    id=row["id"],
                    title=row["title"],
                    slug=row["slug"],
                    aliases=tuple(aliases.get(row["id"], ())),
                ),
                reaction_count=row["reaction_count"],
            )
            for row in rows
        ]
        # Sorted here rather than in SQL: SQL's case folding covers ASCII letters only.
        summaries.sort(key=lambda summary: (summary.movie.title.casefold(), summary.movie.id))
        return summaries

    async def _article_summary(self, s: Session, row: Row, guild: int) -> ArticleSummary:
        movie = await self._movie(s, row["movie_id"], guild)
        if movie is None:  # pragma: no cover - articles.movie_id is a foreign key
            raise StoreError(f"article {row['id']} points at a missing movie")
        return ArticleSummary(
            id=row["id"],
            title=row["title"],
            source=row["source"],
            movie=movie,
            reaction_count=row["reaction_count"],
            is_global=row["guild_id"] == GLOBAL_SCOPE,
            created_at=self._dialect.moment_text(row["created_at"]),
        )

    async def _reaction_for_guild(
        self, s: Session, reaction_id: int, guild: int
    ) -> StoredReaction | None:
        row = await s.one("select_reaction_for_guild", {"reaction_id": reaction_id, "guild": guild})
        return None if row is None else self._stored_reaction(row)

    async def _audit(
        self,
        s: Session,
        guild: int,
        audit: AuditInfo,
        action: AuditAction,
        target: str,
        reason: str | None,
    ) -> int:
        """Write an audit row inside the caller's transaction, so it stands or falls with it."""
        row = await s.one(
            "insert_audit",
            {
                "guild": guild,
                "user_id": audit.user_id,
                "action": str(action),
                "target": target,
                "reason": reason,
                "created_at": None,
                "via": audit.via,
            },
        )
        if row is None:  # pragma: no cover - INSERT ... RETURNING always returns
            raise StoreError("inserting the audit row returned no id")
        return int(row["id"])
