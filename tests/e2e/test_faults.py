"""Discord misbehaves and the bot copes: 429s, 5xx, a dropped gateway, slow work, lost channels.

Every test here drives the bot process through the fake Discord and asserts what a member
would see: each command answered exactly once, failures reported, nothing crashed.

A persistent 500 makes discord.py retry for 25 s (sleeping 1, 3, 5, 7 and 9 s), so that
form only runs with ``REEL_SLOW_TESTS=1``; by default a 503, which discord.py does not
retry, stands in for "Discord keeps failing".
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild, payloads
from tests.e2e.fake_discord.recorder import Call, compile_pattern
from tests.e2e.helpers import (
    EPHEMERAL,
    assert_spoiler_page,
    html_page,
    interaction_data,
    local_site,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SLOW_TESTS = os.environ.get("REEL_SLOW_TESTS") == "1"
CREATE_MESSAGE = "POST /channels/{id}/messages"
CALLBACK = "POST /interactions/{id}/{token}/callback"
EDIT_ORIGINAL = "PATCH /webhooks/{app}/{token}/messages/@original"
READ_ORIGINAL = "GET /webhooks/{app}/{token}/messages/@original"
SLOW_SITE_SECONDS = 2.5
TICK = 0.5
PAST = "2000-01-01T00:00:00.000Z"
ARTICLE = """<!doctype html><html><head><title>Fans react to 'Slow Boat'</title></head><body>
<h1>Fans react to 'Slow Boat'</h1>
<blockquote class="twitter-tweet"><p lang="en">Worth the wait</p>&mdash; Ana (@ana)
<a href="https://twitter.com/ana/status/1">May 1, 2024</a></blockquote>
</body></html>"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def article_site() -> AsyncIterator[str]:
    """Serve an article at once (/fast) and after SLOW_SITE_SECONDS (/slow) on 127.0.0.1."""
    fast = html_page(ARTICLE)

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(SLOW_SITE_SECONDS)
        return await fast(request)

    async with local_site({"/fast": fast, "/slow": slow}) as base:
        yield base


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"FETCH_ALLOW_HOSTS": "127.0.0.1", "SCHEDULE_TICK_SECONDS": str(TICK)}


def ok(call: Call) -> bool:
    return call.ok


def in_channel(channel: Channel) -> str:
    return f"POST /channels/{channel.id}/messages"


# 429 on every route the bot answers through. The edit that fills a deferred member answer
# (PATCH .../messages/@original) is rate-limited in test_load.py, where load makes the bot
# defer. Not reached within a test's time: the edit of an expired confirmation (3 min) and
# the deletion of an error notice (30 s).

Trigger = Callable[[FakeDiscord, Guild, Channel, str], Awaitable[None]]


async def prefix_reactions(fake: FakeDiscord, guild: Guild, channel: Channel, site: str) -> None:
    await fake.driver.send_message(channel, guild.member, "!reactions 12thfail")


async def slash_reactions(fake: FakeDiscord, guild: Guild, channel: Channel, site: str) -> None:
    await fake.driver.slash("reactions", {"movie": "12th Fail"}, guild.member, channel)


async def article_by_url(fake: FakeDiscord, guild: Guild, channel: Channel, site: str) -> None:
    await fake.driver.slash("article add", {"url": f"{site}/fast"}, guild.moderator, channel)


async def schedule_show(fake: FakeDiscord, guild: Guild, channel: Channel, site: str) -> None:
    await fake.driver.slash("schedule show", {}, guild.moderator, channel)


ROUTES: list[tuple[str, str, Trigger]] = [
    ("message-create", CREATE_MESSAGE, prefix_reactions),
    ("interaction-callback", CALLBACK, slash_reactions),
    ("edit-original", EDIT_ORIGINAL, article_by_url),
    ("read-original", READ_ORIGINAL, schedule_show),
]


@pytest.mark.parametrize(("route", "trigger"), [r[1:] for r in ROUTES], ids=[r[0] for r in ROUTES])
async def test_429_is_retried_and_the_reply_arrives_once(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    bot_process: BotProcess,
    article_site: str,
    route: str,
    trigger: Trigger,
) -> None:
    driver = fake_discord.driver
    fake_discord.rate_limit_next(route, retry_after=0.3)
    await trigger(fake_discord, guild, channel, article_site)
    matches = compile_pattern(route)
    await driver.wait_for(lambda call: ok(call) and matches(call), timeout=10)
    await asyncio.sleep(0.5)  # room for a wrongly repeated request to show up
    attempts = driver.calls(route)
    assert [call.status for call in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.3  # waited for retry_after
    answers = [  # a deferred "thinking…" placeholder is not an answer
        m
        for m in fake_discord.world.messages.values()
        if m["channel_id"] == str(channel.id)
        and m["author"]["id"] == str(guild.bot_member.id)
        and not m["flags"] & payloads.LOADING_FLAG
    ]
    assert len(answers) == 1, [m["content"] for m in answers]


# 5xx on message create.


async def test_500s_on_message_create_are_retried_and_the_reply_arrives_once(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    fake_discord.fail_next(in_channel(channel), 500, times=2)
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    await driver.wait_for(lambda call: ok(call) and call.method == "POST", timeout=15)
    await asyncio.sleep(0.5)  # room for a wrongly repeated reply to show up
    attempts = driver.calls(CREATE_MESSAGE)
    assert [call.status for call in attempts] == [500, 500, 200]
    assert_spoiler_page(attempts[-1].json, 5)


async def test_a_reply_discord_refuses_is_reported_and_the_bot_carries_on(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    log_start = bot_process.log_size()

    # The reply fails; the member is told (Discord took the error notice).
    fake_discord.fail_next(in_channel(channel), 503)
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    notice = await driver.wait_for(lambda call: ok(call) and call.method == "POST")
    description = notice.json["embeds"][0]["description"]
    code = re.search(r"code `([0-9A-F]{4})`", description)
    assert code, description
    assert "Discord is having trouble" in description

    # Reply and notice both fail: nothing reaches the channel, the bot logs both.
    fake_discord.fail_next(in_channel(channel), 503, times=2)
    await driver.send_message(channel, guild.member, "!random")
    await driver.wait_for(lambda call: call.status == 503 and call.index > notice.index)
    second = await driver.wait_for(
        lambda call: call.status == 503 and call.index > notice.index + 1, timeout=5
    )

    # The next command is answered normally.
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    reply = await driver.wait_for(lambda call: ok(call) and call.index > second.index)
    assert_spoiler_page(reply.json, 5)
    log = await wait_for_log(bot_process, log_start, "Could not deliver an error message")
    assert f"Discord server error {code[1]}" in log
    assert "Traceback" not in log
    assert "Ignoring exception" not in log


@pytest.mark.skipif(not SLOW_TESTS, reason="25 s of discord.py retries; REEL_SLOW_TESTS=1")
async def test_persistent_500_exhausts_the_retries_then_is_reported(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    fake_discord.fail_next(in_channel(channel), 500, times=5)
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    notice = await driver.wait_for(lambda call: ok(call) and call.method == "POST", timeout=40)
    assert "Discord is having trouble" in notice.json["embeds"][0]["description"]
    assert [call.status for call in driver.calls(CREATE_MESSAGE)] == [500] * 5 + [200]


async def wait_for_log(bot: BotProcess, start: int, text: str, timeout: float = 5.0) -> str:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while text not in (log := bot.log_text(start)):  # noqa: ASYNC110 - another process's file
            await asyncio.sleep(0.05)
    return log


# The gateway drops in the middle of a burst.


async def test_gateway_drop_mid_burst_loses_and_repeats_no_command(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    channels = [await driver.create_channel(guild, f"burst-{n}") for n in range(3)]
    since = driver.mark()
    identified = len(driver.calls("WS IDENTIFY", since=0))
    slash: dict[str, Any] = {}
    for n in range(30):
        channel, word = channels[n % 3], f"qz{n}x"
        if n == 12:
            await fake_discord.drop_gateway()
        if n % 3 == 2:
            slash[word] = await driver.slash("search", {"text": word}, guild.member, channel)
        else:
            await driver.send_message(channel, guild.member, f"!search {word}")
        await asyncio.sleep(0.01)

    await driver.wait_for("WS RESUME", since=since, timeout=10)
    for word, interaction in slash.items():
        data = interaction_data((await interaction.callback()).json)
        assert data["content"] == f"No reactions match “{word}”."
    for n in range(30):
        if n % 3 != 2:
            await driver.wait_for(reply_to(channels[n % 3], f"qz{n}x"), since=since, timeout=10)
    await asyncio.sleep(0.5)  # room for a repeated answer to show up

    for n in range(30):
        word = f"qz{n}x"
        if n % 3 == 2:
            answers = driver.calls(f"POST /interactions/{slash[word].id}/*/callback", since=since)
        else:
            answers = driver.calls(reply_to(channels[n % 3], word), since=since)
        assert len(answers) == 1, (word, answers)
    assert len(driver.calls("WS IDENTIFY", since=0)) == identified  # resumed, not restarted


def reply_to(channel: Channel, word: str) -> Callable[[Call], bool]:
    def match(call: Call) -> bool:
        content = (call.json or {}).get("content") if isinstance(call.json, dict) else None
        return (
            call.ok
            and call.method == "POST"
            and call.path == f"/channels/{channel.id}/messages"
            and content == f"No reactions match “{word}”."
        )

    return match


# Slow work is acknowledged within Discord's 3 seconds.


async def test_slow_article_download_is_deferred_at_once_and_answered_later(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    bot_process: BotProcess,
    article_site: str,
) -> None:
    interaction = await fake_discord.driver.slash(
        "article add", {"url": f"{article_site}/slow"}, guild.moderator, channel
    )
    callback = await interaction.callback()
    assert callback.json["type"] == 5  # deferred ("thinking…"), ephemeral
    assert callback.json["data"]["flags"] & EPHEMERAL
    # Deferred before the download could have finished, so not after it (the fake also
    # holds the callback to Discord's 3 s).
    assert callback.at - interaction.record.dispatched_at < SLOW_SITE_SECONDS
    preview = await interaction.original_edit(timeout=10)
    assert preview.at - interaction.record.dispatched_at >= SLOW_SITE_SECONDS
    assert "Slow Boat" in preview.json["embeds"][0]["description"]
    assert fake_discord.expired == []


# The scheduled poster: lost channels and a second READY.


def next_run(bot: BotProcess, channel: Channel) -> str:
    with sqlite3.connect(bot.database, timeout=10) as db:
        row = db.execute(
            "SELECT next_run_at FROM schedules WHERE channel_id = ?", (channel.id,)
        ).fetchone()
    return str(row[0])


async def wait_until_moved_on(bot: BotProcess, channel: Channel) -> None:
    """Wait until the bot has recorded the run and moved the schedule to its next slot."""
    async with asyncio.timeout(5):
        while next_run(bot, channel) == PAST:  # noqa: ASYNC110 - another process's database
            await asyncio.sleep(0.05)


async def wait_until_paused(bot: BotProcess, channel: Channel) -> None:
    """Wait until the bot has paused a channel's schedule."""
    async with asyncio.timeout(5):
        while not paused(bot, channel):  # noqa: ASYNC110 - another process's database
            await asyncio.sleep(0.05)


def paused(bot: BotProcess, channel: Channel) -> bool:
    with sqlite3.connect(bot.database, timeout=10) as db:
        row = db.execute(
            "SELECT paused FROM schedules WHERE channel_id = ?", (channel.id,)
        ).fetchone()
    return bool(row and row[0])


def make_due(bot: BotProcess, channel: Channel) -> None:
    """Move a channel's schedule into the past, as the bot's clock would after a while."""
    with sqlite3.connect(bot.database, timeout=10) as db:
        changed = db.execute(
            "UPDATE schedules SET next_run_at = ? WHERE channel_id = ?", (PAST, channel.id)
        ).rowcount
    assert changed == 1


async def set_schedule(fake: FakeDiscord, guild: Guild, channel: Channel) -> None:
    interaction = await fake.driver.slash(
        "schedule set", {"channel": channel, "every": "1h"}, guild.moderator, channel
    )
    data = interaction_data((await interaction.callback()).json)
    assert data["content"].startswith("Scheduled:"), data


async def schedule_line(fake: FakeDiscord, guild: Guild, channel: Channel) -> str:
    # By slash, so that it also runs without the Message Content intent.
    shown = await fake.driver.slash("schedule show", {}, guild.moderator, guild.channel)
    description = interaction_data((await shown.callback()).json)["embeds"][0]["description"]
    lines = str(description).splitlines()
    return next(line for line in lines if line.startswith(f"<#{channel.id}>"))


async def test_scheduled_post_refused_with_403_pauses_and_the_bot_carries_on(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await set_schedule(fake_discord, guild, channel)
    since = driver.mark()
    fake_discord.fail_next(in_channel(channel), 403, code=50013)
    make_due(bot_process, channel)
    await driver.wait_for(lambda call: call.status == 403, since=since, timeout=5)
    await asyncio.sleep(3 * TICK)  # later ticks must not retry a paused schedule
    assert len(driver.calls(in_channel(channel), since=since)) == 1
    assert "paused: the bot may not post in the channel" in await schedule_line(
        fake_discord, guild, channel
    )
    await driver.send_message(channel, guild.member, f"{fake_discord.world.bot.mention} ping")
    assert (await driver.wait_for(in_channel(channel))).ok


async def test_scheduled_post_without_embed_links_pauses_without_trying(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await set_schedule(fake_discord, guild, channel)
    await driver.set_overwrite(channel, guild.bot_member, deny=payloads.EMBED_LINKS)
    since = driver.mark()
    make_due(bot_process, channel)
    await wait_until_paused(bot_process, channel)
    assert driver.calls(in_channel(channel), since=since) == []
    assert "paused: the bot may not post in the channel" in await schedule_line(
        fake_discord, guild, channel
    )


async def test_scheduled_post_to_a_deleted_channel_pauses(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await set_schedule(fake_discord, guild, channel)
    since = driver.mark()
    del fake_discord.world.channels[channel.id]
    guild.channels.remove(channel)
    await fake_discord.gateway.dispatch("CHANNEL_DELETE", payloads.channel_payload(channel))
    make_due(bot_process, channel)
    fetched = await driver.wait_for(f"GET /channels/{channel.id}", since=since, timeout=5)
    assert fetched.status == 404
    await asyncio.sleep(3 * TICK)
    assert len(driver.calls(f"* /channels/{channel.id}/**", since=since)) == 0
    assert "paused: the channel no longer exists" in await schedule_line(
        fake_discord, guild, channel
    )


async def test_ready_again_does_not_post_twice(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await set_schedule(fake_discord, guild, channel)
    since = driver.mark()
    make_due(bot_process, channel)
    await driver.wait_for(in_channel(channel), since=since, timeout=5)
    await wait_until_moved_on(bot_process, channel)

    # Due again at the moment the session is lost: the bot IDENTIFYs anew and gets READY.
    make_due(bot_process, channel)
    await fake_discord.invalidate_session()
    await driver.wait_for("WS IDENTIFY", since=since, timeout=10)
    await asyncio.sleep(6 * TICK)
    posts = driver.calls(in_channel(channel), since=since)
    assert [call.status for call in posts] == [200, 200]
    await driver.send_message(channel, guild.member, f"{fake_discord.world.bot.mention} ping")
    assert (await driver.wait_for(in_channel(channel))).ok


# Last: it restarts the bot.


async def test_429_on_command_sync_at_start_up_is_retried(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    since = driver.mark()
    fake_discord.rate_limit_next(bot_process.sync_route, retry_after=0.3)
    await bot_process.restart()
    await driver.wait_for(lambda call: ok(call) and call.method == "PUT", since=since, timeout=10)
    assert [c.status for c in driver.calls(bot_process.sync_route, since=since)] == [429, 200]
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    assert_spoiler_page((await driver.wait_for(CREATE_MESSAGE)).json, 5)
