"""Schedules in the store: set/stop per channel, due runs, pick order and cycles.

A contract test: it runs on every backend through the ``store`` fixture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.errors import ClaimLost, InvalidInput, NotFound, UnknownMovie
from bot.domain.records import AuditInfo, Schedule
from bot.store import Store
from tests.unit.store_builders import article, ids_by_text, post

GUILD = 111
OTHER_GUILD = 222
CHANNEL = 5001
OTHER_CHANNEL = 5002
MOD = 9001
NOW = datetime(2024, 3, 10, 10, 15, tzinfo=UTC)
LEASE = timedelta(seconds=60)


async def run_cycle(store: Store, schedule: Schedule, runs: int) -> list[str | None]:
    """Pick and complete ``runs`` runs an hour apart; return the texts posted."""
    posted: list[str | None] = []
    now = NOW
    for _ in range(runs):
        picked = await store.pick_scheduled_reaction(schedule.id)
        posted.append(picked.text if picked else None)
        now += timedelta(hours=1)
        await store.complete_schedule_run(schedule.id, picked.id if picked else None, now=now)
    return posted


# Setting, listing, stopping


async def test_set_schedule_computes_the_first_run_from_now(store: Store) -> None:
    hourly = await store.set_schedule(
        GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW, audit=AuditInfo(MOD)
    )
    daily = await store.set_schedule(
        GUILD, OTHER_CHANNEL, every="daily", at=None, movie_id=None, now=NOW
    )

    assert hourly == Schedule(
        id=hourly.id,
        guild_id=GUILD,
        channel_id=CHANNEL,
        every="1h",
        at=None,
        movie_id=None,
        next_run_at=datetime(2024, 3, 10, 11, 0, tzinfo=UTC),
        paused=False,
        paused_reason=None,
        created_by=MOD,
    )
    assert (daily.at, daily.next_run_at, daily.created_by) == (
        "09:00",
        datetime(2024, 3, 11, 9, 0, tzinfo=UTC),
        0,
    )
    assert await store.list_schedules(GUILD) == [hourly, daily]


async def test_one_schedule_per_channel_set_again_replaces_and_resumes(
    store: Store,
) -> None:
    glob = await store.ingest_article(article(post("p")), content_hash="g")
    first = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    await store.pause_schedule(first.id, "missing permissions")

    second = await store.set_schedule(
        GUILD,
        CHANNEL,
        every="daily",
        at="18:30",
        movie_id=glob.movie.id,
        now=NOW,
        audit=AuditInfo(MOD),
    )

    assert second.id == first.id
    assert (second.every, second.at, second.movie_id) == ("daily", "18:30", glob.movie.id)
    assert (second.paused, second.paused_reason) == (False, None)
    assert second.next_run_at == datetime(2024, 3, 10, 18, 30, tzinfo=UTC)
    assert second.created_by == MOD
    assert await store.list_schedules(GUILD) == [second]


async def test_schedules_belong_to_their_guild(store: Store) -> None:
    await store.set_schedule(GUILD, CHANNEL, every="6h", at=None, movie_id=None, now=NOW)

    assert await store.list_schedules(OTHER_GUILD) == []
    assert not await store.stop_schedule(OTHER_GUILD, CHANNEL)
    assert len(await store.list_schedules(GUILD)) == 1


async def test_stop_schedule_deletes_it_and_is_audited_once(store: Store) -> None:
    await store.set_schedule(GUILD, CHANNEL, every="6h", at=None, movie_id=None, now=NOW)

    assert await store.stop_schedule(GUILD, CHANNEL, audit=AuditInfo(MOD, "too noisy"))
    assert not await store.stop_schedule(GUILD, CHANNEL, audit=AuditInfo(MOD))

    assert await store.list_schedules(GUILD) == []
    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.target, entry.reason) == (
        "schedule.stop",
        f"channel:{CHANNEL}",
        "too noisy",
    )


async def test_set_schedule_is_audited(store: Store) -> None:
    glob = await store.ingest_article(article(post("p")), content_hash="g")

    await store.set_schedule(
        GUILD,
        CHANNEL,
        every="daily",
        at="7:05",
        movie_id=glob.movie.id,
        now=NOW,
        audit=AuditInfo(MOD, "mornings"),
    )

    [entry] = await store.list_audit(GUILD, 10)
    assert (entry.action, entry.user_id, entry.reason) == ("schedule.set", MOD, "mornings")
    assert entry.target == f"channel:{CHANNEL} daily at 07:05 movie:{glob.movie.id}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"every": "2h"}, "every"),
        ({"at": "09:00"}, "daily"),
        ({"every": "daily", "at": "25:00"}, "HH:MM"),
        ({"now": datetime(2024, 3, 10, 10, 0)}, "timezone"),  # noqa: DTZ001
        ({"guild_id": 0}, "guild"),
        ({"channel_id": 0}, "channel"),
    ],
    ids=["every", "at-with-1h", "bad-time", "naive-now", "no-guild", "no-channel"],
)
async def test_set_schedule_refuses_bad_values(
    store: Store, change: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "every": "1h",
        "at": None,
        "movie_id": None,
        "now": NOW,
    }
    arguments.update(change)

    with pytest.raises(InvalidInput, match=message):
        await store.set_schedule(**arguments)

    assert await store.list_schedules(GUILD) == []


async def test_a_schedule_for_a_movie_the_guild_cannot_see_fails_closed(
    store: Store,
) -> None:
    theirs = await store.ingest_article(article(post("p")), content_hash="t", guild_id=OTHER_GUILD)

    with pytest.raises(UnknownMovie):
        await store.set_schedule(
            GUILD, CHANNEL, every="1h", at=None, movie_id=theirs.movie.id, now=NOW
        )

    assert await store.list_schedules(GUILD) == []


# Due runs and catching up


async def test_a_schedule_is_due_from_its_next_run(store: Store) -> None:
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)

    before = await store.due_schedules(schedule.next_run_at - timedelta(microseconds=1000))
    on_time = await store.due_schedules(schedule.next_run_at)
    late = await store.due_schedules(schedule.next_run_at + timedelta(seconds=0.5))

    assert before == []
    assert on_time == [schedule]
    assert late == [schedule]


async def test_after_three_days_down_one_run_catches_up(store: Store) -> None:
    await store.ingest_article(article(post("a", "a"), post("b", "b")), content_hash="g")
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    back_up = NOW + timedelta(days=3, minutes=7)

    due = await store.due_schedules(back_up)
    assert [s.id for s in due] == [schedule.id]
    picked = await store.pick_scheduled_reaction(schedule.id)
    assert picked is not None
    after = await store.complete_schedule_run(schedule.id, picked.id, now=back_up)

    assert after.next_run_at == datetime(2024, 3, 13, 11, 0, tzinfo=UTC)
    assert after.next_run_at > back_up
    assert await store.due_schedules(back_up) == []
    assert await store.due_schedules(back_up + timedelta(minutes=30)) == []
    assert [s.id for s in await store.due_schedules(after.next_run_at)] == [schedule.id]


async def test_a_daily_schedule_catches_up_to_its_next_time(store: Store) -> None:
    schedule = await store.set_schedule(
        GUILD, CHANNEL, every="daily", at="21:00", movie_id=None, now=NOW
    )
    back_up = datetime(2024, 3, 31, 22, 0, tzinfo=UTC)

    assert [s.id for s in await store.due_schedules(back_up)] == [schedule.id]
    after = await store.complete_schedule_run(schedule.id, None, now=back_up)

    assert after.next_run_at == datetime(2024, 4, 1, 21, 0, tzinfo=UTC)


async def test_a_paused_schedule_is_never_due(store: Store) -> None:
    paused = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    running = await store.set_schedule(
        OTHER_GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW
    )

    await store.pause_schedule(paused.id, "channel deleted")

    far = NOW + timedelta(days=365)
    assert [s.id for s in await store.due_schedules(far)] == [running.id]
    [listed] = await store.list_schedules(GUILD)
    assert (listed.paused, listed.paused_reason) == (True, "channel deleted")


async def test_due_schedules_are_soonest_first_across_guilds(store: Store) -> None:
    daily = await store.set_schedule(
        GUILD, CHANNEL, every="daily", at="10:30", movie_id=None, now=NOW
    )
    hourly = await store.set_schedule(
        OTHER_GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW
    )

    due = await store.due_schedules(NOW + timedelta(hours=2))

    assert [s.id for s in due] == [daily.id, hourly.id]


async def test_missing_schedules_are_reported(store: Store) -> None:
    assert await store.pick_scheduled_reaction(404) is None
    with pytest.raises(NotFound):
        await store.complete_schedule_run(404, None, now=NOW)
    with pytest.raises(NotFound):
        await store.pause_schedule(404, "gone")


# Claims: one process posts a due slot; a dead process's claim is taken over after its lease


async def test_a_due_slot_is_claimed_once_until_its_lease_runs_out(store: Store) -> None:
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    due = schedule.next_run_at

    assert await store.claim_schedule_run(schedule.id, "a", now=due - LEASE, lease=LEASE) is None
    claimed = await store.claim_schedule_run(schedule.id, "a", now=due, lease=LEASE)
    assert claimed == schedule  # the slot claimed is its next_run_at
    almost = due + LEASE - timedelta(milliseconds=1)
    assert await store.claim_schedule_run(schedule.id, "b", now=almost, lease=LEASE) is None
    assert await store.claim_schedule_run(schedule.id, "a", now=almost, lease=LEASE) is None

    # The holder died: at the end of its lease another process takes the slot over.
    taken = await store.claim_schedule_run(schedule.id, "b", now=due + LEASE, lease=LEASE)
    assert taken == schedule
    with pytest.raises(ClaimLost):
        await store.complete_schedule_run(schedule.id, None, now=due + LEASE, holder="a")
    after = await store.complete_schedule_run(schedule.id, None, now=due + LEASE, holder="b")
    assert after.next_run_at == due + timedelta(hours=1)


async def test_completing_clears_the_claim_and_the_late_holder_records_nothing(
    store: Store,
) -> None:
    await store.ingest_article(article(post("a", "a"), post("b", "b")), content_hash="g")
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    due = schedule.next_run_at
    assert await store.claim_schedule_run(schedule.id, "a", now=due, lease=LEASE)
    picked = await store.pick_scheduled_reaction(schedule.id)
    assert picked is not None

    later = due + timedelta(minutes=1)
    taken = await store.claim_schedule_run(schedule.id, "b", now=later, lease=LEASE)
    assert taken is not None
    await store.complete_schedule_run(schedule.id, picked.id, now=later, holder="b")
    # "a" comes back after "b" recorded the slot: nothing more is recorded or moved on.
    with pytest.raises(ClaimLost):
        await store.complete_schedule_run(schedule.id, picked.id, now=later, holder="a")

    # Cleared: the next slot is claimed at once, and the cycle holds one post.
    following = due + timedelta(hours=1)
    assert await store.claim_schedule_run(schedule.id, "a", now=following, lease=LEASE)
    again = await store.pick_scheduled_reaction(schedule.id)
    assert again is not None
    assert again.id != picked.id


async def test_a_claimed_slot_is_not_due_again_once_run(store: Store) -> None:
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    due = schedule.next_run_at
    assert await store.claim_schedule_run(schedule.id, "a", now=due, lease=LEASE)
    await store.complete_schedule_run(schedule.id, None, now=due, holder="a")
    # Long after the lease, the slot run is not claimed again: the next is not due yet.
    assert await store.claim_schedule_run(schedule.id, "b", now=due + LEASE, lease=LEASE) is None


async def test_pausing_lets_go_of_the_claim_and_a_paused_slot_is_not_claimed(
    store: Store,
) -> None:
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    due = schedule.next_run_at
    assert await store.claim_schedule_run(schedule.id, "a", now=due, lease=LEASE)
    await store.pause_schedule(schedule.id, "channel deleted")
    assert await store.claim_schedule_run(schedule.id, "b", now=due, lease=LEASE) is None

    resumed = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=due)
    claimed = await store.claim_schedule_run(schedule.id, "b", now=resumed.next_run_at, lease=LEASE)
    assert claimed == resumed


async def test_a_stopped_schedule_cannot_be_claimed(store: Store) -> None:
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    assert await store.claim_schedule_run(schedule.id, "a", now=schedule.next_run_at, lease=LEASE)
    assert await store.stop_schedule(GUILD, CHANNEL)
    later = schedule.next_run_at + LEASE
    assert await store.claim_schedule_run(schedule.id, "b", now=later, lease=LEASE) is None
    with pytest.raises(NotFound):
        await store.complete_schedule_run(schedule.id, None, now=schedule.next_run_at, holder="a")


# What a schedule posts


async def test_picks_featured_first_then_page_order_without_repeats_then_cycles(
    store: Store,
) -> None:
    glob = await store.ingest_article(
        article(post("a", "a"), post("b", "b"), post("c", "c"), post("d", "d")),
        content_hash="g",
    )
    ids = await ids_by_text(store, glob.movie.id, GUILD)
    await store.set_reaction_state(GUILD, ids["c"], featured=True)
    await store.set_reaction_state(GUILD, ids["b"], hidden=True)
    await store.set_reaction_state(OTHER_GUILD, ids["a"], hidden=True)
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)

    posted = await run_cycle(store, schedule, 7)

    assert posted == ["c", "a", "d", "c", "a", "d", "c"]


async def test_two_schedules_keep_separate_cycles(store: Store) -> None:
    await store.ingest_article(article(post("a", "a"), post("b", "b")), content_hash="g")
    one = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    two = await store.set_schedule(
        GUILD, OTHER_CHANNEL, every="1h", at=None, movie_id=None, now=NOW
    )

    assert await run_cycle(store, one, 1) == ["a"]
    assert await run_cycle(store, two, 2) == ["a", "b"]
    assert await run_cycle(store, one, 1) == ["b"]


async def test_a_reaction_hidden_mid_cycle_is_skipped(store: Store) -> None:
    glob = await store.ingest_article(
        article(post("a", "a"), post("b", "b"), post("c", "c")), content_hash="g"
    )
    ids = await ids_by_text(store, glob.movie.id, GUILD)
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)

    assert await run_cycle(store, schedule, 1) == ["a"]
    await store.set_reaction_state(GUILD, ids["b"], hidden=True)

    assert await run_cycle(store, schedule, 3) == ["c", "a", "c"]


async def test_a_movie_schedule_posts_only_that_movie_the_guild_sees(
    store: Store,
) -> None:
    one = await store.ingest_article(article(post("a", "a"), post("b", "b")), content_hash="g")
    await store.ingest_article(article(post("lagaan", "l"), movie="Lagaan"), content_hash="l")
    await store.ingest_article(article(post("mine", "m")), content_hash="mine", guild_id=GUILD)
    await store.ingest_article(
        article(post("theirs", "t")), content_hash="theirs", guild_id=OTHER_GUILD
    )
    schedule = await store.set_schedule(
        GUILD, CHANNEL, every="6h", at=None, movie_id=one.movie.id, now=NOW
    )

    assert await run_cycle(store, schedule, 4) == ["a", "b", "mine", "a"]


async def test_every_movie_schedule_walks_articles_in_order(store: Store) -> None:
    await store.ingest_article(article(post("a", "a"), post("b", "b")), content_hash="g")
    await store.ingest_article(article(post("lagaan", "l"), movie="Lagaan"), content_hash="l")
    await store.ingest_article(
        article(post("theirs", "t")), content_hash="theirs", guild_id=OTHER_GUILD
    )
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)

    assert await run_cycle(store, schedule, 4) == ["a", "b", "lagaan", "a"]


async def test_nothing_visible_picks_nothing_and_the_run_still_advances(
    store: Store,
) -> None:
    glob = await store.ingest_article(article(post("only", "o")), content_hash="g")
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)
    await store.set_reaction_state(
        GUILD, (await ids_by_text(store, glob.movie.id, GUILD))["only"], hidden=True
    )

    assert await store.pick_scheduled_reaction(schedule.id) is None
    after = await store.complete_schedule_run(schedule.id, None, now=NOW + timedelta(hours=1))
    assert after.next_run_at == datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


async def test_picked_reaction_carries_the_guilds_flags(store: Store) -> None:
    glob = await store.ingest_article(article(post("only", "o")), content_hash="g")
    only = (await ids_by_text(store, glob.movie.id, GUILD))["only"]
    await store.set_reaction_state(GUILD, only, featured=True)
    schedule = await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=None, now=NOW)

    picked = await store.pick_scheduled_reaction(schedule.id)

    assert picked is not None
    assert (picked.id, picked.featured, picked.hidden) == (only, True, False)


async def test_changing_the_movie_starts_a_new_cycle(store: Store) -> None:
    one = await store.ingest_article(article(post("a", "a"), post("b", "b")), content_hash="g")
    two = await store.ingest_article(article(post("l", "l"), movie="Lagaan"), content_hash="l")
    schedule = await store.set_schedule(
        GUILD, CHANNEL, every="1h", at=None, movie_id=one.movie.id, now=NOW
    )
    assert await run_cycle(store, schedule, 1) == ["a"]
    await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=two.movie.id, now=NOW)
    await store.set_schedule(GUILD, CHANNEL, every="6h", at=None, movie_id=one.movie.id, now=NOW)

    assert await run_cycle(store, schedule, 1) == ["a"]
    # Changing only the frequency keeps the cycle.
    await store.set_schedule(GUILD, CHANNEL, every="1h", at=None, movie_id=one.movie.id, now=NOW)
    assert await run_cycle(store, schedule, 1) == ["b"]
