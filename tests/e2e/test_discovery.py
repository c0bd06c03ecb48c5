"""Members discover reactions through the real bot: random, search, stats; moderators schedule."""

from __future__ import annotations

import pytest

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.fake_discord.payloads import SEND_MESSAGES
from tests.e2e.helpers import EPHEMERAL, interaction_data, next_button

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CREATE_MESSAGE = "POST /channels/{id}/messages"


async def test_random_shows_one_spoiler_tagged_reaction(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    await fake_discord.driver.send_message(channel, guild.member, "!random 12th fail")
    reply = await fake_discord.driver.wait_for(CREATE_MESSAGE)
    (embed,) = reply.json["embeds"]
    assert embed["description"].startswith("||")
    assert embed["footer"]["text"].startswith("12th Fail")

    interaction = await fake_discord.driver.slash("random", {}, guild.member, channel)
    data = interaction_data((await interaction.callback()).json)
    assert len(data["embeds"]) == 1


async def test_search_pages_with_buttons(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    interaction = await driver.slash("search", {"text": "movie"}, guild.member, channel)
    data = interaction_data((await interaction.callback()).json)
    assert data["content"].startswith("Reactions matching “movie” — 1–5 of ")
    click = await driver.click(interaction.message or {}, next_button(data), guild.member)
    second = interaction_data((await click.callback()).json)
    assert "— 6–" in second["content"]


async def test_search_by_author(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    await fake_discord.driver.send_message(channel, guild.member, "!search Kruti")
    reply = await fake_discord.driver.wait_for(CREATE_MESSAGE)
    assert reply.json["content"].endswith("1–1 of 1")
    assert reply.json["embeds"][0]["author"]["name"] == "Kruti Patel (@KrutiPatel2000)"


@pytest.mark.parametrize(
    "query",
    ['"', '"movie', "mov*", "NEAR(a b)", "(", "-", "^", "a:b", "AND OR NOT", "'); DROP"],
)
async def test_search_survives_fts_syntax(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess, query: str
) -> None:
    await fake_discord.driver.send_message(channel, guild.member, f"!search {query}")
    reply = await fake_discord.driver.wait_for(CREATE_MESSAGE)
    assert "went wrong" not in str(reply.json)
    assert reply.json["content"].startswith(("Reactions matching", "No reactions match"))


async def test_stats_counts_the_collection(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    interaction = await fake_discord.driver.slash("stats", {}, guild.member, channel)
    embed = interaction_data((await interaction.callback()).json)["embeds"][0]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert fields["Reactions"] == "10"
    assert fields["Movies"] == "1"


async def test_schedule_set_show_stop(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    interaction = await driver.slash(
        "schedule set",
        {"channel": channel, "every": "daily", "at": "18:30", "movie": "12th Fail"},
        guild.moderator,
        channel,
    )
    data = interaction_data((await interaction.callback()).json)
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith(f"Scheduled: <#{channel.id}>: reactions to **12th Fail**")
    assert "every day at 18:30 UTC" in data["content"]

    await driver.send_message(channel, guild.moderator, "!schedule show")
    shown = await driver.wait_for(CREATE_MESSAGE)
    assert f"<#{channel.id}>" in shown.json["embeds"][0]["description"]

    refused = await driver.slash(  # forced: Discord hides it from members by default
        "schedule set", {"channel": channel, "every": "1h"}, guild.member, channel, force=True
    )
    assert "Manage Messages" in str((await refused.callback()).json)

    await driver.send_message(channel, guild.moderator, f"!schedule stop <#{channel.id}>")
    stopped = await driver.wait_for(CREATE_MESSAGE)
    assert stopped.json["content"] == f"Stopped the schedule of <#{channel.id}>."


async def test_schedule_in_a_channel_the_bot_cannot_post_in_is_refused(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    locked = await driver.create_channel(guild, "read-only", denied=SEND_MESSAGES)
    interaction = await driver.slash(
        "schedule set", {"channel": locked, "every": "6h"}, guild.moderator, channel
    )
    data = interaction_data((await interaction.callback()).json)
    assert data["flags"] & EPHEMERAL
    assert "I can't post in" in data["embeds"][0]["description"]
    await driver.send_message(channel, guild.moderator, "!schedule show")
    shown = await driver.wait_for(CREATE_MESSAGE)
    assert f"<#{locked.id}>" not in str(shown.json)


async def test_a_deleted_channels_schedule_is_offered_and_stopped_by_id(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    doomed = await driver.create_channel(guild, "doomed-by-slash")
    interaction = await driver.slash(
        "schedule set", {"channel": doomed, "every": "6h"}, guild.moderator, channel
    )
    assert "Scheduled" in str((await interaction.callback()).json)
    await driver.delete_channel(doomed)
    choices = await driver.autocomplete(
        "schedule stop", {"channel": str(doomed.id)[:6]}, "channel", guild.moderator, channel
    )
    offered = {choice["value"]: choice["name"] for choice in choices}
    assert offered[str(doomed.id)] == f"deleted channel {doomed.id}"
    stopped = await driver.slash(
        "schedule stop", {"channel": str(doomed.id)}, guild.moderator, channel
    )
    assert f"Stopped the schedule of <#{doomed.id}>" in str((await stopped.callback()).json)
