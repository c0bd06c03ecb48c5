"""The discord-free services validate, then store, then audit; bad input is a typed UserError."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.errors import Conflict, InvalidInput, NotFound, PageOutOfRange, UnknownMovie
from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import GuildSettings
from bot.services import articles, curation, reading, schedules
from bot.services.curation import REACTION_ACTIONS, SettingsChange
from bot.services.permissions import is_moderator
from bot.store import SQLiteStore

GUILD = 42
MOD = 7
NOW = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


async def seed(store: SQLiteStore, title: str = "Quiet Engine", count: int = 3) -> int:
    article = Article(
        title=None,
        movie=MovieRef.from_title(title),
        spoiler=False,
        published=None,
        source=None,
        reactions=tuple(
            Reaction(platform="twitter", text=f"{title} take {n}", handle=f"fan{n}")
            for n in range(count)
        ),
    )
    return (await store.ingest_article(article, content_hash=title)).movie.id


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("!!!", "has no letters or digits"),
        ("   ", "has no letters or digits"),
        ("x" * 101, "at most 100 characters"),
    ],
    ids=["punctuation", "blank", "too-long"],
)
async def test_an_alias_the_rules_refuse_is_invalid_input_and_nothing_is_stored(
    store: SQLiteStore, alias: str, reason: str
) -> None:
    await seed(store)
    with pytest.raises(InvalidInput, match=reason):
        await curation.add_alias(store, GUILD, MOD, "quietengine", alias)
    assert await store.list_audit(GUILD, 25) == []


async def test_an_alias_of_another_movie_is_a_conflict(store: SQLiteStore) -> None:
    await seed(store, "Quiet Engine")
    await seed(store, "Brief Candle")
    movie, name = await curation.add_alias(store, GUILD, MOD, "quietengine", "the engine")
    assert (movie.title, name) == ("Quiet Engine", "the engine")
    with pytest.raises(Conflict, match="already names a movie"):
        await curation.add_alias(store, GUILD, MOD, "briefcandle", "The  Engine")


async def test_renaming_to_another_movies_name_is_a_conflict(store: SQLiteStore) -> None:
    await seed(store, "Quiet Engine")
    await seed(store, "Brief Candle")
    with pytest.raises(Conflict, match="already names the movie “Brief Candle”"):
        await curation.rename_movie(store, GUILD, MOD, "quietengine", "brief candle")
    before, after = await curation.rename_movie(
        store, GUILD, MOD, "quietengine", "Quiet  Engine II"
    )
    assert (before.title, after.title) == ("Quiet Engine", "Quiet Engine II")
    (entry,) = await store.list_audit(GUILD, 25)
    assert (entry.action, entry.user_id) == ("movie.rename", MOD)


async def test_curating_a_missing_reaction_is_not_found(store: SQLiteStore) -> None:
    with pytest.raises(NotFound, match="no reaction `999`"):
        await curation.curate_reaction(store, GUILD, MOD, REACTION_ACTIONS["hide"], 999)


async def test_hiding_records_the_reason_once_trimmed(store: SQLiteStore) -> None:
    movie_id = await seed(store)
    page = await store.reaction_page(movie_id, GUILD, offset=0, limit=5)
    target = page.reactions[0].id
    await curation.curate_reaction(
        store, GUILD, MOD, REACTION_ACTIONS["hide"], target, "  off   topic  "
    )
    (entry,) = await store.list_audit(GUILD, 25)
    assert (entry.action, entry.reason) == ("reaction.hide", "off topic")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (SettingsChange(page_size=0), "1 to 10"),
        (SettingsChange(page_size=11), "1 to 10"),
        (SettingsChange(spoiler_mode="sometimes"), "`always` or `flagged`"),
        (SettingsChange(mod_role_id=-3), "not a role"),
    ],
    ids=["page-0", "page-11", "mode", "role"],
)
async def test_settings_the_rules_refuse_are_invalid_input(
    store: SQLiteStore, change: SettingsChange, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        await curation.update_settings(store, GUILD, MOD, change)


async def test_spoiler_mode_is_read_in_any_case(store: SQLiteStore) -> None:
    updated = await curation.update_settings(
        store, GUILD, MOD, SettingsChange(spoiler_mode=" Flagged ")
    )
    assert updated.spoiler_mode == "flagged"


@pytest.mark.parametrize(
    ("every", "at", "reason"),
    [
        ("weekly", None, "`1h`, `6h` or `daily`"),
        ("1h", "09:00", "only goes with `daily`"),
        ("daily", "25:00", "HH:MM"),
        ("daily", "nine", "HH:MM"),
    ],
)
async def test_schedule_timing_the_rules_refuse_is_invalid_input(
    store: SQLiteStore, every: str, at: str | None, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        await schedules.set_schedule(
            store, GUILD, MOD, 5, every=every, at=at, movie_query=None, now=NOW
        )


async def test_a_schedule_of_an_unknown_movie_and_stopping_none_are_refused(
    store: SQLiteStore,
) -> None:
    with pytest.raises(UnknownMovie):
        await schedules.set_schedule(
            store, GUILD, MOD, 5, every="daily", at="7:05", movie_query="nothing", now=NOW
        )
    with pytest.raises(NotFound, match="<#5> has no schedule"):
        await schedules.stop_schedule(store, GUILD, MOD, 5)


async def test_a_schedule_lists_with_its_movie_title(store: SQLiteStore) -> None:
    await seed(store)
    line = await schedules.set_schedule(
        store, GUILD, MOD, 5, every="DAILY", at="7:05", movie_query="quiet engine", now=NOW
    )
    assert (line.schedule.every, line.schedule.at, line.movie_title) == (
        "daily",
        "07:05",
        "Quiet Engine",
    )
    assert [x.movie_title for x in await schedules.list_schedules(store, GUILD)] == ["Quiet Engine"]


async def test_schedules_list_a_page_at_a_time(store: SQLiteStore) -> None:
    for channel in range(1, 18):
        await schedules.set_schedule(
            store, GUILD, MOD, channel, every="1h", at=None, movie_query=None, now=NOW
        )
    first = await schedules.schedules_page(store, GUILD, 1)
    second = await schedules.schedules_page(store, GUILD, 2)
    assert (first.page, first.pages, first.total) == (1, 2, 17)
    assert len(first.lines) == schedules.SCHEDULES_PER_PAGE
    assert len(second.lines) == 17 - schedules.SCHEDULES_PER_PAGE
    shown = {line.schedule.channel_id for line in [*first.lines, *second.lines]}
    assert shown == set(range(1, 18))
    with pytest.raises(PageOutOfRange, match="no page 3"):
        await schedules.schedules_page(store, GUILD, 3)


async def test_an_absurd_page_number_is_refused_without_overflow(store: SQLiteStore) -> None:
    movie_id = await seed(store)
    movie = await store.get_movie(movie_id, GUILD)
    assert movie is not None
    with pytest.raises(PageOutOfRange, match="has 1 page"):
        await reading.movie_page(store, movie, GUILD, 2_305_843_009_213_693_952)


async def test_removing_a_global_article_in_a_server_is_refused(store: SQLiteStore) -> None:
    await seed(store)
    with pytest.raises(InvalidInput, match="every server shares it"):
        await articles.removable_article(store, GUILD, 1)
    with pytest.raises(NotFound, match="no article `77`"):
        await articles.removable_article(store, GUILD, 77)


@pytest.mark.parametrize(
    ("manage", "roles", "mod_role", "expected"),
    [
        (True, [], None, True),
        (False, [5], 5, True),
        (False, [6], 5, False),
        (False, [5], None, False),
    ],
)
def test_a_moderator_has_manage_messages_or_the_moderator_role(
    manage: bool, roles: list[int], mod_role: int | None, expected: bool
) -> None:
    settings = GuildSettings(guild_id=GUILD, mod_role_id=mod_role)
    assert is_moderator(settings, manage_messages=manage, role_ids=roles) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("<#1234>", 1234), (" 1234 ", 1234), ("#general", None), ("general", None), ("<#x>", None)],
)
def test_a_channel_is_named_by_mention_or_id(text: str, expected: int | None) -> None:
    assert schedules.channel_id_of(text) == expected
