"""Scheduled posting driven by an injected clock against a real SQLite file: no sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import Schedule, StoredReaction
from bot.services.scheduler import PostOutcome, SchedulePoster
from bot.store import Store, open_sqlite_store

GUILD = 111
CHANNEL = 222
START = datetime(2024, 1, 31, 8, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Channel:
    """Records what was posted, or answers with a fixed failure."""

    def __init__(self, outcome: PostOutcome = PostOutcome.POSTED) -> None:
        self.outcome = outcome
        self.posts: list[int] = []

    async def __call__(self, schedule: Schedule, reaction: StoredReaction) -> PostOutcome:
        if self.outcome is PostOutcome.POSTED:
            self.posts.append(reaction.id)
        return self.outcome


async def seeded(path: Path, posts: int = 3) -> Store:
    store = await open_sqlite_store(path)
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
