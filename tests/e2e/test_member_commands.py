"""Members read reactions through the real bot process: prefix, slash, autocomplete, paging."""

from __future__ import annotations

import pytest

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.helpers import EPHEMERAL, assert_spoiler_page, interaction_data, next_button

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CREATE_MESSAGE = "POST /channels/{id}/messages"


async def test_prefix_reactions_posts_five_spoiler_embeds(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    reply = await driver.wait_for(CREATE_MESSAGE)
    assert reply.path == f"/channels/{channel.id}/messages"
    assert reply.json["content"] == "**12th Fail** — reactions 1–5 of 10"
    assert_spoiler_page(reply.json, 5)
    assert reply.json["embeds"][0]["author"]["name"] == "Kruti Patel (@KrutiPatel2000)"


async def test_prefix_reactions_finds_the_movie_by_title_in_any_case_with_a_page(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!reactions 12TH fail 2")
    reply = await driver.wait_for(CREATE_MESSAGE)
    assert reply.json["content"].endswith("6–10 of 10")
    assert_spoiler_page(reply.json, 5)


async def test_slash_reactions_answers_through_the_interaction_callback(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    interaction = await fake_discord.driver.slash(
        "reactions", {"movie": "12th Fail"}, guild.member, channel
    )
    callback = await interaction.callback()
    assert callback.json["type"] == 4
    data = interaction_data(callback.json)
    assert data["content"] == "**12th Fail** — reactions 1–5 of 10"
    assert not data.get("flags", 0) & EPHEMERAL
    assert_spoiler_page(data, 5)


async def test_autocomplete_offers_matching_movies(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    choices = await fake_discord.driver.autocomplete(
        "reactions", {"movie": "12th"}, "movie", guild.member, channel
    )
    assert [choice["name"] for choice in choices] == ["12th Fail"]
    nothing = await fake_discord.driver.autocomplete(
        "reactions", {"movie": "zzzzqqqq"}, "movie", guild.member, channel
    )
    assert nothing == []


async def test_next_button_pages_in_place(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    reply = await driver.wait_for(CREATE_MESSAGE)
    click = await driver.click(reply, next_button(reply.json), guild.member)
    callback = await click.callback()
    assert callback.json["type"] == 7  # update the message the button is on
    data = interaction_data(callback.json)
    assert data["content"].endswith("6–10 of 10")
    assert_spoiler_page(data, 5)
    assert driver.calls(CREATE_MESSAGE) == []


async def test_unknown_movie_gets_did_you_mean(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!reactions 12thfial")
    reply = await driver.wait_for(CREATE_MESSAGE)
    assert "Did you mean **12th Fail**?" in reply.json["embeds"][0]["description"]

    interaction = await driver.slash("reactions", {"movie": "12thfial"}, guild.member, channel)
    callback = await interaction.callback()
    data = interaction_data(callback.json)
    assert data["flags"] & EPHEMERAL
    assert "Did you mean **12th Fail**?" in data["embeds"][0]["description"]


async def test_rate_limited_reply_is_retried_and_arrives_once(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    fake_discord.rate_limit_next(CREATE_MESSAGE, retry_after=0.2)
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    await driver.wait_for(lambda call: call.status == 200 and call.method == "POST", timeout=10)
    attempts = driver.calls(CREATE_MESSAGE)
    assert [call.status for call in attempts] == [429, 200]
    assert_spoiler_page(attempts[1].json, 5)


async def test_movies_lists_known_movies_with_counts(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!movies")
    reply = await driver.wait_for(CREATE_MESSAGE)
    assert "**12th Fail** (`12thfail`) — 10 reactions" in reply.json["embeds"][0]["description"]


async def test_ping_answers_with_one_short_embed(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    await fake_discord.driver.send_message(channel, guild.member, "!ping")
    reply = await fake_discord.driver.wait_for(CREATE_MESSAGE)
    assert reply.json["embeds"][0]["description"].startswith("Pong")
