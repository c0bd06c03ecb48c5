"""Scheduled posting: make each due schedule's post once, whatever the downtime; no Discord."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.errors import NotFound
from bot.domain.records import Schedule, StoredReaction
from bot.store.protocol import ReactionStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time in UTC (the default clock)."""
    return datetime.now(UTC)


class PostOutcome(enum.Enum):
    """What happened when a scheduled post was sent."""

    POSTED = "posted"
    CHANNEL_GONE = "the channel no longer exists"
    FORBIDDEN = "the bot may not post in the channel"
    FAILED = "Discord refused the post"


Sender = Callable[[Schedule, StoredReaction], Awaitable[PostOutcome]]


@dataclass(frozen=True, slots=True)
class RunReport:
    """One schedule's run: what was posted (if anything) and how it went."""

    schedule: Schedule
    reaction_id: int | None
    outcome: PostOutcome | None


class SchedulePoster:
    """Post the next reaction of every due schedule, then move it to its next slot.

    A schedule missed while the bot was down is due once, and moving it on from *now*
    skips the other missed slots, so a long downtime makes one post, not a burst.
    Runs are serialised, so a second trigger (a tick and a start-up run) cannot post twice.
    """

    def __init__(
        self,
        store: ReactionStore,
        send: Sender,
        clock: Clock = utc_now,
        serves: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        self.store = store
        self.send = send
        self.clock = clock
        # Which guilds this process posts for: a process that runs some of the shards
        # (SHARD_IDS) leaves the other shards' schedules to the process that runs them.
        self.serves = serves
        self._lock = asyncio.Lock()

    async def run_due(self) -> list[RunReport]:
        """Run every schedule due now; return what each did."""
        async with self._lock:
            now = self.clock()
            reports = []
            for schedule in await self.store.due_schedules(now):
                if not self.serves(schedule.guild_id):
                    continue
                try:
                    reports.append(await self._run(schedule, now))
                except NotFound:
                    # Stopped by a moderator between being picked and being completed.
                    log.info("Schedule %d was stopped while it ran", schedule.id)
            return reports

    async def _run(self, schedule: Schedule, now: datetime) -> RunReport:
        reaction = await self.store.pick_scheduled_reaction(schedule.id)
        if reaction is None:
            await self.store.complete_schedule_run(schedule.id, None, now=now)
            return RunReport(schedule, None, None)
        outcome = await self.send(schedule, reaction)
        if outcome in (PostOutcome.CHANNEL_GONE, PostOutcome.FORBIDDEN):
            log.warning(
                "Paused schedule %d of guild %d: %s",
                schedule.id,
                schedule.guild_id,
                outcome.value,
            )
            await self.store.pause_schedule(schedule.id, outcome.value)
            return RunReport(schedule, None, outcome)
        if outcome is PostOutcome.FAILED:
            log.warning("Scheduled post %d failed; trying again at the next slot", schedule.id)
            await self.store.complete_schedule_run(schedule.id, None, now=now)
            return RunReport(schedule, None, outcome)
        await self.store.complete_schedule_run(schedule.id, reaction.id, now=now)
        return RunReport(schedule, reaction.id, outcome)
