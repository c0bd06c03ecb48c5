"""Tests of the fake's stricter Discord rules: permissions, hidden commands, intents, shards,
deferred follow-ups, embed URLs, modal inputs and 15-minute tokens."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
import yarl

from tests.e2e.fake_discord import Channel, FakeDiscord, Guild, payloads, validate
from tests.e2e.fake_discord.command_access import HiddenCommandError

pytestmark = pytest.mark.e2e

NO_MENTIONS: dict[str, Any] = {"allowed_mentions": {"parse": []}}
EMBED = {"title": "t", "description": "d"}
GUILD_INTENTS = payloads.GUILD_MESSAGES_INTENT | payloads.DIRECT_MESSAGES_INTENT | 1


async def receive(socket: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads((await socket.receive(timeout=5)).data)
    return frame


async def send_identify(
    socket: aiohttp.ClientWebSocketResponse, intents: int, shard: list[int] | None = None
) -> None:
    """Read HELLO and send IDENTIFY."""
    assert (await receive(socket))["op"] == 10
    data: dict[str, Any] = {"token": "t", "intents": intents}
    if shard is not None:
        data["shard"] = shard
    await socket.send_json({"op": 2, "d": data})


async def identify(
    socket: aiohttp.ClientWebSocketResponse, intents: int, shard: list[int] | None = None
) -> dict[str, Any]:
    """Read HELLO, IDENTIFY, and return READY."""
    await send_identify(socket, intents, shard)
    return await receive(socket)


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as started:
        yield started


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, fake: FakeDiscord, channel: Channel, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    url = f"{fake.api_base}/channels/{channel.id}/messages"
    async with http.post(url, json=body | NO_MENTIONS) as response:
        return response.status, await response.json()


# Channel permissions computed from roles and overwrites.


async def test_permissions_follow_everyone_then_roles_then_member_overwrites(
    fake: FakeDiscord,
) -> None:
    driver, world = fake.driver, fake.world
    guild = await driver.create_guild()
    channel = await driver.create_channel(guild, "rules")
    bot = guild.bot_member
    everyone = guild.role(guild.id)
    reel_role = guild.role(bot.role_ids[0])
    assert world.permissions_in(bot, channel) & payloads.EMBED_LINKS
    await driver.set_overwrite(channel, everyone, deny=payloads.EMBED_LINKS)
    assert not world.permissions_in(bot, channel) & payloads.EMBED_LINKS
    await driver.set_overwrite(channel, reel_role, allow=payloads.EMBED_LINKS)
    assert world.permissions_in(bot, channel) & payloads.EMBED_LINKS
    await driver.set_overwrite(channel, bot, deny=payloads.EMBED_LINKS)
    assert not world.permissions_in(bot, channel) & payloads.EMBED_LINKS
    # Implicit: no Send Messages takes Embed Links and Attach Files; no View Channel, all.
    await driver.set_overwrite(channel, bot, deny=payloads.SEND_MESSAGES)
    granted = world.permissions_in(bot, channel)
    assert not granted & (payloads.EMBED_LINKS | payloads.ATTACH_FILES)
    await driver.set_overwrite(channel, bot, deny=payloads.VIEW_CHANNEL)
    assert world.permissions_in(bot, channel) == 0
    assert world.permissions_in(guild.owner, channel) == payloads.ALL_PERMISSIONS


async def test_bot_message_without_view_or_send_is_refused_403(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    hidden = await fake.driver.create_channel(guild, "hidden", denied=payloads.VIEW_CHANNEL)
    status, body = await post(http, fake, hidden, {"content": "hi"})
    assert (status, body["code"]) == (403, 50001)
    locked = await fake.driver.create_channel(guild, "locked", denied=payloads.SEND_MESSAGES)
    status, body = await post(http, fake, locked, {"content": "hi"})
    assert (status, body["code"]) == (403, 50013)
    assert [v.rule for v in fake.drain_violations()] == [
        "permissions.view_channel",
        "permissions.missing",
    ]


async def test_without_embed_links_embeds_are_dropped_with_content_and_refused_alone(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    channel = await fake.driver.create_channel(guild, "plain", denied=payloads.EMBED_LINKS)
    status, message = await post(http, fake, channel, {"content": "header", "embeds": [EMBED]})
    assert status == 200
    assert (message["content"], message["embeds"]) == ("header", [])
    status, body = await post(http, fake, channel, {"embeds": [EMBED]})
    assert (status, body["code"]) == (403, 50013)
    assert [v.rule for v in fake.drain_violations()] == ["permissions.embed_links"] * 2


async def test_editing_own_message_needs_no_send_messages(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    channel = await fake.driver.create_channel(guild, "later-locked")
    _, message = await post(http, fake, channel, {"content": "first"})
    await fake.driver.set_overwrite(channel, guild.bot_member, deny=payloads.SEND_MESSAGES)
    url = f"{fake.api_base}/channels/{channel.id}/messages/{message['id']}"
    async with http.patch(url, json={"content": "edited", **NO_MENTIONS}) as response:
        assert response.status == 200
    assert fake.world.messages[int(message["id"])]["content"] == "edited"
    assert fake.violations == []


async def test_threads_need_send_messages_in_threads(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    parent = await fake.driver.create_channel(guild, "parent")
    thread = await fake.driver.create_thread(parent, "talk")
    assert (await post(http, fake, thread, {"content": "in thread"}))[0] == 200
    await fake.driver.set_overwrite(
        parent, guild.bot_member, deny=payloads.SEND_MESSAGES_IN_THREADS
    )
    status, body = await post(http, fake, thread, {"content": "again"})
    assert (status, body["code"]) == (403, 50013)
    assert (await post(http, fake, parent, {"content": "parent still works"}))[0] == 200
    assert "Send Messages in Threads" in fake.drain_violations()[0].detail


# Commands Discord would hide.


async def sync(fake: FakeDiscord, http: aiohttp.ClientSession, guild: Guild) -> None:
    commands = [
        {"name": "open", "description": "for all"},
        {"name": "mod", "description": "mods", "default_member_permissions": "8192"},
        {"name": "guildonly", "description": "no DMs", "contexts": [0]},
    ]
    app = fake.world.application_id
    url = f"{fake.api_base}/applications/{app}/guilds/{guild.id}/commands"
    async with http.put(url, json=commands) as response:
        synced = await response.json()
    assert [c["contexts"] for c in synced] == [[0, 1, 2], [0, 1, 2], [0]]
    assert all(c["integration_types"] == [0] for c in synced)


async def test_hidden_commands_cannot_be_invoked_unless_forced(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    driver = fake.driver
    guild = await driver.create_guild()
    await sync(fake, http, guild)
    async with http.ws_connect(fake.gateway_url) as ws:
        await identify(ws, GUILD_INTENTS)
        await driver.slash("open", {}, guild.member)
        await driver.slash("mod", {}, guild.moderator)
        with pytest.raises(HiddenCommandError, match="default_member_permissions"):
            await driver.slash("mod", {}, guild.member)
        forced = await driver.slash("mod", {}, guild.member, force=True)
        assert forced.payload["data"]["name"] == "mod"
        no_commands = await driver.create_channel(
            guild, "no-commands", denied=payloads.USE_APPLICATION_COMMANDS
        )
        with pytest.raises(HiddenCommandError, match="may not use commands"):
            await driver.slash("open", {}, guild.member, no_commands)
        await driver.slash_dm("open", {}, guild.member, guild)
        with pytest.raises(HiddenCommandError, match="context 1"):
            await driver.slash_dm("guildonly", {}, guild.member, guild)


# Privileged intents.


async def test_message_content_intent_refused_with_4014_when_not_enabled(
    http: aiohttp.ClientSession,
) -> None:
    async with FakeDiscord(message_content=False) as fake:
        guild = await fake.driver.create_guild()
        async with http.ws_connect(fake.gateway_url) as ws:
            await send_identify(ws, GUILD_INTENTS | payloads.MESSAGE_CONTENT_INTENT)
            closed = await ws.receive(timeout=5)
            assert closed.type is aiohttp.WSMsgType.CLOSE
            assert closed.data == 4014
        async with http.get(fake.api_base + "/oauth2/applications/@me") as response:
            assert (await response.json())["flags"] & (1 << 18) == 0
        async with http.ws_connect(fake.gateway_url) as ws:
            assert (await identify(ws, GUILD_INTENTS))["t"] == "READY"
            await receive(ws)  # GUILD_CREATE
            await fake.driver.send_message(guild.channel, guild.member, "!reactions x")
            assert (await receive(ws))["d"]["content"] == ""
            bot = fake.world.bot.mention
            await fake.driver.send_message(guild.channel, guild.member, f"{bot} reactions x")
            assert (await receive(ws))["d"]["content"] == f"{bot} reactions x"
            await fake.driver.send_dm(guild.member, "!help")
            assert (await receive(ws))["d"]["content"] == "!help"
        identifies = fake.driver.calls("WS IDENTIFY", since=0)
        assert [call.status for call in identifies] == [4014, 200]


async def test_discord_py_raises_privileged_intents_required_on_4014() -> None:
    async with FakeDiscord(message_content=False) as fake:
        saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = fake.api_base
        intents = discord.Intents.default()
        intents.message_content = True
        client = discord.Client(intents=intents)
        try:
            await client.login("dummy-token")
            _, url, _ = await client.http.get_bot_gateway()
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            with pytest.raises(discord.PrivilegedIntentsRequired):
                await asyncio.wait_for(client.connect(reconnect=True), 10)
        finally:
            await client.close()
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


# Shards and several guilds.


async def guilds_on_both_shards(fake: FakeDiscord) -> tuple[Guild, Guild]:
    """Create guilds until one lands on each of two shards ((id >> 22) % 2)."""
    found: dict[int, Guild] = {}
    while len(found) < 2:
        guild = await fake.driver.create_guild(f"g{len(fake.world.guilds)}")
        found.setdefault((guild.id >> 22) % 2, guild)
        await asyncio.sleep(0.002)  # the next snowflake's timestamp moves on
    return found[0], found[1]


async def test_shards_receive_only_their_guilds_and_dms_go_to_shard_zero(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    fake.recommended_shards = 2
    # Two buckets (shard_id % 2), so both shards may start at once.
    fake.gateway.session_start_limit.max_concurrency = 2
    async with http.get(fake.api_base + "/gateway/bot") as response:
        assert (await response.json())["shards"] == 2
    even, odd = await guilds_on_both_shards(fake)
    async with http.ws_connect(fake.gateway_url) as zero, http.ws_connect(fake.gateway_url) as one:
        ready_zero = await identify(zero, GUILD_INTENTS, [0, 2])
        ready_one = await identify(one, GUILD_INTENTS, [1, 2])
        assert ready_zero["d"]["shard"] == [0, 2]
        zero_guilds = {g["id"] for g in ready_zero["d"]["guilds"]}
        one_guilds = {g["id"] for g in ready_one["d"]["guilds"]}
        assert str(even.id) in zero_guilds - one_guilds
        assert str(odd.id) in one_guilds - zero_guilds
        for socket, count in ((zero, len(zero_guilds)), (one, len(one_guilds))):
            for _ in range(count):
                assert (await receive(socket))["t"] == "GUILD_CREATE"
        await fake.driver.send_message(odd.channel, odd.member, "on shard one")
        assert (await receive(one))["d"]["channel_id"] == str(odd.channel.id)
        await fake.driver.send_message(even.channel, even.member, "on shard zero")
        assert (await receive(zero))["d"]["channel_id"] == str(even.channel.id)
        await fake.driver.send_dm(odd.member, "a DM")
        assert (await receive(zero))["d"]["content"] == "a DM"
        with pytest.raises(TimeoutError):
            await one.receive(timeout=0.3)


async def test_identify_with_an_impossible_shard_is_closed_4010(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(fake.gateway_url) as ws:
        await send_identify(ws, GUILD_INTENTS, [2, 2])
        closed = await ws.receive(timeout=5)
        assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 4010)


# The session start limit: one IDENTIFY per bucket (shard_id % max_concurrency) per 5 s.


async def test_a_second_identify_in_the_bucket_within_5_s_gets_invalid_session(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(fake.gateway_url) as zero, http.ws_connect(fake.gateway_url) as one:
        assert (await identify(zero, GUILD_INTENTS, [0, 2]))["t"] == "READY"
        refused = await identify(one, GUILD_INTENTS, [1, 2])
        assert (refused["op"], refused["d"]) == (9, False)
    assert [call.json["shard"] for call in fake.gateway.identify_refusals] == [[1, 2]]
    assert [v.rule for v in fake.drain_violations()] == ["gateway.identify_rate"]
    async with http.get(fake.api_base + "/gateway/bot") as response:
        limit = (await response.json())["session_start_limit"]
    assert (limit["max_concurrency"], limit["remaining"]) == (1, limit["total"] - 1)


async def test_shards_in_other_buckets_start_together(http: aiohttp.ClientSession) -> None:
    async with FakeDiscord(max_concurrency=2) as fake:
        sockets = [await http.ws_connect(fake.gateway_url) for _ in range(3)]
        try:
            answers = [
                await identify(socket, GUILD_INTENTS, [shard, 4])
                for socket, shard in zip(sockets, range(3), strict=True)
            ]
        finally:
            for socket in sockets:
                await socket.close()
        # Shards 0 and 1 are buckets 0 and 1; shard 2 is bucket 0 again.
        assert [answer["op"] for answer in answers] == [0, 0, 9]
        fake.drain_violations()


async def test_the_bucket_takes_an_identify_again_once_its_window_passed(
    http: aiohttp.ClientSession,
) -> None:
    # The window lowered from Discord's 5 s so the test need not wait that long.
    async with FakeDiscord(identify_interval=0.3) as fake:
        async with http.ws_connect(fake.gateway_url) as first:
            assert (await identify(first, GUILD_INTENTS))["t"] == "READY"
        async with http.ws_connect(fake.gateway_url) as early:
            assert (await identify(early, GUILD_INTENTS))["op"] == 9
        await asyncio.sleep(0.3)
        async with http.ws_connect(fake.gateway_url) as later:
            assert (await identify(later, GUILD_INTENTS))["t"] == "READY"
        assert len(fake.gateway.identify_refusals) == 1
        fake.drain_violations()


# Interactions: deferral, follow-ups, token lifetime.


async def deferred(
    fake: FakeDiscord, http: aiohttp.ClientSession, guild: Guild
) -> tuple[str, str, dict[str, Any]]:
    """Dispatch /open and defer it with thinking; return its webhook URL, token, message."""
    handle = await fake.driver.slash("open", {}, guild.member)
    url = f"{fake.api_base}/interactions/{handle.id}/{handle.token}/callback"
    async with http.post(url, json={"type": 5, "data": {"flags": 64}}) as response:
        assert response.status == 204
    hook = f"{fake.api_base}/webhooks/{fake.world.application_id}/{handle.token}"
    assert handle.message is not None
    return hook, handle.token, handle.message


async def test_first_followup_after_deferral_edits_the_thinking_message(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    await sync(fake, http, guild)
    async with http.ws_connect(fake.gateway_url) as ws:
        await identify(ws, GUILD_INTENTS)
        hook, _, thinking = await deferred(fake, http, guild)
        body = {"content": "done", "flags": 0, **NO_MENTIONS}
        async with http.post(hook + "?wait=true", json=body) as response:
            first = await response.json()
        assert first["id"] == thinking["id"]
        assert first["flags"] & payloads.EPHEMERAL_FLAG  # the deferral's choice stands
        assert not first["flags"] & payloads.LOADING_FLAG
        async with http.post(hook + "?wait=true", json=body) as response:
            second = await response.json()
        assert second["id"] != thinking["id"]


async def test_interaction_token_expires_after_15_minutes(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    await sync(fake, http, guild)
    async with http.ws_connect(fake.gateway_url) as ws:
        await identify(ws, GUILD_INTENTS)
        hook, _, _ = await deferred(fake, http, guild)
        fake.advance_clock(14 * 60)
        edit = {"content": "still in time", **NO_MENTIONS}
        async with http.patch(hook + "/messages/@original", json=edit) as response:
            assert response.status == 200
        fake.advance_clock(2 * 60)
        async with http.patch(hook + "/messages/@original", json=edit) as response:
            assert response.status == 401
            assert (await response.json())["code"] == 50027
    assert [v.rule for v in fake.drain_violations()] == ["webhook.token_expired"]


# Payload validation: embed URLs and modal text inputs.

BAD_URLS = ["https://x:99999/a", "javascript:alert(1)", "not a url", "https:///path", ""]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_embed_urls_are_refused(url: str) -> None:
    for embed in ({"url": url}, {"author": {"name": "a", "url": url}}, {"image": {"url": url}}):
        rules = {p.rule for p in validate.message_problems({"embeds": [embed]})}
        assert rules == {"embed.url"}, embed


def test_good_embed_urls_pass() -> None:
    embed = {
        "title": "t",
        "url": "https://example.com:8443/a?b=c",
        "author": {"name": "a", "url": "http://example.com/u"},
        "thumbnail": {"url": "attachment://poster.png"},
    }
    assert validate.message_problems({"embeds": [embed]}) == []


def text_input(**fields: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": "t", "style": 2, "label": "Text", **fields}


@pytest.mark.parametrize(
    "component",
    [
        text_input(max_length=4001),
        text_input(min_length=-1),
        text_input(min_length=10, max_length=5),
        text_input(label="x" * 46),
        text_input(placeholder="x" * 101),
        text_input(value="x" * 4001),
    ],
    ids=["max", "min", "min-over-max", "label", "placeholder", "value"],
)
def test_modal_text_input_limits(component: dict[str, Any]) -> None:
    modal = {"type": 9, "data": {"custom_id": "m", "title": "M", "components": [
        {"type": 1, "components": [component]}
    ]}}  # fmt: skip
    assert "text_input" in {p.rule for p in validate.callback_problems(modal)}
    fine = {"type": 9, "data": {"custom_id": "m", "title": "M", "components": [
        {"type": 1, "components": [text_input(max_length=4000, min_length=0)]}
    ]}}  # fmt: skip
    assert validate.callback_problems(fine) == []


async def test_driver_reports_messages_whose_content_the_bot_cannot_read(
    http: aiohttp.ClientSession,
) -> None:
    async with FakeDiscord(message_content=False) as fake:
        guild = await fake.driver.create_guild()
        hidden: list[str] = []
        fake.driver.on_hidden_content = hidden.append
        async with http.ws_connect(fake.gateway_url) as ws:
            await identify(ws, GUILD_INTENTS)
            await fake.driver.send_message(guild.channel, guild.member, "!reactions x")
            mention = fake.world.bot.mention
            await fake.driver.send_message(guild.channel, guild.member, f"{mention} reactions x")
            await fake.driver.send_dm(guild.member, "!help")
        assert hidden == ["!reactions x"]
