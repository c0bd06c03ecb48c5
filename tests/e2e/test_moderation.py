"""Moderators add, preview, confirm and curate through the real bot process; members can't."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild, Upload
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.helpers import EPHEMERAL, button, html_page, interaction_data, local_site

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CREATE_MESSAGE = "POST /channels/{id}/messages"
ARTICLE_HTML = """<!doctype html><html><head><title>Fans react to 'Moonlit Harbour'</title>
<meta charset="utf-8"></head><body><h1>Fans react to 'Moonlit Harbour'</h1>
<p>Here is what people said about the film Moonlit Harbour.</p>
<blockquote class="twitter-tweet"><p lang="en">What a gorgeous film</p>&mdash; Ana (@ana)
<a href="https://twitter.com/ana/status/111?ref_src=twsrc">May 1, 2024</a></blockquote>
<blockquote class="twitter-tweet"><p lang="en">Cried twice</p>&mdash; Bo (@bo)
<a href="https://twitter.com/bo/status/222">May 2, 2024</a></blockquote>
</body></html>"""
PASTED = "Loved it all — Cy (@cy) May 3, 2024\n\nBest score of the year — Di (@di) May 3, 2024"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def article_site() -> AsyncIterator[str]:
    """Serve one article page on 127.0.0.1 for the bot to download."""
    async with local_site({"/article.html": html_page(ARTICLE_HTML)}) as base:
        yield base


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"FETCH_ALLOW_HOSTS": "127.0.0.1"}


def reaction_ids(payload: dict[str, Any]) -> list[int]:
    return [int(re.findall(r"id (\d+)$", e["footer"]["text"])[0]) for e in payload["embeds"]]


async def say(fake: FakeDiscord, channel: Channel, who: Any, text: str, **kw: Any) -> Call:
    await fake.driver.send_message(channel, who, text, **kw)
    return await fake.driver.wait_for(CREATE_MESSAGE)


PREFIX_ADMIN = [
    "!article add https://example.com/a",
    "!article list",
    "!article remove 1",
    "!reaction hide 1",
    "!reaction unhide 1",
    "!reaction feature 1",
    "!reaction unfeature 1",
    "!movie alias 12thfail twelfth",
    "!movie rename 12thfail Twelfth",
    "!audit",
    "!settings",
    "!settings modrole",
    "!settings spoilers flagged",
    "!settings pagesize 3",
]
SLASH_ADMIN: list[tuple[str, dict[str, Any]]] = [
    ("article add", {"url": "https://example.com/a"}),
    ("article list", {}),
    ("article remove", {"article_id": 1}),
    ("reaction hide", {"reaction_id": 1}),
    ("reaction unhide", {"reaction_id": 1}),
    ("reaction feature", {"reaction_id": 1}),
    ("reaction unfeature", {"reaction_id": 1}),
    ("movie alias", {"movie": "12thfail", "alias": "twelfth"}),
    ("movie rename", {"movie": "12thfail", "title": "Twelfth"}),
    ("audit", {}),
    ("settings show", {}),
    ("settings modrole", {}),
    ("settings spoilers", {"mode": "flagged"}),
    ("settings page-size", {"size": 3}),
]
REFUSAL = "Manage Messages permission or the server's moderator role"


@pytest.mark.parametrize("command", PREFIX_ADMIN)
async def test_member_is_refused_every_prefix_admin_command(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess, command: str
) -> None:
    reply = await say(fake_discord, channel, guild.member, command)
    assert REFUSAL in reply.json["embeds"][0]["description"]


@pytest.mark.parametrize(("name", "options"), SLASH_ADMIN, ids=[n for n, _ in SLASH_ADMIN])
async def test_member_is_refused_every_slash_admin_command(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    bot_process: BotProcess,
    name: str,
    options: dict[str, Any],
) -> None:
    # Forced: Discord hides these from members, but a server admin can override that.
    interaction = await fake_discord.driver.slash(name, options, guild.member, channel, force=True)
    data = interaction_data((await interaction.callback()).json)
    assert data["flags"] & EPHEMERAL
    assert REFUSAL in data["embeds"][0]["description"]


async def test_admin_commands_are_guild_only_and_hidden_from_members(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    synced = fake_discord.driver.calls(bot_process.sync_route, since=0)[-1].json
    admin = {
        c["name"]: c
        for c in synced
        if c["name"] in {"article", "reaction", "movie", "audit", "settings"}
    }
    assert set(admin) == {"article", "reaction", "movie", "audit", "settings"}
    for command in admin.values():
        assert int(command["default_member_permissions"]) == 1 << 13  # Manage Messages
        assert command.get("contexts") == [0] or command.get("dm_permission") is False


async def test_url_article_is_previewed_and_stored_only_on_add(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    bot_process: BotProcess,
    article_site: str,
) -> None:
    driver = fake_discord.driver
    interaction = await driver.slash(
        "article add", {"url": f"{article_site}/article.html"}, guild.moderator, channel
    )
    deferred = (await interaction.callback()).json
    assert deferred["type"] == 5
    assert deferred["data"]["flags"] & EPHEMERAL
    preview = await interaction.original_edit()  # replaces "thinking…", no stray message
    description = preview.json["embeds"][0]["description"]
    assert "Moonlit Harbour" in description
    assert "2 new, 0 already known" in description
    assert driver.calls("POST /webhooks/**") == []

    before = await say(fake_discord, channel, guild.member, "!reactions moonlit harbour")
    assert "I don't know a movie" in before.json["embeds"][0]["description"]

    click = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
    done = interaction_data((await click.callback()).json)
    assert "Added article" in done["content"]
    after = await say(fake_discord, channel, guild.member, "!reactions moonlit harbour")
    assert after.json["content"].endswith("1–2 of 2")


async def test_only_the_invoker_can_press_add(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(
        channel,
        guild.moderator,
        "!article add movie: Paper Lanterns",
        attachments=[Upload("lanterns.txt", PASTED.encode(), "text/plain")],
    )
    preview = await driver.wait_for(CREATE_MESSAGE)
    assert "2 new, 0 already known" in preview.json["embeds"][0]["description"]
    other = await driver.click(preview, button(preview.json, "Add"), guild.owner)
    refusal = interaction_data((await other.callback()).json)
    assert refusal["flags"] & EPHEMERAL
    assert "Only the moderator who asked" in refusal["content"]
    cancel = await driver.click(preview, button(preview.json, "Cancel"), guild.moderator)
    assert "nothing changed" in interaction_data((await cancel.callback()).json)["content"]
    check = await say(fake_discord, channel, guild.member, "!reactions paper lanterns")
    assert "I don't know a movie" in check.json["embeds"][0]["description"]


async def test_pasted_text_through_the_modal(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    interaction = await driver.slash(
        "article add", {"movie": "Paper Lanterns"}, guild.moderator, channel
    )
    modal = await interaction.callback()
    assert modal.json["type"] == 9
    # Each opened modal has its own custom id (issue 12 finding 1); the text box keeps its.
    submitted = await driver.submit_modal(
        modal.json["data"]["custom_id"], {"reel:paste:text": PASTED}, guild.moderator
    )
    await submitted.callback()
    preview = await submitted.original_edit()
    click = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
    assert "Added article" in interaction_data((await click.callback()).json)["content"]
    listed = await say(fake_discord, channel, guild.member, "!reactions paper lanterns")
    assert listed.json["content"].endswith("1–2 of 2")


async def test_an_empty_modal_says_what_it_needs(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    interaction = await driver.slash("article add", {}, guild.moderator, channel)
    modal = (await interaction.callback()).json["data"]
    submitted = await driver.submit_modal(
        modal["custom_id"], {"reel:paste:text": "   "}, guild.moderator
    )
    refusal = interaction_data((await submitted.callback()).json)
    assert refusal["flags"] & EPHEMERAL
    assert "paste its text" in refusal["embeds"][0]["description"]


async def test_private_address_is_refused_with_a_reason(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    interaction = await fake_discord.driver.slash(
        "article add", {"url": "http://127.0.0.2:9/page"}, guild.moderator, channel
    )
    assert (await interaction.callback()).json["data"]["flags"] & EPHEMERAL
    reply = await interaction.original_edit()
    assert "private network" in reply.json["embeds"][0]["description"]


async def test_article_added_here_is_invisible_in_another_server(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    other = await fake_discord.driver.create_guild("Other Server")
    reply = await say(fake_discord, other.channel, other.member, "!reactions moonlit harbour")
    assert "I don't know a movie" in reply.json["embeds"][0]["description"]
    seed = await say(fake_discord, other.channel, other.member, "!reactions 12thfail")
    assert seed.json["content"].endswith("of 10")


async def test_hide_and_feature_change_this_server_only(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    first_page = await say(fake_discord, channel, guild.member, "!reactions 12thfail")
    first_id = reaction_ids(first_page.json)[0]
    last_page = await say(fake_discord, channel, guild.member, "!reactions 12thfail 2")
    last_id = reaction_ids(last_page.json)[-1]

    hid = await say(
        fake_discord, channel, guild.moderator, f"!reaction hide {first_id} spoils the ending"
    )
    assert "hidden" in hid.json["content"]
    featured = await say(fake_discord, channel, guild.moderator, f"!reaction feature {last_id}")
    assert "featured" in featured.json["content"]

    here = await say(fake_discord, channel, guild.member, "!reactions 12thfail")
    assert here.json["content"].endswith("1–5 of 9")
    assert reaction_ids(here.json)[0] == last_id
    assert first_id not in reaction_ids(here.json)

    other = await fake_discord.driver.create_guild("Third Server")
    there = await say(fake_discord, other.channel, other.member, "!reactions 12thfail")
    assert there.json["content"].endswith("1–5 of 10")
    assert reaction_ids(there.json)[0] == first_id

    foreign = await say(fake_discord, other.channel, other.moderator, "!article remove 999999")
    assert "no article" in foreign.json["embeds"][0]["description"]


async def test_global_article_cannot_be_removed(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    listing = await say(fake_discord, channel, guild.moderator, "!article list 1 12thfail")
    seed_id = int(re.findall(r"`(\d+)`", listing.json["embeds"][0]["description"])[0])
    reply = await say(fake_discord, channel, guild.moderator, f"!article remove {seed_id}")
    assert "can't be removed" in reply.json["embeds"][0]["description"]


async def test_moderator_role_grants_admin_commands(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    curators = await driver.create_role(guild, "Curators")
    curator = await driver.add_member(guild, "curator", curators)
    refused = await say(fake_discord, channel, curator, "!article list")
    assert REFUSAL in refused.json["embeds"][0]["description"]
    interaction = await driver.slash(
        "settings modrole", {"role": curators}, guild.moderator, channel
    )
    assert (
        "Updated the moderator role"
        in interaction_data((await interaction.callback()).json)["content"]
    )
    allowed = await say(fake_discord, channel, curator, "!article list")
    assert allowed.json["embeds"][0]["title"] == "Articles"


async def test_audit_lists_each_action(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    # Actions of its own, by slash: the tests before it act by prefix, and are skipped when
    # the suite runs without the Message Content intent. Each is undone, the state kept.
    driver = fake_discord.driver
    page = await driver.slash("reactions", {"movie": "12thfail"}, guild.member, channel)
    shown = reaction_ids(interaction_data((await page.callback()).json))[-1]
    actions: list[tuple[str, dict[str, Any]]] = [
        ("reaction hide", {"reaction_id": shown, "reason": "spoils the ending"}),
        ("reaction unhide", {"reaction_id": shown}),
        ("reaction feature", {"reaction_id": shown}),
        ("reaction unfeature", {"reaction_id": shown}),
        ("settings page-size", {"size": 5}),
    ]
    for name, options in actions:
        done = await driver.slash(name, options, guild.moderator, channel)
        assert (await done.callback()).ok, name
    interaction = await fake_discord.driver.slash("audit", {"count": 25}, guild.moderator, channel)
    data = interaction_data((await interaction.callback()).json)
    description = data["embeds"][0]["description"]
    for action in ("article.add", "reaction.hide", "reaction.feature", "settings.update"):
        assert action in description
    assert "spoils the ending" in description
