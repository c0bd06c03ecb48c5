"""Scheduled posting driven by an injected clock against real databases: no sleeps.

The first tests run on a SQLite file; those of several processes sharing a database (each
poster with its own connection, as two bot processes have) run on both backends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import Schedule, StoredReaction
from bot.services.scheduler import CLAIM_LEASE, PostOutcome, SchedulePoster, post_nonce
from bot.store import Store, open_sqlite_store
from bot.store.postgres import open_postgres_store
from tests.conftest import postgres_server

GUILD = 111
CHANNEL = 222
START = datetime(2024, 1, 31, 8, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Channel:
    """Records what was posted (and with which nonce), or answers with a fixed failure."""

    def __init__(self, outcome: PostOutcome = PostOutcome.POSTED) -> None:
        self.outcome = outcome
        self.posts: list[int] = []
        self.nonces: list[str] = []

    async def __call__(
        self, schedule: Schedule, reaction: StoredReaction, nonce: str
    ) -> PostOutcome:
        if self.outcome is PostOutcome.POSTED:
            self.posts.append(reaction.id)
            self.nonces.append(nonce)
        return self.outcome


async def seeded(path: Path, posts: int = 3) -> Store:
    return await seed(await open_sqlite_store(path), posts)


async def seed(store: Store, posts: int = 3) -> Store:
    article = Article(
        title=None,
        movie=MovieRef.from_title("Night Train"),
        spoiler=False,
        published=None,
        source=None,
        reactions=tuple(
            Reaction(platform="twitter", text=f"post {n}", handle=f"h{n}") for n in range(posts)
        ),
    )
    await store.ingest_article(article, content_hash="night-train")
    return store


async def test_restart_and_clock_jump_make_one_post_per_due_slot(tmp_path: Path) -> None:
    database = tmp_path / "reel.db"
    clock, channel = Clock(START), Channel()
    store = await seeded(database)
    await store.set_schedule(GUILD, CHANNEL, every="daily", at="09:00", movie_id=None, now=clock())
    poster = SchedulePoster(store, channel, clock)
    assert await poster.run_due() == []  # 08:30: not due before 09:00
    await store.close()

    # The bot is down for three days; it starts again on the same database.
    clock.now = START + timedelta(days=3)
    store = await open_sqlite_store(database)
    poster = SchedulePoster(store, channel, clock)
    first = await poster.run_due()
    again = await poster.run_due()  # on_ready firing twice, or a tick right after
    assert len(first) == 1
    assert again == []
    assert len(channel.posts) == 1

    clock.now += timedelta(days=1)
    await poster.run_due()
    clock.now += timedelta(days=1)
    await poster.run_due()
    assert len(channel.posts) == 3
    assert len(set(channel.posts)) == 3  # no repeats until all were posted
    clock.now += timedelta(days=1)
    await poster.run_due()
    assert len(channel.posts) == 4  # a new cycle starts
    await store.close()


async def test_schedules_of_guilds_another_process_serves_are_left_alone(
    tmp_path: Path,
) -> None:
    clock, channel = Clock(START), Channel()
    store = await seeded(tmp_path / "reel.db")
    await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    clock.now += timedelta(hours=1)
    elsewhere = SchedulePoster(store, channel, clock, serves=lambda guild_id: guild_id != GUILD)
    assert await elsewhere.run_due() == []
    assert channel.posts == []
    (report,) = await SchedulePoster(store, channel, clock).run_due()
    assert report.reaction_id in channel.posts
    await store.close()


async def test_stopped_schedule_never_posts(tmp_path: Path) -> None:
    clock, channel = Clock(START), Channel()
    store = await seeded(tmp_path / "reel.db")
    await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    assert await store.stop_schedule(GUILD, CHANNEL)
    clock.now += timedelta(days=2)
    assert await SchedulePoster(store, channel, clock).run_due() == []
    assert channel.posts == []
    await store.close()


@pytest.mark.parametrize(
    "outcome", [PostOutcome.CHANNEL_GONE, PostOutcome.FORBIDDEN], ids=["gone", "forbidden"]
)
async def test_lost_channel_pauses_the_schedule(tmp_path: Path, outcome: PostOutcome) -> None:
    clock, channel = Clock(START), Channel(outcome)
    store = await seeded(tmp_path / "reel.db")
    await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    poster = SchedulePoster(store, channel, clock)
    clock.now += timedelta(hours=1)
    (report,) = await poster.run_due()
    assert report.outcome is outcome
    clock.now += timedelta(hours=5)
    assert await poster.run_due() == []  # paused, not retried forever
    (schedule,) = await store.list_schedules(GUILD)
    assert schedule.paused
    assert schedule.paused_reason == outcome.value
    await store.close()


async def test_hidden_reactions_are_never_posted(tmp_path: Path) -> None:
    clock, channel = Clock(START), Channel()
    store = await seeded(tmp_path / "reel.db", posts=2)
    page = await store.reaction_page(1, GUILD, offset=0, limit=5)
    hidden = page.reactions[0].id
    await store.set_reaction_state(GUILD, hidden, hidden=True)
    await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    poster = SchedulePoster(store, channel, clock)
    for _ in range(4):
        clock.now += timedelta(hours=1)
        await poster.run_due()
    assert len(channel.posts) == 4
    assert hidden not in channel.posts
    await store.close()


def test_a_post_nonce_is_the_same_everywhere_for_a_slot_and_fits_discord() -> None:
    slot = Schedule(
        id=2**62, guild_id=GUILD, channel_id=CHANNEL, every="1h", at=None, movie_id=None,
        next_run_at=START, paused=False, paused_reason=None, created_by=0,
    )  # fmt: skip
    nonce = post_nonce(slot)
    assert len(nonce) <= 25  # Create Message: "up to 25 characters"
    assert post_nonce(replace(slot)) == nonce
    others = {
        post_nonce(replace(slot, next_run_at=START + timedelta(hours=1))),
        post_nonce(replace(slot, id=1)),
    }
    assert nonce not in others
    assert len(others) == 2


# Several processes on one database: each slot claimed once, a dead holder's taken over.


@pytest.fixture
async def two_stores(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores (connections) on one seeded database, as two bot processes have."""
    if backend == "sqlite":
        path = tmp_path / "reel.db"
        first, second = await seeded(path), await open_sqlite_store(path)
    else:
        url = await postgres_server().create_database()
        first, second = await seed(await open_postgres_store(url)), await open_postgres_store(url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


class SlowChannel(Channel):
    """Posts after a pause, so that two processes' runs overlap."""

    async def __call__(
        self, schedule: Schedule, reaction: StoredReaction, nonce: str
    ) -> PostOutcome:
        await asyncio.sleep(0.02)
        return await super().__call__(schedule, reaction, nonce)


class StuckChannel(Channel):
    """A post that reached Discord but whose answer never comes back (until released)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(
        self, schedule: Schedule, reaction: StoredReaction, nonce: str
    ) -> PostOutcome:
        self.posts.append(reaction.id)
        self.nonces.append(nonce)
        self.sent.set()
        await self.release.wait()
        return PostOutcome.POSTED


async def test_two_processes_racing_post_each_slot_once(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    clock = Clock(START)
    schedule = await first.set_schedule(
        GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock()
    )
    channels = SlowChannel(), SlowChannel()
    posters = SchedulePoster(first, channels[0], clock), SchedulePoster(second, channels[1], clock)
    slots = []
    for turn in range(6):
        clock.now += timedelta(hours=1)
        (due,) = await first.due_schedules(clock())
        slots.append(due)
        order = posters if turn % 2 else posters[::-1]
        reports = await asyncio.gather(*(poster.run_due() for poster in order))
        assert sum(len(report) for report in reports) == 1

    nonces = channels[0].nonces + channels[1].nonces
    assert sorted(nonces) == sorted(post_nonce(slot) for slot in slots)
    assert len(set(nonces)) == 6  # one nonce per slot, each posted once
    assert all(slot.id == schedule.id for slot in slots)


async def test_a_live_claim_keeps_another_process_off_the_slot(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    clock = Clock(START)
    await first.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    clock.now += timedelta(hours=1)
    posting, other = StuckChannel(), Channel()
    holder = asyncio.ensure_future(SchedulePoster(first, posting, clock).run_due())
    await posting.sent.wait()
    # Due, but claimed by a process that is still posting it.
    assert [s.id for s in await second.due_schedules(clock())]
    assert await SchedulePoster(second, other, clock).run_due() == []
    posting.release.set()
    (report,) = await holder
    assert other.posts == []
    assert report.reaction_id == posting.posts[0]


async def test_a_slot_whose_holder_died_is_taken_over_after_the_lease_with_its_nonce(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    clock = Clock(START)
    await first.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    clock.now += timedelta(hours=1)
    stuck, taker = StuckChannel(), Channel()
    dying = asyncio.ensure_future(SchedulePoster(first, stuck, clock).run_due())
    await stuck.sent.wait()
    dying.cancel()  # killed after its post reached Discord, before recording it
    with pytest.raises(asyncio.CancelledError):
        await dying

    survivor = SchedulePoster(second, taker, clock)
    clock.now += CLAIM_LEASE - timedelta(seconds=1)
    assert await survivor.run_due() == []  # the lease still holds
    clock.now += timedelta(seconds=1)
    (report,) = await survivor.run_due()
    # The same nonce: Discord answers with the dead process's message, not a second one.
    assert taker.nonces == stuck.nonces
    assert report.reaction_id == taker.posts[0] == stuck.posts[0]
    assert await survivor.run_due() == []  # recorded: the slot is done
    clock.now += timedelta(hours=1)
    await survivor.run_due()
    assert taker.posts[1] != taker.posts[0]  # and the cycle moved on


async def test_a_holder_slower_than_its_lease_records_nothing_after_the_takeover(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    clock = Clock(START)
    await first.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=clock())
    clock.now += timedelta(hours=1)
    slow, taker = StuckChannel(), Channel()
    late = asyncio.ensure_future(SchedulePoster(first, slow, clock).run_due())
    await slow.sent.wait()
    clock.now += CLAIM_LEASE
    (report,) = await SchedulePoster(second, taker, clock).run_due()
    slow.release.set()  # its answer comes at last: the slot is not its to record any more
    assert await late == []
    assert taker.nonces == slow.nonces
    assert report.reaction_id == slow.posts[0]
    clock.now += timedelta(hours=1)
    await SchedulePoster(second, taker, clock).run_due()
    assert taker.posts[1] != taker.posts[0]  # the slot was recorded once, by the taker
