"""Schedules: a channel's regular post, when it is due, and which reaction it posts next."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.errors import ClaimLost, NotFound, StoreError, UnknownMovie
from bot.domain.records import AuditAction, AuditInfo, Schedule, StoredReaction
from bot.domain.schedule_time import next_run
from bot.store.port import Row, Session
from bot.store.repos.base import StoreBase
from bot.store.rules import (
    check_aware,
    checked_schedule,
    guild_only,
    movie_bounds,
    schedule_target,
    scope,
)


def _gone(schedule_id: int) -> NotFound:
    return NotFound(f"That schedule (#{schedule_id}) no longer exists; it was stopped.")


class ScheduleRepo(StoreBase):
    """The schedules part of the store."""

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
        """Create or replace the channel's schedule; its first run is the next slot after now.

        ``every`` is ``1h``, ``6h`` or ``daily``; ``at`` (``HH:MM`` UTC) goes with daily
        only and defaults to 09:00. Setting a paused schedule again resumes it; a new movie
        starts a new cycle. ``created_by`` is ``audit.user_id`` (0 without one). Raises
        InvalidInput for bad values and UnknownMovie for a movie the guild cannot see.
        """
        guild = guild_only(guild_id, "A schedule")
        daily_at = checked_schedule(channel_id, every, at, now)
        first = next_run(every, daily_at, now)
        async with self._db.transaction(write=True) as s:
            if movie_id is not None and not await self._movie_visible(s, movie_id, guild):
                raise UnknownMovie(str(movie_id))
            before = await s.one(
                "select_channel_schedule", {"guild": guild, "channel_id": channel_id}
            )
            row = await s.one(
                "upsert_schedule",
                {
                    "guild": guild,
                    "channel_id": channel_id,
                    "every": every,
                    "at": daily_at,
                    "movie_id": movie_id,
                    "next_run_at": self._dialect.moment(first),
                    "created_by": audit.user_id if audit is not None else 0,
                },
            )
            if row is None:  # pragma: no cover - INSERT ... RETURNING always returns
                raise StoreError("saving the schedule returned no row")
            if before is not None and before["movie_id"] != movie_id:
                await s.run("clear_schedule_posts", {"schedule_id": row["id"]})
            if audit is not None:
                target = schedule_target(channel_id, every, daily_at, movie_id)
                await self._audit(s, guild, audit, AuditAction.SCHEDULE_SET, target, audit.reason)
        return self._schedule(row)

    async def list_schedules(self, guild_id: int) -> list[Schedule]:
        """Return the guild's schedules by channel (none for "no guild")."""
        guild = scope(guild_id)
        async with self._db.transaction(write=False) as s:
            rows = await s.all("list_schedules", {"guild": guild})
        return [self._schedule(row) for row in rows]

    async def stop_schedule(
        self, guild_id: int, channel_id: int, *, audit: AuditInfo | None = None
    ) -> bool:
        """Delete the channel's schedule and its cycle; False (and no audit) if it had none."""
        guild = guild_only(guild_id, "A schedule")
        async with self._db.transaction(write=True) as s:
            deleted = await s.one("delete_schedule", {"guild": guild, "channel_id": channel_id})
            if deleted is not None and audit is not None:
                target = f"channel:{channel_id}"
                await self._audit(s, guild, audit, AuditAction.SCHEDULE_STOP, target, audit.reason)
        return deleted is not None

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        """Return every running schedule, in any guild, whose next run is at or before now."""
        check_aware(now, "The time schedules are due at")
        async with self._db.transaction(write=False) as s:
            rows = await s.all("due_schedules", {"now": self._dialect.moment(now)})
        return [self._schedule(row) for row in rows]

    async def claim_schedule_run(
        self, schedule_id: int, holder: str, *, now: datetime, lease: timedelta
    ) -> Schedule | None:
        """Claim the schedule's due slot for ``holder`` until ``now + lease``; one statement.

        The claim is taken only while the schedule runs, is due at ``now``, and no one
        holds it or its holder's lease ran out (that process died mid-run: its slot is taken
        over). Returns the schedule as claimed (``next_run_at`` is the slot), or None: not
        due, paused, stopped, already run, or held by a live claim.
        """
        check_aware(now, "The time of a schedule's claim")
        params = {
            "schedule_id": schedule_id,
            "holder": holder,
            "now": self._dialect.moment(now),
            "until": self._dialect.moment(now + lease),
        }
        async with self._db.transaction(write=True) as s:
            row = await s.one("claim_schedule_run", params)
        return None if row is None else self._schedule(row)

    async def pause_schedule(self, schedule_id: int, reason: str) -> None:
        """Keep a schedule from coming due until it is set again; NotFound if none.

        Pausing lets go of any claim on its slot.
        """
        async with self._db.transaction(write=True) as s:
            paused = await s.one("pause_schedule", {"schedule_id": schedule_id, "reason": reason})
        if paused is None:
            raise _gone(schedule_id)

    async def pick_scheduled_reaction(self, schedule_id: int) -> StoredReaction | None:
        """Return the reaction the schedule posts next, or None if the guild sees none.

        The guild's featured reactions come first, then the rest in page order; hidden
        ones never. A reaction posted in this cycle is not picked again until every
        visible one has been; then the cycle starts over (complete_schedule_run records
        it). Reads only. None also for a schedule that no longer exists.
        """
        async with self._db.transaction(write=False) as s:
            schedule = await s.one("select_schedule", {"schedule_id": schedule_id})
            if schedule is None:
                return None
            return await self._next_post(s, schedule)

    async def _next_post(self, s: Session, schedule: Row) -> StoredReaction | None:
        guild = int(schedule["guild_id"])
        movie_id: int | None = schedule["movie_id"]
        walk = "next_scheduled_any" if movie_id is None else "next_scheduled_of_movie"
        # First a post not yet posted in this cycle; when there is none, a new cycle's first.
        for skip_posted in (True, False):
            params = {
                "schedule_id": schedule["id"],
                "guild": guild,
                "movie_id": movie_id,
                "skip_posted": self._dialect.flag(skip_posted),
                **movie_bounds(movie_id),
            }
            row = await s.one("next_scheduled_featured", params)
            if row is None:
                row = await s.one(walk, params)
            if row is not None:
                return await self._reaction_for_guild(s, int(row["id"]), guild)
        return None

    async def complete_schedule_run(
        self,
        schedule_id: int,
        reaction_id: int | None,
        *,
        now: datetime,
        holder: str | None = None,
    ) -> Schedule:
        """Record a run's post (if any), clear its claim and move on to the next slot after now.

        However many slots were missed (the bot was down), the next run is the first slot
        after ``now``: one post catches up for all of them. Posting a reaction already
        posted in this cycle starts a new cycle. One transaction. NotFound if the
        schedule no longer exists (stopped meanwhile). With ``holder`` (the process that
        claimed the slot), ClaimLost and nothing recorded when it no longer holds the
        claim: its lease ran out and another process took the slot over.
        """
        check_aware(now, "The time of a schedule's run")
        moment = self._dialect.moment(now)
        async with self._db.transaction(write=True) as s:
            schedule = await s.one("select_schedule", {"schedule_id": schedule_id})
            if schedule is None:
                raise _gone(schedule_id)
            following = next_run(schedule["every"], schedule["at"], now)
            row = await s.one(
                "advance_schedule",
                {
                    "schedule_id": schedule_id,
                    "next_run_at": self._dialect.moment(following),
                    "now": moment,
                    "holder": holder,
                },
            )
            if row is None:  # the row was read in this transaction: the claim is not ours
                raise ClaimLost(f"schedule {schedule_id}'s slot was taken over from {holder}")
            if reaction_id is not None:
                posted = {"schedule_id": schedule_id, "reaction_id": reaction_id}
                if await s.one("schedule_posted", posted) is not None:
                    await s.run("clear_schedule_posts", {"schedule_id": schedule_id})
                await s.run("insert_schedule_post", {**posted, "now": moment})
        return self._schedule(row)
