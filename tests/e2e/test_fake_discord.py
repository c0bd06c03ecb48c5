"""Tests of the fake Discord itself: limits, expiry, 404s, 429s, gateway, and a real client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from tests.e2e.fake_discord import Channel, FakeDiscord, Guild, Upload, validate

pytestmark = pytest.mark.e2e
module_loop = pytest.mark.asyncio(loop_scope="module")
SLOW_ANSWER = 0.5


@pytest.fixture(scope="module")
def message_content_enabled() -> bool:
    """Grant the intent whatever the suite's mode: these tests check the fake itself with a
    client that reads message text, not the bot without the intent."""
    return True


# Limit validator, table-driven.


def embed(**fields: Any) -> dict[str, Any]:
    return {"title": "t", **fields}


def embeds(**fields: Any) -> dict[str, Any]:
    return {"embeds": [embed(**fields)]}


def field(name: str = "n", value: str = "v") -> dict[str, str]:
    return {"name": name, "value": value}


def button(custom_id: str = "b") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "b", "custom_id": custom_id}


def row(count: int, custom_id: str = "b") -> dict[str, Any]:
    return {"type": 1, "components": [button(f"{custom_id}{i}") for i in range(count)]}


def x(length: int) -> str:
    return "x" * length


NO_MENTIONS: dict[str, Any] = {"allowed_mentions": {"parse": []}}
message, callback, mentions = (
    validate.message_problems,
    validate.callback_problems,
    validate.mention_problems,
)
choices = {"type": 8, "data": {"choices": [field()] * 26}}
modal = {"type": 9, "data": {"custom_id": x(101), "title": "t", "components": [row(1)]}}
BREACHES: list[tuple[str, Callable[[dict[str, Any]], list[validate.Problem]], dict[str, Any]]] = [
    ("content", message, {"content": x(2001)}),
    ("embeds.count", message, {"embeds": [embed()] * 11}),
    ("embeds.total", message, {"embeds": [embed(description=x(4000))] * 2}),
    ("embed.title", message, embeds(title=x(257))),
    ("embed.description", message, embeds(description=x(4097))),
    ("embed.author", message, embeds(author={"name": x(257)})),
    ("embed.footer", message, embeds(footer={"text": x(2049)})),
    ("embed.fields", message, embeds(fields=[field()] * 26)),
    ("embed.field.name", message, embeds(fields=[field(name=x(257))])),
    ("embed.field.value", message, embeds(fields=[field(value=x(1025))])),
    ("custom_id", message, {"components": [row(1, x(101))]}),
    ("components.rows", message, {"components": [row(1)] * 6}),
    ("components.row_width", message, {"components": [row(6)]}),
    ("choices.count", callback, choices),
    ("custom_id", callback, modal),
    ("allowed_mentions", mentions, {"content": "hi"}),
    ("allowed_mentions", mentions, {"allowed_mentions": {"parse": ["users"]}}),
    ("allowed_mentions", mentions, {"allowed_mentions": {"parse": [], "replied_user": True}}),
]
BREACH_IDS = [
    "content", "embeds", "embed-total", "title", "description", "author", "footer", "fields",
    "field-name", "field-value", "custom-id", "rows", "row-width", "choices", "modal-custom-id",
    "mentions-missing", "mentions-parse", "mentions-reply",
]  # fmt: skip


@pytest.mark.parametrize(("rule", "check", "payload"), BREACHES, ids=BREACH_IDS)
def test_validator_flags_each_limit(
    rule: str, check: Callable[[dict[str, Any]], list[validate.Problem]], payload: dict[str, Any]
) -> None:
    assert rule in {problem.rule for problem in check(payload)}


def test_validator_accepts_a_payload_at_every_limit() -> None:
    fields = [{"name": "n" * 10, "value": "v" * 20}] * 25
    at_limit = {
        "content": "x" * 2000,
        "embeds": [
            embed(
                title="x" * 256, description="x" * 4096, footer={"text": "x" * 500}, fields=fields
            ),
            *[embed(title="x" * 30)] * 9,
        ],
        "components": [row(5)] * 5,
        **NO_MENTIONS,
    }
    assert validate.message_problems(at_limit) + validate.mention_problems(at_limit) == []
    choices = {"type": 8, "data": {"choices": [{"name": "n", "value": "v"}] * 25}}
    assert validate.callback_problems(choices) == []


def test_embed_characters_sum_every_counted_field() -> None:
    counted = embed(
        title="ab", description="cd", footer={"text": "ef"}, author={"name": "gh"},
        fields=[{"name": "ij", "value": "kl"}], url="https://not.counted",
    )  # fmt: skip
    assert validate.embed_characters(counted) == 12


# REST behaviour, driven with a plain HTTP client.


async def test_unknown_route_answers_discord_404_and_is_recorded() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        async with http.get(fake.api_base + "/guilds/1/audit-logs") as response:
            assert response.status == 404
            assert await response.json() == {"message": "404: Not Found", "code": 0}
        assert [(call.method, call.path) for call in fake.unknown] == [
            ("GET", "/guilds/1/audit-logs")
        ]
        assert fake.violations == []


async def test_rate_limited_route_answers_one_429_then_succeeds() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        fake.rate_limit_next("GET /users/@me", retry_after=0.25)
        async with http.get(fake.api_base + "/users/@me") as response:
            assert response.status == 429
            assert await response.json() == {
                "message": "You are being rate limited.",
                "retry_after": 0.25,
                "global": False,
            }
            assert response.headers["X-RateLimit-Remaining"] == "0"
            assert response.headers["X-RateLimit-Reset-After"] == "0.250"
            assert response.headers["Via"]
        async with http.get(fake.api_base + "/users/@me") as response:
            assert response.status == 200
        assert [call.status for call in fake.driver.calls("/users/@me", since=0)] == [429, 200]


async def test_invalid_message_is_refused_like_discord_and_recorded() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        guild = await fake.driver.create_guild()
        url = f"{fake.api_base}/channels/{guild.channel.id}/messages"
        body = {"content": "x" * 2001, **NO_MENTIONS}
        async with http.post(url, json=body) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 50035
        assert [violation.rule for violation in fake.drain_violations()] == ["content"]


async def test_multipart_message_keeps_payload_and_files() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        guild = await fake.driver.create_guild()
        form = aiohttp.FormData(quote_fields=False)
        form.add_field("payload_json", json.dumps({"content": "see file", **NO_MENTIONS}))
        form.add_field("files[0]", b"poster", filename="poster.png")
        async with http.post(
            f"{fake.api_base}/channels/{guild.channel.id}/messages", data=form
        ) as response:
            message = await response.json()
        call = await fake.driver.wait_for("POST /channels/{id}/messages")
        assert call.json["content"] == "see file"
        assert [(f.field, f.filename, f.data) for f in call.files] == [
            ("files[0]", "poster.png", b"poster")
        ]
        async with http.get(message["attachments"][0]["url"]) as download:
            assert await download.read() == b"poster"


# Gateway protocol, driven with a plain websocket.


async def receive(socket: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads((await socket.receive(timeout=5)).data)
    return frame


async def test_gateway_identify_ready_and_resume_replays_missed_events() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        guild = await fake.driver.create_guild()
        async with http.ws_connect(
            fake.gateway_url + "?v=10&encoding=json&compress=zlib-stream"
        ) as ws:
            hello = await receive(ws)
            assert hello["op"] == 10
            assert hello["d"]["heartbeat_interval"] > 0
            await ws.send_json({"op": 1, "d": None})
            assert (await receive(ws))["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1 << 15 | 1 << 9}})
            ready = await receive(ws)
            assert (ready["t"], ready["s"]) == ("READY", 1)
            assert ready["d"]["resume_gateway_url"] == fake.gateway_url
            assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
            created = await receive(ws)
            assert (created["t"], created["s"]) == ("GUILD_CREATE", 2)
            assert {r["name"] for r in created["d"]["roles"]} == {"@everyone", "Moderator", "Reel"}
            assert len(created["d"]["members"]) == 4
            assert created["d"]["channels"]
            session = ready["d"]["session_id"]
        await fake.drop_gateway()
        await fake.driver.send_message(guild.channel, guild.member, "while away")
        async with http.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            await ws.send_json({"op": 6, "d": {"token": "t", "session_id": session, "seq": 2}})
            replayed, resumed = await receive(ws), await receive(ws)
            assert (replayed["t"], replayed["s"], replayed["d"]["content"]) == (
                "MESSAGE_CREATE",
                3,
                "while away",
            )
            assert (resumed["t"], resumed["s"]) == ("RESUMED", 4)
        async with http.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            await ws.send_json({"op": 6, "d": {"token": "t", "session_id": "nope", "seq": 1}})
            assert await receive(ws) == {"op": 9, "d": False, "s": None, "t": None}
        assert [call.path for call in fake.driver.calls("WS *", since=0)] == [
            "IDENTIFY",
            "RESUME",
            "RESUME",
        ]


async def test_message_content_is_blanked_without_the_intent() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        guild = await fake.driver.create_guild()
        async with http.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1 << 9}})
            await receive(ws), await receive(ws)
            await fake.driver.send_message(guild.channel, guild.member, "secret")
            assert (await receive(ws))["d"]["content"] == ""


# A real discord.py client against the fake.


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reel:page:(?P<movie>\d+):(?P<page>\d+)",
):
    def __init__(self, movie: int, page: int) -> None:
        super().__init__(
            discord.ui.Button(label=f"Page {page}", custom_id=f"reel:page:{movie}:{page}")
        )
        self.movie, self.page = movie, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: Any
    ) -> PageButton:
        return cls(int(match["movie"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View().add_item(PageButton(self.movie, self.page + 1))
        await interaction.response.edit_message(content=f"page {self.page}", view=view)


class Feedback(discord.ui.Modal, title="Feedback"):
    note: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Note", custom_id="feedback:note"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.note.value}", ephemeral=True)


def build_bot(guild_id: int) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(
        command_prefix="!", intents=intents, help_command=None, guild_ready_timeout=0.1,
        allowed_mentions=discord.AllowedMentions.none(),
    )  # fmt: skip

    async def setup_hook() -> None:
        # The start-up contract: REST base set before login, gateway URL from /gateway/bot.
        _, url, _ = await bot.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        bot.add_dynamic_items(PageButton)
        bot.tree.copy_global_to(guild=discord.Object(guild_id))
        await bot.tree.sync(guild=discord.Object(guild_id))

    bot.setup_hook = setup_hook  # type: ignore[method-assign]

    @bot.command()
    async def ping(ctx: commands.Context[commands.Bot]) -> None:
        await ctx.reply(embed=discord.Embed(title="Pong", description="pong"))

    @bot.command(name="long")
    async def long_message(ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send("x" * 2001)

    @bot.tree.command(description="Repeat text")
    async def echo(interaction: discord.Interaction, text: str) -> None:
        view = discord.ui.View().add_item(PageButton(7, 1))
        await interaction.response.send_message(text, view=view)

    @bot.tree.command(description="Answer after the interaction expired")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(SLOW_ANSWER)  # simulates a slow bot, not a test-side wait
        await interaction.response.send_message("late")

    @bot.tree.command(description="Find a movie")
    async def find(interaction: discord.Interaction, title: str) -> None:
        await interaction.response.send_message(title)

    @find.autocomplete("title")
    async def find_title(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=f"{current} {i}", value=f"{current}-{i}") for i in range(25)
        ]

    @bot.tree.command(description="Send feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback(custom_id="feedback"))

    reel = app_commands.Group(name="reel", description="Reel commands")
    admin = app_commands.Group(name="admin", description="Admin commands", parent=reel)

    @reel.command(description="Add a movie")
    async def add(
        interaction: discord.Interaction, title: str, year: int, poster: discord.Attachment,
        curator: discord.Member, rating: float = 5.0,
    ) -> None:  # fmt: skip
        data = await poster.read()
        text = f"{title} ({year}) {len(data)} bytes by {curator.name} rated {rating}"
        await interaction.response.send_message(text)

    @admin.command(description="Purge entries")
    async def purge(interaction: discord.Interaction, count: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"purged {count}", ephemeral=True)

    bot.tree.add_command(reel)
    return bot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client_bot(fake_discord: FakeDiscord, guild: Guild) -> AsyncIterator[commands.Bot]:
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake_discord.api_base
    bot = build_bot(guild.id)
    try:
        await bot.login("dummy-token")
        connection = asyncio.create_task(bot.connect())
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield bot
        await bot.close()
        await connection
    finally:
        await bot.close()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


@module_loop
async def test_client_logs_in_and_receives_guild_create(
    fake_discord: FakeDiscord, guild: Guild, client_bot: commands.Bot
) -> None:
    seen = client_bot.get_guild(guild.id)
    assert seen is not None
    assert seen.owner_id == guild.owner.id
    assert seen.get_channel(guild.channel.id) is not None
    role = seen.get_role(guild.moderator_role.id)
    assert role is not None
    assert role.permissions.manage_messages
    synced = fake_discord.world.guild_commands[guild.id]
    assert {c["name"] for c in synced} == {"echo", "slow", "find", "feedback", "reel"}


@module_loop
async def test_client_answers_prefix_command_with_embed(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    sent = await fake_discord.driver.send_message(channel, guild.member, "!ping")
    call = await fake_discord.driver.wait_for("POST /channels/{id}/messages")
    assert call.path == f"/channels/{channel.id}/messages"
    assert call.ok
    assert call.json["embeds"][0]["title"] == "Pong"
    assert call.json["message_reference"]["message_id"] == int(sent["id"])


@module_loop
async def test_client_retries_a_429(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    driver = fake_discord.driver
    fake_discord.rate_limit_next("POST /channels/{id}/messages")
    await driver.send_message(channel, guild.member, "!ping")
    await driver.wait_for(lambda call: call.path.endswith("/messages") and call.ok)
    assert [call.status for call in driver.calls("POST /channels/{id}/messages")] == [429, 200]
    fake_discord.rate_limit_next("POST /interactions/{id}/{token}/callback")
    handle = await driver.slash("echo", {"text": "again"}, guild.member, channel)
    await driver.wait_for(lambda call: call.path.endswith("/callback") and call.ok)
    assert [call.status for call in driver.calls("POST /interactions/**")] == [429, 200]
    assert handle.record.response_type == 4


@module_loop
async def test_client_answers_slash_command_and_button_clicks(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    driver = fake_discord.driver
    handle = await driver.slash("echo", {"text": "hello"}, guild.member, channel)
    callback = await handle.callback()
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == "hello"
    clicked = await driver.click(callback, "reel:page:7:1", guild.moderator)
    update = await clicked.callback()
    assert update.json["type"] == 7
    assert update.json["data"]["content"] == "page 1"
    second = await driver.click(callback, "reel:page:7:2", guild.moderator)
    assert (await second.callback()).json["data"]["content"] == "page 2"


@module_loop
async def test_client_gets_subcommand_options_and_downloads_attachment(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    driver = fake_discord.driver
    options = {
        "title": "Dune",
        "year": 2021,
        "poster": Upload("dune.png", b"12345"),
        "curator": guild.owner,
    }
    handle = await driver.slash("reel add", options, guild.member, channel)
    reply = await handle.callback()
    assert reply.json["data"]["content"] == "Dune (2021) 5 bytes by owner rated 5.0"
    assert driver.calls("GET /attachments/**")[0].status == 200


@module_loop
async def test_client_defers_then_sends_ephemeral_followup(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    handle = await fake_discord.driver.slash(
        "reel admin purge", {"count": 3}, guild.moderator, channel
    )
    deferred = await handle.callback()
    assert deferred.json == {"type": 5, "data": {"flags": 64}}
    followup = await handle.followup()
    assert followup.json["content"] == "purged 3"
    assert followup.json["flags"] == 64


@module_loop
async def test_client_autocomplete_and_modal(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    driver = fake_discord.driver
    choices = await driver.autocomplete("find", {"title": "du"}, "title", guild.member, channel)
    assert len(choices) == 25
    assert choices[0] == {"name": "du 0", "value": "du-0"}
    opened = await driver.slash("feedback", {}, guild.member, channel)
    assert (await opened.callback()).json["type"] == 9
    submitted = await driver.submit_modal("feedback", {"feedback:note": "great"}, guild.member)
    answer = await submitted.callback()
    assert answer.json["data"]["content"] == "noted: great"


@module_loop
async def test_late_interaction_answer_is_expired_and_recorded(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    fake_discord.interaction_timeout = SLOW_ANSWER / 5
    try:
        handle = await fake_discord.driver.slash("slow", {}, guild.member, channel)
        late = await handle.callback(timeout=5)
    finally:
        fake_discord.interaction_timeout = 3.0
    assert late.status == 404
    assert late.response == {"message": "Unknown interaction", "code": 10062}
    assert [v.rule for v in fake_discord.drain_violations()] == ["interaction.expired"]
    assert fake_discord.expired == [handle.record]


@module_loop
async def test_client_payload_over_a_limit_is_refused_and_recorded(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    await fake_discord.driver.send_message(channel, guild.member, "!long")
    refused = await fake_discord.driver.wait_for("POST /channels/{id}/messages")
    assert refused.status == 400
    violations = fake_discord.drain_violations()
    assert [v.rule for v in violations] == ["content"]
    assert "content is 2001 characters (limit 2000)" in str(violations[0])


@module_loop
async def test_client_resumes_and_gets_missed_events(
    fake_discord: FakeDiscord, channel: Channel, guild: Guild, client_bot: commands.Bot
) -> None:
    driver = fake_discord.driver
    await fake_discord.drop_gateway()
    missed = await driver.send_message(channel, guild.member, "!ping")
    resume = await driver.wait_for("WS RESUME")
    reply = await driver.wait_for("POST /channels/{id}/messages")
    assert reply.json["message_reference"]["message_id"] == int(missed["id"])
    current = fake_discord.gateway.current
    assert current is not None
    assert resume.json["session_id"] == current.id
