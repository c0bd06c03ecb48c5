"""Moderators schedule reactions into a channel: validate, store with its audit row, list, stop."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.paging import checked_page, offset_of, page_count
from bot.domain.records import AuditInfo, Schedule
from bot.domain.schedule_time import EVERY_CHOICES, normalise_at
from bot.services.lookup import resolve_movie
from bot.store.protocol import ReactionStore

SCHEDULES_PER_PAGE = 15
EVERY_WORDS = {"1h": "every hour", "6h": "every 6 hours", "daily": "every day"}


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """A schedule and the title of the movie it posts (None: every movie)."""

    schedule: Schedule
    movie_title: str | None


def checked_timing(every: str, at: str | None) -> tuple[str, str | None]:
    """Return ``every`` and ``at`` (``HH:MM`` for daily) as stored, or say what is wrong."""
    every = every.strip().lower()
    if every not in EVERY_CHOICES:
        raise InvalidInput("How often is `1h`, `6h` or `daily`.")
    if at is not None and not at.strip():
        at = None
    if at is not None and every != "daily":
        raise InvalidInput("A time of day only goes with `daily`.")
    try:
        return every, normalise_at(every, at)
    except ValueError:
        raise InvalidInput("Give the time as HH:MM in UTC, e.g. `09:00`.") from None


async def set_schedule(
    store: ReactionStore,
    guild_id: int,
    actor_id: int,
    channel_id: int,
    *,
    every: str,
    at: str | None,
    movie_query: str | None,
    now: datetime,
    via: str = "discord",
) -> ScheduleLine:
    """Create or replace the channel's schedule; its first post is the next slot after now."""
    every, daily_at = checked_timing(every, at)
    movie = await resolve_movie(store, movie_query, guild_id) if movie_query else None
    saved = await store.set_schedule(
        guild_id,
        channel_id,
        every=every,
        at=daily_at,
        movie_id=movie.id if movie else None,
        now=now,
        audit=AuditInfo(user_id=actor_id, via=via),
    )
    return ScheduleLine(saved, movie.title if movie else None)


async def _line(store: ReactionStore, schedule: Schedule) -> ScheduleLine:
    movie = (
        await store.get_movie(schedule.movie_id, schedule.guild_id) if schedule.movie_id else None
    )
    return ScheduleLine(schedule, movie.title if movie else None)


async def list_schedules(store: ReactionStore, guild_id: int) -> list[ScheduleLine]:
    """Return the server's schedules by channel, each with its movie's title."""
    return [await _line(store, schedule) for schedule in await store.list_schedules(guild_id)]


@dataclass(frozen=True, slots=True)
class SchedulePage:
    """One page of a server's schedules, and where it stands in the list."""

    lines: list[ScheduleLine]
    page: int
    pages: int
    total: int


async def schedules_page(store: ReactionStore, guild_id: int, page: int) -> SchedulePage:
    """Return one page of the server's schedules (`PageOutOfRange` past the last)."""
    every = await store.list_schedules(guild_id)
    page = checked_page(page, len(every), SCHEDULES_PER_PAGE, clamp=False, what="the list")
    start = offset_of(page, SCHEDULES_PER_PAGE)
    lines = [await _line(store, s) for s in every[start : start + SCHEDULES_PER_PAGE]]
    return SchedulePage(lines, page, page_count(len(every), SCHEDULES_PER_PAGE), len(every))


_CHANNEL_REF = re.compile(r"^(?:<#(?P<mention>\d{1,20})>|(?P<id>\d{1,20}))$")


def channel_id_of(text: str) -> int | None:
    """Return the channel id in ``<#id>`` or a bare id, else None (perhaps a name)."""
    match = _CHANNEL_REF.match(text.strip())
    return int(match["mention"] or match["id"]) if match else None


async def stop_schedule(
    store: ReactionStore,
    guild_id: int,
    actor_id: int,
    channel_id: int,
    *,
    via: str = "discord",
) -> None:
    """Stop the channel's schedule; NotFound when it has none."""
    stopped = await store.stop_schedule(
        guild_id, channel_id, audit=AuditInfo(user_id=actor_id, via=via)
    )
    if not stopped:
        raise NotFound(f"<#{channel_id}> has no schedule.")
