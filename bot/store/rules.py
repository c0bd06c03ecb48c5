"""Backend-neutral store rules: scopes, paging, post keys, audit targets, setting checks.

Pure functions, no database: every backend's store runs the same ones, so a rule (what
"no guild" means, what a setting may be, what an audit row says) is written once here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.errors import InvalidInput
from bot.domain.models import Reaction
from bot.domain.records import (
    MAX_PAGE_SIZE,
    MIN_PAGE_SIZE,
    SPOILER_MODES,
    GuildSettings,
    Unset,
)
from bot.domain.schedule_time import EVERY_CHOICES, normalise_at

GLOBAL_SCOPE = 0
"""``guild_id`` of rows every server sees; Discord snowflakes are never 0."""

ALL_MOVIES = {"movie_low": -(2**63), "movie_high": 2**63 - 1}
"""``:movie_low``/``:movie_high`` bounding every movie (see `movie_bounds`)."""


def scope(guild_id: int | None) -> int:
    """Return the ``guild_id`` column value for a guild, 0 meaning "no guild"."""
    if guild_id is None:
        return GLOBAL_SCOPE
    if guild_id < 0:
        raise InvalidInput(f"Server (guild) ids are positive numbers, not {guild_id}.")
    return guild_id


def guild_only(guild_id: int | None, what: str) -> int:
    """Return the guild's scope, refusing "no guild" for state that belongs to one guild."""
    guild = scope(guild_id)
    if guild == GLOBAL_SCOPE:
        raise InvalidInput(f"{what} belongs to one server, so it needs a guild id.")
    return guild


def movie_bounds(movie_id: int | None) -> dict[str, int]:
    """Return ``:movie_low``/``:movie_high`` for one movie, or for every movie.

    One statement then serves both cases and still seeks an index on ``movie_id``.
    """
    if movie_id is None:
        return dict(ALL_MOVIES)
    return {"movie_low": movie_id, "movie_high": movie_id}


def check_page(offset: int, limit: int) -> None:
    """Refuse a page that starts before the first row or holds no rows."""
    if offset < 0 or limit < 1:
        raise InvalidInput(
            f"A page starts at offset 0 or later and holds at least one row (limit); "
            f"got offset {offset} and limit {limit}."
        )


def check_limit(limit: int) -> None:
    """Refuse a listing that asks for no rows."""
    if limit < 1:
        raise InvalidInput(f"Ask for at least one row (limit), not {limit}.")


def key_hash(reaction: Reaction) -> bytes:
    """Return the digest of the post's natural key: the same post hashes the same."""
    return hashlib.sha256(reaction.key().encode("utf-8")).digest()


def staging_rows(reactions: Iterable[Reaction]) -> list[dict[str, Any]]:
    """Return the article's posts as rows to stage, each post once, first place kept."""
    rows: list[dict[str, Any]] = []
    seen: set[bytes] = set()
    for position, reaction in enumerate(reactions):
        digest = key_hash(reaction)
        if digest in seen:
            continue
        seen.add(digest)
        rows.append(
            {
                "position": position,
                "key_hash": digest,
                "platform": reaction.platform,
                "text": reaction.text,
                "author_name": reaction.author_name,
                "handle": reaction.handle,
                "date": reaction.date,
                "url": reaction.url,
                "post_id": reaction.post_id,
            }
        )
    return rows


def clean_name(name: str) -> str:
    """Return a movie name a member typed with its runs of spaces made one."""
    return " ".join(name.split())


def author_label(name: str | None, handle: str | None) -> str:
    """Return "Name (@handle)", or whichever of the two is known."""
    if name and handle:
        return f"{name} (@{handle})"
    return name or f"@{handle}"


# Audit targets: what the audit log shows a moderator about the thing changed.


def _quoted(text: str | None) -> str:
    return f' "{text}"' if text else ""


def article_target(article_id: int, title: str | None) -> str:
    """Return ``article:7 "Title"`` (the title only when there is one)."""
    return f"article:{article_id}{_quoted(title)}"


def reaction_target(reaction_id: int) -> str:
    """Return ``reaction:7``."""
    return f"reaction:{reaction_id}"


def alias_target(movie_id: int, alias: str) -> str:
    """Return ``movie:7 "alias"``."""
    return f"movie:{movie_id}{_quoted(alias)}"


def rename_target(movie_id: int, old: str, new: str) -> str:
    """Return ``movie:7 "Old" -> "New"``."""
    return f'movie:{movie_id} "{old}" -> "{new}"'


def schedule_target(channel_id: int, every: str, at: str | None, movie_id: int | None) -> str:
    """Return ``channel:7 daily at 09:00 movie:3`` (time and movie only when given)."""
    target = f"channel:{channel_id} {every}"
    if at is not None:
        target += f" at {at}"
    if movie_id is not None:
        target += f" movie:{movie_id}"
    return target


def settings_target(changes: dict[str, object]) -> str:
    """Return ``page_size=5 spoiler_mode=flagged`` for the settings changed."""
    return " ".join(f"{name}={value}" for name, value in changes.items())


# Guild settings.


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """The settings a moderator asked to change, checked; Unset leaves one as it is."""

    mod_role_id: int | Unset | None
    spoiler_mode: str | Unset
    page_size: int | Unset

    def changes(self) -> dict[str, object]:
        """Return the settings given, by column name, in a fixed order."""
        given: dict[str, object] = {}
        if not isinstance(self.mod_role_id, Unset):
            given["mod_role_id"] = self.mod_role_id
        if not isinstance(self.spoiler_mode, Unset):
            given["spoiler_mode"] = self.spoiler_mode
        if not isinstance(self.page_size, Unset):
            given["page_size"] = self.page_size
        return given

    def applied_to(self, current: GuildSettings) -> GuildSettings:
        """Return ``current`` with the given settings changed."""
        return GuildSettings(
            guild_id=current.guild_id,
            mod_role_id=(
                current.mod_role_id if isinstance(self.mod_role_id, Unset) else self.mod_role_id
            ),
            spoiler_mode=(
                current.spoiler_mode if isinstance(self.spoiler_mode, Unset) else self.spoiler_mode
            ),
            page_size=current.page_size if isinstance(self.page_size, Unset) else self.page_size,
        )


def checked_settings(
    mod_role_id: int | Unset | None, spoiler_mode: str | Unset, page_size: int | Unset
) -> SettingsChange:
    """Return the change, or raise InvalidInput naming the first bad value."""
    if (
        not isinstance(mod_role_id, Unset)
        and mod_role_id is not None
        and (isinstance(mod_role_id, bool) or mod_role_id <= 0)
    ):
        raise InvalidInput(f"The moderator role must be a role (or none), not {mod_role_id!r}.")
    if not isinstance(spoiler_mode, Unset) and spoiler_mode not in SPOILER_MODES:
        modes = " or ".join(SPOILER_MODES)
        raise InvalidInput(f"The spoiler mode must be {modes}, not {spoiler_mode!r}.")
    if not isinstance(page_size, Unset) and (
        isinstance(page_size, bool) or not MIN_PAGE_SIZE <= page_size <= MAX_PAGE_SIZE
    ):
        raise InvalidInput(
            f"The page size must be between {MIN_PAGE_SIZE} and {MAX_PAGE_SIZE}, not {page_size!r}."
        )
    return SettingsChange(mod_role_id, spoiler_mode, page_size)


# Schedules.


def checked_schedule(channel_id: int, every: str, at: str | None, now: datetime) -> str | None:
    """Return a schedule's daily time (``HH:MM``), None when hourly; InvalidInput if bad."""
    if channel_id <= 0:
        raise InvalidInput(
            f"A schedule needs a channel; channel ids are positive, not {channel_id}."
        )
    if every not in EVERY_CHOICES:
        choices = ", ".join(EVERY_CHOICES[:-1]) + f" or {EVERY_CHOICES[-1]}"
        raise InvalidInput(f"A schedule runs every {choices}, not every {every!r}.")
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput("The time a schedule is set (now) must carry a timezone.")
    try:
        return normalise_at(every, at)
    except ValueError as error:
        message = str(error)
        raise InvalidInput(f"{message[:1].upper()}{message[1:]}.") from None


def check_aware(moment: datetime | None, what: str) -> None:
    """Refuse a time without a timezone: it would be stored as the wrong moment."""
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise InvalidInput(f"{what} must carry a timezone, not {moment.isoformat()}.")
