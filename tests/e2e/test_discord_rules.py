"""Issue 12: what breaks on the real Discord, reproduced against the stricter fake.

Each test is one finding of issue 12 ("Behave on the real Discord, not only on our fake");
each was a strict xfail until the bot was fixed, and now guards the fix. Findings 2
(intent refused), 3 and 6 (deadlines) and 13 (shards) need their own bot process and live
in test_discord_intents.py, test_discord_deadlines.py and test_discord_shards.py. The
database is seeded through the store before the bot starts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.domain.models import Article, MovieRef, Reaction
from bot.store import open_sqlite_store
from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild, payloads
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.helpers import (
    EPHEMERAL,
    button,
    find_components,
    interaction_data,
    next_button,
    obeying_discord,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CREATE_MESSAGE = "POST /channels/{id}/messages"
PASTED = "Loved it all — Cy (@cy) May 3, 2024\n\nBest score of the year — Di (@di) May 3, 2024"
# Twelve reactions hold every word of PHRASE and "zulu", twelve only PHRASE: a search for
# all of it finds 12, a search for a cut-off prefix of it finds another set.
PHRASE = (
    "quokka marmot ocelot tapir gibbon lemur okapi jackal dingo walrus narwhal bison ibex koala"
)
FULL_QUERY = f"{PHRASE} zulu"
LONG_TITLE = " ".join(["Interminable"] * 25)[:300]  # 300 characters
SAGA = "The Remarkably Long And Winding Chronicle Of Everything That Happened Before The Credits"
SAGA_ONE, SAGA_TWO = f"{SAGA} Rolled: Part One", f"{SAGA} Rolled: Part Two"
BAD_URL = "https://x:99999/a"


def article(title: str, reactions: list[Reaction]) -> Article:
    return Article(
        f"{title} reactions", MovieRef.from_title(title), True, None, None, tuple(reactions)
    )


def post(text: str, n: int, url: str | None = None) -> Reaction:
    return Reaction("twitter", text, f"Person {n}", f"person{n}", "2024-05-03", url)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the database the bot starts on: the movies these findings need."""
    path = tmp_path_factory.mktemp("rules") / "reel.db"
    store = await open_sqlite_store(path)
    articles = [
        article(
            "Pager Test",
            [post(f"{PHRASE} zulu number {n}", n) for n in range(12)]
            + [post(f"{PHRASE} yankee number {n}", 100 + n) for n in range(12)],
        ),
        article(LONG_TITLE, [post("Long title, short post", 200)]),
        article(SAGA_ONE, [post("The first part", 300)]),
        article(SAGA_TWO, [post("The second part", 301)]),
        article("Bad Link", [post("A post whose link has a bad port", 400, BAD_URL)]),
        article("Good Link", [post("A post with a link", 500, "https://twitter.com/p/status/5")]),
    ]
    for index, item in enumerate(articles):
        await store.ingest_article(item, content_hash=f"rules-{index}")
    await store.close()
    return path


@pytest.fixture(scope="module")
def bot_env(seeded: Path) -> dict[str, str]:
    return {"DATABASE_PATH": str(seeded)}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(bot_process: BotProcess) -> BotProcess:
    return bot_process


async def say(fake: FakeDiscord, channel: Channel, who: Any, text: str, **kw: Any) -> Call:
    await fake.driver.send_message(channel, who, text, **kw)
    return await fake.driver.wait_for(f"POST /channels/{channel.id}/messages")


async def answer(handle: Any) -> dict[str, Any]:
    """Return an interaction's answer: the callback's message, or the deferred one's edit."""
    callback = await handle.callback()
    assert callback.ok, callback
    if callback.json["type"] == 5:
        return dict((await handle.original_edit()).json)
    return interaction_data(callback.json)


def text_input_id(modal: dict[str, Any]) -> str:
    return str(find_components(modal["components"], 4)[0]["custom_id"])


# Finding 1: paste modals collide.


async def test_two_moderators_pasting_at_once_each_get_their_own_preview(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    driver = fake_discord.driver
    second = await driver.add_member(guild, "second-mod", guild.moderator_role)
    async with obeying_discord(fake_discord):
        first = await driver.slash("article add", {"movie": "Alpha Film"}, guild.moderator, channel)
        modal_a = (await first.callback()).json["data"]
        other = await driver.slash("article add", {"movie": "Beta Film"}, second, channel)
        modal_b = (await other.callback()).json["data"]
        submitted = await driver.submit_modal(
            modal_a["custom_id"], {text_input_id(modal_a): PASTED}, guild.moderator
        )
        preview = (await submitted.original_edit()).json
        assert "Alpha Film" in preview["embeds"][0]["description"]
        late = await driver.submit_modal(
            modal_b["custom_id"], {text_input_id(modal_b): PASTED}, second
        )
        assert (await late.callback()).ok


# Finding 2 (with the intent granted): prefix commands answer to a mention too.


async def test_prefix_commands_answer_to_a_mention(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    mention = fake_discord.world.bot.mention
    async with obeying_discord(fake_discord):
        reply = await say(fake_discord, channel, guild.member, f"{mention} reactions 12thfail")
        assert reply.json["content"].startswith("**12th Fail**")


# Finding 4: missing channel permissions are silent.


async def no_embeds_channel(fake: FakeDiscord, guild: Guild, name: str) -> Channel:
    channel = await fake.driver.create_channel(guild, name)
    await fake.driver.set_overwrite(channel, guild.bot_member, deny=payloads.EMBED_LINKS)
    return channel


async def test_reactions_without_embed_links_says_what_is_missing(
    fake_discord: FakeDiscord, guild: Guild, started: BotProcess
) -> None:
    channel = await no_embeds_channel(fake_discord, guild, "no-embeds")
    async with obeying_discord(fake_discord):
        reply = await say(fake_discord, channel, guild.member, "!reactions 12thfail")
        assert reply.ok
        assert "Embed Links" in reply.json["content"]


@pytest.mark.parametrize("command", ["!random", "!stats", "!movies"])
async def test_embed_only_commands_without_embed_links_say_what_is_missing(
    fake_discord: FakeDiscord, guild: Guild, started: BotProcess, command: str
) -> None:
    channel = await no_embeds_channel(fake_discord, guild, f"no-embeds-{command[1:]}")
    async with obeying_discord(fake_discord):
        reply = await say(fake_discord, channel, guild.member, command)
        assert reply.ok, reply
        assert "Embed Links" in reply.json["content"]


async def test_a_channel_the_bot_cannot_send_in_gets_no_attempts(
    fake_discord: FakeDiscord, guild: Guild, started: BotProcess
) -> None:
    driver = fake_discord.driver
    channel = await driver.create_channel(guild, "cannot-send")
    await driver.set_overwrite(channel, guild.bot_member, deny=payloads.SEND_MESSAGES)
    async with obeying_discord(fake_discord):
        await driver.send_message(channel, guild.member, "!reactions 12thfail")
        await asyncio.sleep(2.0)  # time to (wrongly) answer; nothing must be sent
        assert driver.calls(f"POST /channels/{channel.id}/messages") == []


# Finding 5: unbounded output.


async def test_schedule_show_with_sixty_schedules_fits(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    driver = fake_discord.driver
    for n in range(60):
        target = await driver.create_channel(guild, f"sched-{n}")
        handle = await driver.slash(
            "schedule set",
            {"channel": target, "every": "1h", "movie": "12thfail"},
            guild.moderator,
            channel,
        )
        assert (await answer(handle))["content"].startswith("Scheduled")
    async with obeying_discord(fake_discord):
        shown = await answer(await driver.slash("schedule show", {}, guild.moderator, channel))
        assert "Schedules" in str(shown)


async def test_stats_of_a_movie_with_a_300_character_title(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    async with obeying_discord(fake_discord):
        handle = await fake_discord.driver.slash(
            "stats", {"movie": LONG_TITLE}, guild.member, channel
        )
        shown = await answer(handle)
        assert shown["embeds"][0]["title"].startswith("Stats")


async def test_article_preview_with_long_names_fits_one_message(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    movie = " ".join(["Overlong"] * 150)[:1200]
    posts = "\n\n".join(
        f"{' '.join(['word'] * 300)} {n} — {'Named ' * 30}{n} (@writer{n}) May 3, 2024"
        for n in range(3)
    )
    async with obeying_discord(fake_discord):
        preview = await say(
            fake_discord,
            channel,
            guild.moderator,
            f"!article add movie: {movie}",
            attachments=[("long.txt", posts.encode())],
        )
        assert preview.ok
        assert button(preview.json, "Add")


async def test_a_very_long_alias_gets_an_answer(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    alias = " ".join(["aka"] * 600)[:1970]
    async with obeying_discord(fake_discord):
        reply = await say(fake_discord, channel, guild.moderator, f"!movie alias 12thfail {alias}")
        assert reply.ok


# Finding 7: the search pager cuts the query to fit its custom id.


async def test_search_page_two_runs_the_same_search(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    driver = fake_discord.driver
    async with obeying_discord(fake_discord):
        handle = await driver.slash("search", {"text": FULL_QUERY}, guild.member, channel)
        first = await answer(handle)
        assert first["content"].endswith(" of 12"), first["content"]
        assert handle.message is not None
        clicked = await driver.click(handle.message, next_button(first), guild.member)
        page_two = interaction_data((await clicked.callback()).json)["content"]
        assert page_two.startswith(f"Reactions matching “{FULL_QUERY}” — 6–10 of 12"), page_two


# Finding 8: embed URLs.


async def test_a_reaction_with_a_malformed_link_still_shows(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    async with obeying_discord(fake_discord):
        reply = await say(fake_discord, channel, guild.member, "!reactions badlink")
        assert reply.ok
        assert "bad port" in reply.json["embeds"][0]["description"]


async def test_reaction_embeds_with_a_url_have_a_title(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    async with obeying_discord(fake_discord):
        reply = await say(fake_discord, channel, guild.member, "!reactions goodlink")
        embeds = reply.json["embeds"]
        assert embeds
        assert all(embed.get("title") for embed in embeds if embed.get("url")), embeds


# Finding 9: autocomplete values cut to 100 characters.


async def test_autocomplete_choices_of_long_titles_lead_to_their_movies(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    driver = fake_discord.driver
    async with obeying_discord(fake_discord):
        choices = await driver.autocomplete(
            "reactions", {"movie": "Remarkably Long"}, "movie", guild.member, channel
        )
        values = [choice["value"] for choice in choices]
        assert len(set(values)) == len(values) >= 2, values
        shown = []
        for value in values[:2]:
            page = await answer(
                await driver.slash("reactions", {"movie": value}, guild.member, channel)
            )
            shown.append(page["content"])
        assert any("Part One" in s for s in shown), shown
        assert any("Part Two" in s for s in shown), shown


# Finding 10: a schedule whose channel was deleted.


async def test_schedule_of_a_deleted_channel_can_be_stopped(
    fake_discord: FakeDiscord, started: BotProcess
) -> None:
    driver = fake_discord.driver
    # A server of its own, so that other tests' schedules stay out of its list.
    elsewhere = await driver.create_guild("Schedules Elsewhere")
    here, moderator = elsewhere.channel, elsewhere.moderator
    doomed = await driver.create_channel(elsewhere, "doomed")
    scheduled = await say(fake_discord, here, moderator, f"!schedule set <#{doomed.id}> daily")
    assert scheduled.json["content"].startswith("Scheduled")
    await driver.delete_channel(doomed)
    async with obeying_discord(fake_discord):
        await say(fake_discord, here, moderator, f"!schedule stop {doomed.id}")
        shown = await say(fake_discord, here, moderator, "!schedule show")
        assert str(doomed.id) not in str(shown.json)


# Finding 11: contexts and installs on every command.


async def test_every_command_sets_contexts_and_integration_types(
    fake_discord: FakeDiscord, started: BotProcess
) -> None:
    synced = fake_discord.driver.calls(started.sync_route, since=0)[-1].json
    missing = [
        command["name"]
        for command in synced
        if not command.get("contexts") or not command.get("integration_types")
    ]
    assert missing == []


# Finding 12: one 4,000-character text box for a pasted article.


async def test_paste_modal_takes_an_article_longer_than_4000_characters(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, started: BotProcess
) -> None:
    driver = fake_discord.driver
    long_article = "\n\n".join(
        f"{' '.join(['splendid'] * 60)} {n} — Fan {n} (@fan{n}) May 3, 2024" for n in range(12)
    )
    assert len(long_article) > 4000
    async with obeying_discord(fake_discord):
        opened = await driver.slash(
            "article add", {"movie": "Upload Film"}, guild.moderator, channel
        )
        modal = (await opened.callback()).json["data"]
        uploads = find_components(modal["components"], 19)
        assert uploads, "the modal offers no file upload"
        values = {uploads[0]["custom_id"]: [("article.txt", long_article.encode())]}
        submitted = await driver.submit_modal(modal["custom_id"], values, guild.moderator)
        preview = await answer(submitted)
        assert "12 new" in preview["embeds"][0]["description"]
        # Ephemeral is the shown message's flag: an edit of a deferred answer carries none.
        assert submitted.message is not None
        assert submitted.message["flags"] & EPHEMERAL
