"""Scheduled posting: make each due schedule's post once, whatever the downtime; no Discord.

Several bot processes may share one database (SHARD_IDS). Each due slot is claimed in the
database before it is posted: one process claims it, for a lease, and the others leave it.
A process killed mid-post leaves its claim behind; once the lease runs out, the slot is
taken over. The post carries a nonce made from the schedule and its slot, which Discord
holds for a few minutes (Create Message, ``enforce_nonce``): if the dead process's post
did reach Discord, the taking-over one gets that message back instead of a second one.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.errors import ClaimLost, NotFound
from bot.domain.records import Schedule, StoredReaction
from bot.domain.schedule_time import to_utc_text
from bot.store.protocol import ReactionStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

CLAIM_LEASE = timedelta(seconds=60)
"""How long a claimed slot stays its process's before another may take it over.

Longer than a post takes (discord.py's retries of a failing post add up to 25 s), and,
with a tick added, well within the few minutes Discord remembers a nonce, so that a slot
taken over from a dead process is deduplicated if its post did get through.
"""


def utc_now() -> datetime:
    """Return the current time in UTC (the default clock)."""
    return datetime.now(UTC)


def process_name() -> str:
    """Return a name for this process's claims: host and pid (to read), and random (unique)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def post_nonce(schedule: Schedule) -> str:
    """Return the nonce of a schedule's post at its slot (``next_run_at`` when claimed).

    The same in every process and after a restart, different for every slot: a digest of
    the schedule's id and the slot's time, 24 hex digits (Discord takes up to 25).
    """
    slot = f"{schedule.id}@{to_utc_text(schedule.next_run_at)}"
    return hashlib.blake2b(slot.encode(), digest_size=12).hexdigest()


class PostOutcome(enum.Enum):
    """What happened when a scheduled post was sent."""

    POSTED = "posted"
    CHANNEL_GONE = "the channel no longer exists"
    FORBIDDEN = "the bot may not post in the channel"
    FAILED = "Discord refused the post"


Sender = Callable[[Schedule, StoredReaction, str], Awaitable[PostOutcome]]
"""Post a reaction for a schedule with the given nonce (`post_nonce`); say how it went."""


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
    Runs are serialised within the process, and each slot is claimed in the database
    first, so neither a second trigger (a tick and a start-up run) nor another process
    sharing the database posts it twice.
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
        # Who this poster's claims are from: unique per poster, so a restarted process
        # waits out its dead predecessor's lease like any other process would.
        self.holder = process_name()
        self._lock = asyncio.Lock()

    async def run_due(self) -> list[RunReport]:
        """Run every schedule due now that this process may claim; return what each did."""
        async with self._lock:
            reports = []
            for due in await self.store.due_schedules(self.clock()):
                if not self.serves(due.guild_id):
                    continue
                now = self.clock()
                schedule = await self.store.claim_schedule_run(
                    due.id, self.holder, now=now, lease=CLAIM_LEASE
                )
                if schedule is None:
                    continue  # run already, or another process holds its slot
                try:
                    reports.append(await self._run(schedule, now))
                except NotFound:
                    # Stopped by a moderator between being picked and being completed.
                    log.info("Schedule %d was stopped while it ran", schedule.id)
                except ClaimLost:
                    # Slower than the lease: another process took the slot over and posts
                    # it with the same nonce, so Discord keeps one message; it records it.
                    log.warning(
                        "Schedule %d's slot was taken over by another process (lease %s)",
                        schedule.id,
                        CLAIM_LEASE,
                    )
            return reports

    async def _run(self, schedule: Schedule, now: datetime) -> RunReport:
        reaction = await self.store.pick_scheduled_reaction(schedule.id)
        if reaction is None:
            await self._complete(schedule, None, now)
            return RunReport(schedule, None, None)
        outcome = await self.send(schedule, reaction, post_nonce(schedule))
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
            await self._complete(schedule, None, now)
            return RunReport(schedule, None, outcome)
        await self._complete(schedule, reaction.id, now)
        return RunReport(schedule, reaction.id, outcome)

    async def _complete(self, schedule: Schedule, reaction_id: int | None, now: datetime) -> None:
        await self.store.complete_schedule_run(
            schedule.id, reaction_id, now=now, holder=self.holder
        )
