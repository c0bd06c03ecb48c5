"""The scheduled poster through the cog's real `post`: Discord's refusals pause, never crash."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.config import Settings
from bot.discord_ui.client import ReelBot
from bot.domain.models import Article, MovieRef, Reaction
from bot.services.scheduler import PostOutcome, SchedulePoster, post_nonce
from bot.store import open_sqlite_store
from cogs.schedules import Schedules

GUILD, CHANNEL = 111, 222
START = datetime(2024, 1, 31, 8, 30, tzinfo=UTC)


def http_error(kind: type[discord.HTTPException], status: int) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="refused")
    return kind(response, {"message": "refused", "code": 0})


class Channel(discord.abc.Messageable):
    """A channel whose sends succeed (and are counted) or raise a fixed error."""

    def __init__(self, error: discord.HTTPException | None = None, delay: float = 0) -> None:
        self.error = error
        self.delay = delay
        self.sent: list[Any] = []
        self.nonces: list[Any] = []

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        self.sent.append(kwargs["embed"])
        self.nonces.append(kwargs.get("nonce"))


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[ReelBot]:
    """A bot with a store holding three reactions and one hourly schedule, not connected."""
    bot = ReelBot(Settings.from_env({}))
    bot.store = await open_sqlite_store(tmp_path / "reel.db")
    reactions = tuple(Reaction("twitter", f"post {n}", handle=f"h{n}") for n in range(3))
    article = Article(None, MovieRef.from_title("Night Train"), False, None, None, reactions)
    await bot.store.ingest_article(article, content_hash="night-train")
    await bot.store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=START)
    yield bot
    await bot.close()


def poster_for(bot: ReelBot, channel: Channel | None, fetch_error: Exception | None = None) -> Any:
    cog = Schedules(bot)
    bot.get_channel = lambda _id: channel  # type: ignore[assignment,method-assign,return-value]

    async def fetch_channel(_id: int) -> Any:
        if fetch_error is not None:
            raise fetch_error
        return channel

    bot.fetch_channel = fetch_channel  # type: ignore[method-assign]
    clock = Clock()
    return SchedulePoster(bot.store, cog.post, clock), clock


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (http_error(discord.Forbidden, 403), PostOutcome.FORBIDDEN),
        (http_error(discord.NotFound, 404), PostOutcome.CHANNEL_GONE),
    ],
    ids=["403", "404"],
)
async def test_refused_post_pauses_the_schedule(
    bot: ReelBot, error: discord.HTTPException, outcome: PostOutcome
) -> None:
    poster, clock = poster_for(bot, Channel(error))
    clock.now += timedelta(hours=1)
    (report,) = await poster.run_due()
    assert report.outcome is outcome
    (schedule,) = await bot.store.list_schedules(GUILD)
    assert schedule.paused
    assert schedule.paused_reason == outcome.value
    clock.now += timedelta(hours=5)
    assert await poster.run_due() == []  # paused: not retried every tick


@pytest.mark.parametrize(
    "error",
    [http_error(discord.NotFound, 404), http_error(discord.Forbidden, 403)],
    ids=["404", "403"],
)
async def test_uncached_channel_that_cannot_be_fetched_pauses(
    bot: ReelBot, error: discord.HTTPException
) -> None:
    poster, clock = poster_for(bot, None, fetch_error=error)
    clock.now += timedelta(hours=1)
    (report,) = await poster.run_due()
    assert report.outcome in (PostOutcome.CHANNEL_GONE, PostOutcome.FORBIDDEN)
    (schedule,) = await bot.store.list_schedules(GUILD)
    assert schedule.paused


async def test_server_error_skips_the_slot_and_tries_the_next(bot: ReelBot) -> None:
    channel = Channel(http_error(discord.DiscordServerError, 503))
    poster, clock = poster_for(bot, channel)
    clock.now += timedelta(hours=1)
    (report,) = await poster.run_due()
    assert report.outcome is PostOutcome.FAILED
    (schedule,) = await bot.store.list_schedules(GUILD)
    assert not schedule.paused
    channel.error = None
    clock.now += timedelta(hours=1)
    (report,) = await poster.run_due()
    assert report.outcome is PostOutcome.POSTED
    assert len(channel.sent) == 1


async def test_two_runs_at_once_post_a_due_slot_once(bot: ReelBot) -> None:
    # A tick and a second trigger (READY again, a start-up run) racing on one due slot.
    channel = Channel(delay=0.05)
    poster, clock = poster_for(bot, channel)
    clock.now += timedelta(hours=1)
    first, second = await asyncio.gather(poster.run_due(), poster.run_due())
    assert len(first) + len(second) == 1
    assert len(channel.sent) == 1


async def test_each_slot_is_posted_with_its_own_nonce(bot: ReelBot) -> None:
    # discord.py sends a nonce with enforce_nonce: Discord makes one message per nonce.
    channel = Channel()
    poster, clock = poster_for(bot, channel)
    slots = []
    for _ in range(2):
        clock.now += timedelta(hours=1)
        (schedule,) = await bot.store.due_schedules(clock.now)
        slots.append(schedule)
        await poster.run_due()
    assert channel.nonces == [post_nonce(slot) for slot in slots]
    assert len(set(channel.nonces)) == 2
