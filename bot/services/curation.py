"""Moderators curate: hide and feature reactions, name movies, change settings, read the audit.

Each change is validated here, then stored with its audit row in the same transaction
(the store's ``audit=``). Bad input is a `UserError` whose message the moderator reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import Conflict, InvalidInput, NotFound
from bot.domain.markdown import escape, name_markdown, shorten
from bot.domain.models import slugify
from bot.domain.records import (
    MAX_PAGE_SIZE,
    MIN_PAGE_SIZE,
    SPOILER_MODES,
    UNSET,
    AuditEntry,
    AuditInfo,
    GuildSettings,
    Movie,
    StoredReaction,
    Unset,
)
from bot.services.lookup import resolve_movie
from bot.store.protocol import ReactionStore

MAX_REASON = 200
MAX_AUDIT = 25
MAX_ALIAS = 100
"""Longest alias: a name members type, and what a slash option can carry (100)."""
MAX_TITLE = 200
"""Longest display title a moderator can give; it must fit an embed title (256) with room."""


@dataclass(frozen=True, slots=True)
class ReactionAction:
    """What a moderator can do to one reaction: the flags it sets, and how a reply words it."""

    name: str
    hidden: bool | None
    featured: bool | None
    outcome: str


REACTION_ACTIONS = {
    action.name: action
    for action in (
        ReactionAction("hide", True, None, "hidden: it no longer shows in this server"),
        ReactionAction("unhide", False, None, "shown again in this server"),
        ReactionAction("feature", None, True, "featured: it comes first in this server"),
        ReactionAction("unfeature", None, False, "no longer featured"),
    )
}


def _reason(reason: str | None) -> str | None:
    text = " ".join((reason or "").split())
    return text[:MAX_REASON] if text else None


async def curate_reaction(
    store: ReactionStore,
    guild_id: int,
    actor_id: int,
    action: ReactionAction,
    reaction_id: int,
    reason: str | None = None,
    *,
    via: str = "discord",
) -> StoredReaction:
    """Hide, unhide, feature or unfeature one reaction in the server; return it as it was."""
    missing = NotFound(f"There is no reaction `{reaction_id}` in this server.")
    reaction = await store.get_reaction(reaction_id, guild_id)
    if reaction is None:
        raise missing
    why = _reason(reason)
    changed = await store.set_reaction_state(
        guild_id,
        reaction_id,
        hidden=action.hidden,
        featured=action.featured,
        reason=why if action.hidden else None,
        audit=AuditInfo(user_id=actor_id, reason=why, via=via),
    )
    if not changed:
        raise missing
    return reaction


def _name(text: str, *, what: str, limit: int) -> str:
    """Return a movie name as it is stored: one line, checked for length and letters."""
    name = " ".join(text.split())
    if len(name) > limit:
        raise InvalidInput(f"{what} is at most {limit} characters; that one has {len(name):,}.")
    if not slugify(name):
        shown = escape(shorten(name, 100)) or "that"
        raise InvalidInput(
            f"“{shown}” has no letters or digits, so nobody could type it: "
            f"{what.lower()} needs some."
        )
    return name


async def add_alias(
    store: ReactionStore,
    guild_id: int | None,
    actor_id: int,
    movie_query: str,
    alias: str,
    *,
    via: str = "discord",
) -> tuple[Movie, str]:
    """Give a movie another name in the server (every server: None); return it and the name."""
    name = _name(alias, what="An alias", limit=MAX_ALIAS)
    movie = await resolve_movie(store, movie_query, guild_id)
    added = await store.add_alias(
        movie.id, name, guild_id=guild_id, audit=AuditInfo(user_id=actor_id, via=via)
    )
    if not added:
        raise Conflict(f"“{name_markdown(name)}” already names a movie here.")
    return movie, name


async def rename_movie(
    store: ReactionStore,
    guild_id: int | None,
    actor_id: int,
    movie_query: str,
    title: str,
    *,
    via: str = "discord",
) -> tuple[Movie, Movie]:
    """Change the title a movie shows under in the server (None: its own title everywhere).

    Returns the movie before and after.
    """
    name = _name(title, what="A title", limit=MAX_TITLE)
    movie = await resolve_movie(store, movie_query, guild_id)
    taken = await store.find_movie(name, guild_id)
    if taken is not None and taken.id != movie.id:
        raise Conflict(
            f"“{name_markdown(name)}” already names the movie “{name_markdown(taken.title)}” here."
        )
    renamed = await store.rename_movie(
        movie.id, guild_id, name, audit=AuditInfo(user_id=actor_id, via=via)
    )
    return movie, renamed


async def audit_trail(store: ReactionStore, guild_id: int, count: int) -> list[AuditEntry]:
    """Return the server's latest moderator actions, newest first (1 to 25 of them)."""
    return await store.list_audit(guild_id, max(1, min(count, MAX_AUDIT)))


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """The settings a moderator asked to change; UNSET leaves one as it is."""

    mod_role_id: int | Unset | None = UNSET
    spoiler_mode: str | Unset = UNSET
    page_size: int | Unset = UNSET


def _checked(change: SettingsChange) -> SettingsChange:
    role = change.mod_role_id
    if not isinstance(role, Unset) and role is not None and role <= 0:
        raise InvalidInput("That is not a role of this server.")
    mode = change.spoiler_mode
    if not isinstance(mode, Unset):
        mode = mode.strip().lower()
        if mode not in SPOILER_MODES:
            raise InvalidInput("Spoilers is `always` or `flagged`.")
    size = change.page_size
    if not isinstance(size, Unset) and not MIN_PAGE_SIZE <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"A page shows {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE} reactions.")
    return SettingsChange(mod_role_id=role, spoiler_mode=mode, page_size=size)


async def update_settings(
    store: ReactionStore,
    guild_id: int,
    actor_id: int,
    change: SettingsChange,
    *,
    via: str = "discord",
) -> GuildSettings:
    """Validate and store a change of the server's settings; return them all."""
    checked = _checked(change)
    return await store.update_guild_settings(
        guild_id,
        mod_role_id=checked.mod_role_id,
        spoiler_mode=checked.spoiler_mode,
        page_size=checked.page_size,
        audit=AuditInfo(user_id=actor_id, via=via),
    )


async def settings(store: ReactionStore, guild_id: int) -> GuildSettings:
    """Return the server's settings."""
    return await store.get_guild_settings(guild_id)
