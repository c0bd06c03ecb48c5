"""Issue 14: three bot processes (SHARD_COUNT=3, one shard each) share one PostgreSQL.

The fake recommends three shards and holds a guild on each (``(guild_id >> 22) % 3``).
Each process runs one shard, under its own token, so every request the fake records says
which process made it. Commands are answered once, by the process of the guild's shard.
Hourly schedules in every guild post once per slot over many slots; one process is killed
with SIGKILL after its post reached Discord and before it recorded it, then restarted: the
slot is taken over once the lease runs out, Discord (the fake) returns the message already
made for the slot's nonce, and nothing is posted twice or missed.

Time is moved the way the other e2e tests move it, in the database: a slot comes due by
setting a schedule's ``next_run_at`` into the past (a new hour each round, as the clock
would an hour later), and a dead process's lease runs out by setting its ``claim_until``
into the past (as the clock would after CLAIM_LEASE). The processes tick every TICK.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from bot.domain.records import Schedule
from bot.services.scheduler import post_nonce
from bot.store.postgres import open_postgres_store
from tests.conftest import postgres_server
from tests.e2e.conftest import PHASE_REPORTS, format_violations
from tests.e2e.fake_discord import BotProcess, Call, Channel, FakeDiscord, Guild
from tests.e2e.fake_discord.gateway import IDENTIFY_INTERVAL, shard_of

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

NEEDS_POSTGRESQL = True
"""Left out, with the PostgreSQL half, where its binaries are missing (tests/conftest.py)."""
SHARDS = 3
TICK = 0.2
SCHEDULED_PER_GUILD = 2
# Generous: processes may IDENTIFY one at a time, several seconds apart.
START_TIMEOUT = 90.0
ROUND_TIMEOUT = 20.0
FIRST_SLOT = datetime(2000, 1, 1, tzinfo=UTC)
VICTIM = 1
"""The shard whose process is killed mid-post."""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(recommended_shards=SHARDS) as fake:
        yield fake
    leftovers = fake.drain_violations()
    if leftovers:
        pytest.fail(format_violations(leftovers), pytrace=False)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def guilds(fake_discord: FakeDiscord) -> list[Guild]:
    """One guild on each shard, in shard order, each with channels to schedule posts in."""
    found: dict[int, Guild] = {}
    while len(found) < SHARDS:
        guild = await fake_discord.driver.create_guild(f"Shard guild {len(found)}")
        found.setdefault(shard_of(guild.id, SHARDS), guild)
        await asyncio.sleep(0.002)  # the next snowflake's timestamp moves on
    for guild in found.values():
        for n in range(SCHEDULED_PER_GUILD):
            await fake_discord.driver.create_channel(guild, f"reel-posts-{n}")
    return [found[shard] for shard in range(SHARDS)]


def scheduled_channels(guild: Guild) -> list[Channel]:
    return [channel for channel in guild.channels if channel.name.startswith("reel-posts-")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database_url() -> str:
    """Create this module's PostgreSQL database (skips the module without PostgreSQL)."""
    return await postgres_server().create_database()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """The test's own connection, to move time on and read what the processes recorded."""
    connection = await asyncpg.connect(database_url)
    yield connection
    await connection.close()


def token(shard: int) -> str:
    return f"reel-shard-{shard}"


def process_of(call: Call) -> int:
    """Return the shard of the process that made a REST request (its token says)."""
    return int(call.headers.get("Authorization", "").removeprefix("Bot reel-shard-"))


def identified(shard: int) -> Callable[[Call], bool]:
    """Match the IDENTIFY of ``shard`` that the fake accepted."""

    def predicate(call: Call) -> bool:
        return (call.method, call.path) == ("WS", "IDENTIFY") and (
            call.ok and call.json.get("shard") == [shard, SHARDS]
        )

    return predicate


async def start(fake: FakeDiscord, bots: Sequence[BotProcess]) -> None:
    """Start processes together; return once each has identified its shard and is ready
    (``on_ready``: its guilds are known), however long IDENTIFY takes its turn."""
    since = fake.driver.mark()
    logs = [bot.log_size() for bot in bots]
    await asyncio.gather(*(bot.start(timeout=START_TIMEOUT) for bot in bots))
    async with asyncio.timeout(START_TIMEOUT):
        for bot, log in zip(bots, logs, strict=True):
            shard = int(bot.env["SHARD_IDS"])
            await fake.driver.wait_for(identified(shard), since=since, timeout=START_TIMEOUT)
            while "Ready as" not in bot.log_text(log):  # noqa: ASYNC110 - the process's log
                await asyncio.sleep(0.05)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bots(
    fake_discord: FakeDiscord,
    guilds: list[Guild],
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[list[BotProcess]]:
    """Three processes, one shard each, each with its shard's guild as its dev guild."""
    processes = [
        BotProcess(
            fake_discord,
            guilds[shard],
            tmp_path_factory.mktemp(f"shard-{shard}"),
            token=token(shard),
            extra_env={
                "DATABASE_URL": database_url,
                "SHARD_COUNT": str(SHARDS),
                "SHARD_IDS": str(shard),
                "SCHEDULE_TICK_SECONDS": str(TICK),
            },
        )
        for shard in range(SHARDS)
    ]
    try:
        await start(fake_discord, processes)
        yield processes
    finally:
        await asyncio.gather(*(bot.stop() for bot in processes))


@pytest.fixture(autouse=True)
def _logs_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Attach the end of every process's log to a failed test's report."""
    yield
    if "bots" not in request.fixturenames:
        return
    processes: list[BotProcess] = request.getfixturevalue("bots")
    for report in request.node.stash.get(PHASE_REPORTS, {}).values():
        if report.failed:
            for shard, bot in enumerate(processes):
                lines = [line for line in bot.log_text().splitlines() if " DEBUG " not in line]
                report.sections.append((f"shard {shard} log", "\n".join(lines[-60:])))


async def say(fake: FakeDiscord, channel: Channel, author: Any, text: str) -> Call:
    """Send a message; return the reply in the channel (`answered_once` checks it was one)."""
    driver = fake.driver
    since = driver.mark()
    await driver.send_message(channel, author, text)
    return await driver.wait_for(f"POST /channels/{channel.id}/messages", since=since, timeout=10)


async def answered_once(fake: FakeDiscord, replies: Sequence[Call], since: int) -> None:
    """Assert that no answer came but ``replies``, one per command said since ``since``,
    after waiting time enough for a second answer to any of them."""
    await asyncio.sleep(5 * TICK)
    channels = {call.path for call in replies}
    answers = fake.driver.calls("POST /channels/*/messages", since=since)
    assert [c for c in answers if c.path in channels] == list(replies)


def text_of(call: Call) -> str:
    body = call.json or {}
    embeds = body.get("embeds") or [{}]
    return str(body.get("content") or "") + str(embeds[0].get("description") or "")


async def test_processes_started_together_identify_one_at_a_time(
    fake_discord: FakeDiscord, bots: list[BotProcess]
) -> None:
    # max_concurrency is 1: the three shards share one bucket, and the fake, like Discord,
    # refuses a session start less than 5 s after the bucket's last one. The processes took
    # turns through the database's advisory lock, so none was refused.
    accepted = [call for call in fake_discord.driver.calls("WS IDENTIFY", since=0) if call.ok]
    assert sorted(call.json["shard"][0] for call in accepted) == list(range(SHARDS))
    assert fake_discord.gateway.identify_refusals == []
    times = sorted(call.at for call in accepted)
    assert all(later - earlier >= IDENTIFY_INTERVAL for earlier, later in itertools.pairwise(times))


async def test_each_command_is_answered_once_by_the_process_of_its_shard(
    fake_discord: FakeDiscord, guilds: list[Guild], bots: list[BotProcess]
) -> None:
    since = fake_discord.driver.mark()
    replies = []
    for shard, guild in enumerate(guilds):
        reply = await say(fake_discord, guild.channel, guild.member, "!reactions 12thfail")
        assert process_of(reply) == shard
        assert text_of(reply).startswith("**12th Fail**")
        replies.append(reply)
        for channel in scheduled_channels(guild):
            setting = f"!schedule set <#{channel.id}> 1h"
            reply = await say(fake_discord, guild.channel, guild.moderator, setting)
            assert process_of(reply) == shard
            assert text_of(reply).startswith("Scheduled:")
            replies.append(reply)
    await answered_once(fake_discord, replies, since)


# Scheduled posts: rounds of slots, and a process killed mid-post.


@dataclasses.dataclass
class Tally:
    """Which slots each schedule was made due at, to check its channel's posts against."""

    schedules: dict[int, Schedule]
    slots: dict[int, list[datetime]] = dataclasses.field(default_factory=dict)

    def expect(self, schedule_id: int, slot: datetime) -> None:
        self.slots.setdefault(schedule_id, []).append(slot)

    def nonces(self, schedule_id: int) -> list[str]:
        schedule = self.schedules[schedule_id]
        slots = self.slots.get(schedule_id, [])
        return [post_nonce(dataclasses.replace(schedule, next_run_at=slot)) for slot in slots]


async def make_due(db: asyncpg.Connection, ids: Sequence[int], slot: datetime) -> None:
    """Make schedules due at ``slot``, as the clock would once their next run has come."""
    await db.execute(
        "UPDATE schedules SET next_run_at = $1 WHERE id = ANY($2::bigint[])", slot, list(ids)
    )


async def wait_recorded(db: asyncpg.Connection, ids: Sequence[int], slot: datetime) -> None:
    """Wait until every schedule's run at ``slot`` is recorded: moved on, claim cleared."""
    pending = """
        SELECT count(*) FROM schedules
        WHERE id = ANY($1::bigint[]) AND (next_run_at <= $2 OR claimed_by IS NOT NULL)
    """
    async with asyncio.timeout(ROUND_TIMEOUT):
        while await db.fetchval(pending, list(ids), slot):  # noqa: ASYNC110 - other processes write it
            await asyncio.sleep(TICK / 2)


async def run_round(
    db: asyncpg.Connection, tally: Tally, ids: Sequence[int], slot: datetime
) -> None:
    await make_due(db, ids, slot)
    for schedule_id in ids:
        tally.expect(schedule_id, slot)
    await wait_recorded(db, ids, slot)


def posts_in(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    """Return the messages the fake holds in a channel, oldest first."""
    found = [m for m in fake.world.messages.values() if m["channel_id"] == str(channel_id)]
    return sorted(found, key=lambda m: int(m["id"]))


async def kill(bot: BotProcess) -> None:
    """SIGKILL the process: no shutdown, no goodbye to Discord or the database."""
    assert bot.process is not None
    bot.process.kill()
    await bot.process.wait()
    await bot.stop()  # only closes its log now


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tally(database_url: str, guilds: list[Guild], bots: list[BotProcess]) -> Tally:
    """The schedules the first test set, by id."""
    store = await open_postgres_store(database_url)
    try:
        found = [s for guild in guilds for s in await store.list_schedules(guild.id)]
    finally:
        await store.close()
    assert len(found) == SHARDS * SCHEDULED_PER_GUILD
    return Tally({s.id: s for s in found})


async def test_every_slot_posts_once_even_when_a_process_is_killed_mid_post(
    fake_discord: FakeDiscord,
    guilds: list[Guild],
    bots: list[BotProcess],
    db: asyncpg.Connection,
    tally: Tally,
) -> None:
    driver = fake_discord.driver
    all_ids = sorted(tally.schedules)
    victim_guild = guilds[VICTIM]
    victim_ids = [i for i in all_ids if tally.schedules[i].guild_id == victim_guild.id]
    others = [i for i in all_ids if i not in victim_ids]
    victim_id = victim_ids[0]
    victim_posts = f"POST /channels/{tally.schedules[victim_id].channel_id}/messages"
    slots = (FIRST_SLOT + timedelta(hours=hour) for hour in range(100))
    started = driver.mark()

    for _ in range(3):
        await run_round(db, tally, all_ids, next(slots))

    # The victim's post reaches Discord, whose answer is held back; the process dies.
    held = fake_discord.hold_next(victim_posts)
    killed_slot = next(slots)
    since = driver.mark()
    await make_due(db, all_ids, killed_slot)
    first_post = await driver.wait_for(victim_posts, since=since, timeout=ROUND_TIMEOUT)
    await kill(bots[VICTIM])
    held.set()
    for schedule_id in all_ids:
        tally.expect(schedule_id, killed_slot)
    # Its other schedule waits, unclaimed: the process died before it got to it.
    await wait_recorded(db, others, killed_slot)
    claim = await db.fetchrow(
        "SELECT claimed_by, next_run_at FROM schedules WHERE id = $1", victim_id
    )
    assert claim is not None
    assert claim["claimed_by"] is not None  # claimed, posted, never recorded
    assert claim["next_run_at"] == killed_slot

    # The other shards carry on meanwhile.
    for _ in range(2):
        await run_round(db, tally, others, next(slots))

    # Restarted, the process posts its other schedule's slot at once, but leaves the
    # claimed one alone while the dead process's lease holds ...
    restarted = driver.mark()
    await start(fake_discord, [bots[VICTIM]])
    await wait_recorded(db, victim_ids[1:], killed_slot)
    await asyncio.sleep(5 * TICK)
    assert driver.calls(victim_posts, since=restarted) == []
    held_by = await db.fetchval("SELECT claimed_by FROM schedules WHERE id = $1", victim_id)
    assert held_by == claim["claimed_by"]
    # ... and takes it over when the lease has run out: same nonce, same message.
    await db.execute(
        "UPDATE schedules SET claim_until = now() - interval '1 second' WHERE id = $1",
        victim_id,
    )
    await wait_recorded(db, victim_ids, killed_slot)
    (second_post,) = driver.calls(victim_posts, since=restarted)
    assert second_post.json["nonce"] == first_post.json["nonce"]
    assert second_post.response["id"] == first_post.response["id"]

    # The restarted process answers its guild, then every shard goes on posting.
    said = driver.mark()
    reply = await say(
        fake_discord, victim_guild.channel, victim_guild.member, "!reactions 12thfail"
    )
    assert process_of(reply) == VICTIM
    for _ in range(3):
        await run_round(db, tally, all_ids, next(slots))

    await answered_once(fake_discord, [reply], since=said)  # a late duplicate would show now
    for schedule_id in all_ids:
        channel_id = tally.schedules[schedule_id].channel_id
        shard = shard_of(tally.schedules[schedule_id].guild_id, SHARDS)
        posts = posts_in(fake_discord, channel_id)
        # Exactly one message per slot, made with that slot's nonce ...
        assert [m["nonce"] for m in posts] == tally.nonces(schedule_id), schedule_id
        # ... each a different reaction (a cycle is 9), each run recorded, none lost to
        # the kill: a run not recorded would post its reaction again.
        texts = [m["embeds"][0]["description"] for m in posts]
        assert len(set(texts)) == len(texts), schedule_id
        recorded = "SELECT count(*) FROM schedule_posts WHERE schedule_id = $1"
        assert await db.fetchval(recorded, schedule_id) == len(posts)
        # Every request to post there came from the process of the guild's shard.
        calls = driver.calls(f"POST /channels/{channel_id}/messages", since=started)
        assert {process_of(call) for call in calls} == {shard}
        assert all(call.ok for call in calls)
