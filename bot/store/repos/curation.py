"""Curation: a guild's flags on reactions, and the names it gives movies."""

from __future__ import annotations

from bot.domain.errors import Conflict, InvalidInput, UnknownMovie
from bot.domain.models import slugify
from bot.domain.records import AuditAction, AuditInfo, Movie, StoredReaction
from bot.store.repos.base import StoreBase
from bot.store.rules import (
    GLOBAL_SCOPE,
    alias_target,
    check_page,
    clean_name,
    guild_only,
    reaction_target,
    rename_target,
    scope,
)


class CurationRepo(StoreBase):
    """The curation part of the store: hide, feature, alias, rename."""

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
        """Hide/unhide or feature/unfeature a reaction in one guild; False if not visible.

        ``None`` leaves a flag as it is. ``reason`` goes with ``hidden=True``; un-hiding
        clears it. A reaction the guild cannot see (only other guilds' articles quote it)
        answers False, as a missing one does. With ``audit``, one row per flag given.
        """
        if reason is not None and hidden is not True:
            raise InvalidInput("A reason can only be given when hiding a reaction.")
        guild = guild_only(guild_id, "Curation state")
        flag = self._dialect.flag
        async with self._db.transaction(write=True) as s:
            visible = {"reaction_id": reaction_id, "guild": guild}
            if await s.one("reaction_exists", visible) is None:
                return False
            await s.run(
                "upsert_reaction_state",
                {
                    "guild": guild,
                    "reaction_id": reaction_id,
                    "hidden": flag(hidden),
                    "featured": flag(featured),
                    "reason": reason,
                },
            )
            if audit is not None:
                target = reaction_target(reaction_id)
                if hidden is not None:
                    action = AuditAction.REACTION_HIDE if hidden else AuditAction.REACTION_UNHIDE
                    why = audit.reason if audit.reason is not None else reason
                    await self._audit(s, guild, audit, action, target, why)
                if featured is not None:
                    action = (
                        AuditAction.REACTION_FEATURE if featured else AuditAction.REACTION_UNFEATURE
                    )
                    await self._audit(s, guild, audit, action, target, audit.reason)
        return True

    async def hidden_reactions(
        self, movie_id: int, guild_id: int, *, offset: int, limit: int
    ) -> tuple[tuple[StoredReaction, ...], int]:
        """Return a page of the movie's reactions the guild hides, and how many it hides.

        Only those the guild still sees (a source global or its own), the most recently
        curated first, with the guild's flags.
        """
        check_page(offset, limit)
        guild = guild_only(guild_id, "Hidden reactions")
        params = {"guild": guild, "movie_id": movie_id}
        async with self._db.transaction(write=False) as s:
            total = await s.scalar("count_hidden", params)
            rows = await s.all("select_hidden", {**params, "offset": offset, "limit": limit})
        return self._stored_reactions(rows), total

    async def add_alias(
        self,
        movie_id: int,
        alias: str,
        *,
        guild_id: int | None = None,
        audit: AuditInfo | None = None,
    ) -> bool:
        """Give a movie another name, global or for one guild; False if the name is taken.

        A name is taken when its slug is any movie's slug, an alias in the same scope, or
        (for a guild alias) a title the guild gave another movie. Raises UnknownMovie when
        no movie has this id, or, for a guild alias, when the guild cannot see the movie.
        """
        name = clean_name(alias)
        alias_slug = slugify(name)
        if not alias_slug:
            raise InvalidInput("That alias has no letters or digits.")
        guild = scope(guild_id)
        async with self._db.transaction(write=True) as s:
            if await s.one("select_movie_by_id", {"movie_id": movie_id}) is None:
                raise UnknownMovie(str(movie_id))
            if guild != GLOBAL_SCOPE and not await self._movie_visible(s, movie_id, guild):
                raise UnknownMovie(str(movie_id))
            if await s.one("select_movie_by_slug", {"slug": alias_slug}) is not None:
                return False
            if guild != GLOBAL_SCOPE:
                owner = await s.one("select_title_owner", {"guild": guild, "slug": alias_slug})
                if owner is not None and owner["movie_id"] != movie_id:
                    return False
            inserted = await s.one(
                "insert_alias",
                {"movie_id": movie_id, "guild": guild, "alias": name, "alias_slug": alias_slug},
            )
            if inserted is not None and audit is not None:
                target = alias_target(movie_id, name)
                await self._audit(s, guild, audit, AuditAction.MOVIE_ALIAS, target, audit.reason)
        return inserted is not None

    async def rename_movie(
        self,
        movie_id: int,
        guild_id: int | None,
        new_title: str,
        *,
        audit: AuditInfo | None = None,
    ) -> Movie:
        """Set the movie's display title in one guild and return the movie as it sees it.

        Movies are shared, so other guilds keep their titles. The movie's own title and
        the guild's earlier titles keep finding it there. Renaming to the movie's own
        title drops the guild's title. Raises InvalidInput when the title has no letters
        or digits, Conflict when it already names another movie in the guild, and
        UnknownMovie when the guild cannot see the movie.
        """
        title = clean_name(new_title)
        title_slug = slugify(title)
        if not title_slug:
            raise InvalidInput("That title has no letters or digits.")
        if guild_id is None:
            return await self._rename_everywhere(movie_id, title, title_slug, audit)
        guild = guild_only(guild_id, "A movie's display title")
        async with self._db.transaction(write=True) as s:
            original = await s.one("select_movie_by_id", {"movie_id": movie_id})
            if original is None or not await self._movie_visible(s, movie_id, guild):
                raise UnknownMovie(str(movie_id))
            before = await self._movie(s, movie_id, guild)
            taken = await s.one("find_movie", {"slug": title_slug, "guild": guild})
            if taken is not None and taken["id"] != movie_id:
                raise Conflict(
                    f"“{title}” already names the movie “{taken['title']}” in this server."
                )
            await s.run("retire_title", {"guild": guild, "movie_id": movie_id})
            if title != original["title"]:
                await s.run(
                    "upsert_title",
                    {
                        "guild": guild,
                        "title_slug": title_slug,
                        "movie_id": movie_id,
                        "title": title,
                    },
                )
            if audit is not None:
                old = before.title if before is not None else original["title"]
                target = rename_target(movie_id, old, title)
                await self._audit(s, guild, audit, AuditAction.MOVIE_RENAME, target, audit.reason)
            movie = await self._movie(s, movie_id, guild)
        if movie is None:  # pragma: no cover - checked inside the transaction
            raise UnknownMovie(str(movie_id))
        return movie

    async def _rename_everywhere(
        self, movie_id: int, title: str, title_slug: str, audit: AuditInfo | None
    ) -> Movie:
        """Change the movie's own title (the operator's fix); servers' own titles stay.

        The slug stays, so the names members learned keep finding it, and the new title
        becomes a global alias, so typing it finds the movie too.
        """
        async with self._db.transaction(write=True) as s:
            original = await s.one("select_movie_by_id", {"movie_id": movie_id})
            if original is None:
                raise UnknownMovie(str(movie_id))
            taken = await s.one("find_movie", {"slug": title_slug, "guild": GLOBAL_SCOPE})
            if taken is not None and taken["id"] != movie_id:
                raise Conflict(f"“{title}” already names the movie “{taken['title']}”.")
            await s.run("update_movie_title", {"movie_id": movie_id, "title": title})
            if title_slug != original["slug"]:
                alias = {
                    "movie_id": movie_id,
                    "guild": GLOBAL_SCOPE,
                    "alias": title,
                    "alias_slug": title_slug,
                }
                await s.one("insert_alias", alias)
            if audit is not None:
                target = rename_target(movie_id, original["title"], title)
                await self._audit(
                    s, GLOBAL_SCOPE, audit, AuditAction.MOVIE_RENAME, target, audit.reason
                )
            movie = await self._movie(s, movie_id, GLOBAL_SCOPE)
        if movie is None:  # pragma: no cover - read in the same transaction
            raise UnknownMovie(str(movie_id))
        return movie
