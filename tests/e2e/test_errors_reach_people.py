"""Every failure reaches the person who caused it: a clear reason, ephemeral for interactions.

Bad input is answered with its reason and logs no ERROR; a button whose work fails
(the database locked by another writer, the movie gone, Discord refusing the answer)
still answers the presser, ephemerally, within Discord's 3 seconds.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest

from tests.e2e.fake_discord import BotProcess, Call, Channel, FakeDiscord, Guild, Member
from tests.e2e.helpers import EPHEMERAL, button

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

ERROR_LINE = re.compile(r"^\S+ \S+ ERROR ", re.MULTILINE)
PASTED = "\n\n".join(
    f"Post {n} about the engine — Fan {n} (@fan{n}) May {n}, 2024" for n in range(1, 4)
)


def text_of(payload: dict[str, Any]) -> str:
    parts = [payload.get("content") or ""]
    for embed in payload.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(parts)


async def say(fake: FakeDiscord, channel: Channel, who: Member, text: str) -> Call:
    await fake.driver.send_message(channel, who, text)
    return await fake.driver.wait_for(f"POST /channels/{channel.id}/messages")


async def test_an_alias_without_letters_gets_its_reason_and_logs_no_error(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    start = bot_process.log_size()
    prefix = await say(fake_discord, channel, guild.moderator, "!movie alias 12thfail !!!")
    assert "has no letters or digits" in text_of(prefix.json)

    handle = await fake_discord.driver.slash(
        "movie alias", {"movie": "12thfail", "alias": "!!!"}, guild.moderator, channel
    )
    callback = (await handle.callback()).json
    assert callback["type"] == 4
    assert callback["data"]["flags"] & EPHEMERAL
    assert "has no letters or digits" in text_of(callback["data"])
    assert not ERROR_LINE.search(bot_process.log_text(start))


async def test_a_failing_add_answers_the_moderator_ephemerally(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    preview = await say(
        fake_discord, channel, guild.moderator, f"!article add movie: Quiet Engine\n{PASTED}"
    )
    # Another writer (an operator's long job) holds the write lock past the bot's 5 s wait.
    blocker = sqlite3.connect(bot_process.database, isolation_level=None, timeout=5)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        press = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
        acknowledged = (await press.callback(timeout=2.9)).json
        assert acknowledged["type"] == 6  # a deferred update, within Discord's 3 s
        failure = (await press.followup(timeout=15)).json
    finally:
        blocker.rollback()
        blocker.close()
    assert failure["flags"] & EPHEMERAL
    assert re.search(r"code `[0-9A-F]{4}`|try again", text_of(failure)), failure
    # Nothing half-stored: the movie is still unknown.
    check = await say(fake_discord, channel, guild.member, "!reactions quiet engine")
    assert "I don't know a movie" in text_of(check.json)


async def test_a_page_button_of_a_removed_movie_answers_ephemerally(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    preview = await say(
        fake_discord, channel, guild.moderator, f"!article add movie: Brief Candle\n{PASTED}"
    )
    added = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
    article_id = re.findall(r"article `(\d+)`", text_of((await added.callback()).json["data"]))[0]
    await say(fake_discord, channel, guild.moderator, "!settings page-size 1")
    try:
        page = await say(fake_discord, channel, guild.member, "!reactions brief candle")
        asked = await say(fake_discord, channel, guild.moderator, f"!article remove {article_id}")
        sure = await driver.click(asked, button(asked.json, "Remove"), guild.moderator)
        assert "Removed article" in text_of((await sure.callback()).json["data"])

        press = await driver.click(page, button(page.json, "▶"), guild.member)
        answer = (await press.callback()).json
    finally:
        await say(fake_discord, channel, guild.moderator, "!settings page-size 5")
    assert answer["type"] == 4
    assert answer["data"]["flags"] & EPHEMERAL
    assert "no longer in the collection" in text_of(answer["data"])


async def test_a_search_button_whose_answer_discord_refused_still_tells_the_member(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    results = await say(fake_discord, channel, guild.member, "!search the")
    # Discord refuses the answer (a 400 is not retried by discord.py).
    fake_discord.fail_next("POST /interactions/**", 400, code=50035)
    press = await driver.click(results, button(results.json, "▶"), guild.member)
    refused = await press.callback()
    pattern = f"POST /interactions/{press.id}/{press.token}/callback"
    answer = (await driver.wait_for(pattern, since=refused.index + 1)).json
    assert answer["type"] == 4
    assert answer["data"]["flags"] & EPHEMERAL
    assert re.search(r"Something went wrong \(code `[0-9A-F]{4}`\)", text_of(answer["data"]))
