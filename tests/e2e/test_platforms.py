"""A page quoting several platforms, added through /article add, paged and searched by platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.helpers import EPHEMERAL, button, html_page, interaction_data, local_site

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

MIXED = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "mixed-platforms.html"


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"FETCH_ALLOW_HOSTS": "127.0.0.1"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def mixed_page() -> AsyncIterator[str]:
    """Serve our own mixed-platform fixture page on 127.0.0.1."""
    page = html_page(MIXED.read_text(encoding="utf-8"))
    async with local_site({"/mixed.html": page}) as base:
        yield f"{base}/mixed.html"


def footers(payload: dict[str, Any]) -> list[str]:
    return [embed["footer"]["text"] for embed in payload["embeds"]]


async def slash_answer(
    fake: FakeDiscord, name: str, options: dict[str, Any], guild: Guild, channel: Channel
) -> dict[str, Any]:
    handle = await fake.driver.slash(name, options, guild.member, channel)
    callback = (await handle.callback()).json
    if callback["type"] == 5:
        edited: dict[str, Any] = (await handle.original_edit()).json
        return edited
    return interaction_data(callback)


async def test_a_mixed_page_is_added_paged_and_searched_by_platform(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    bot_process: BotProcess,
    mixed_page: str,
) -> None:
    driver = fake_discord.driver
    asked = await driver.slash("article add", {"url": mixed_page}, guild.moderator, channel)
    assert (await asked.callback()).json["data"]["flags"] & EPHEMERAL
    preview = await asked.original_edit()
    summary = preview.json["embeds"][0]["description"]
    assert "Harbour Lights" in summary
    assert "3 new, 0 already known" in summary
    assert "1 Threads post and 2 Mastodon posts have no text in the page" in summary
    added = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
    assert "Added article" in interaction_data((await added.callback()).json)["content"]

    sized = await driver.slash("settings page-size", {"size": 2}, guild.moderator, channel)
    await sized.callback()
    try:
        first = await slash_answer(
            fake_discord, "reactions", {"movie": "Harbour Lights"}, guild, channel
        )
        assert first["content"].endswith("reactions 1–2 of 3")
        assert [footer.split(" · ")[2] for footer in footers(first)] == ["X", "Bluesky"]
        message = driver.calls("POST /interactions/**")[-1]
        press = await driver.click(message, button(first, "▶"), guild.member)
        second = interaction_data((await press.callback()).json)
        assert second["content"].endswith("reactions 3–3 of 3")
        assert [footer.split(" · ")[2] for footer in footers(second)] == ["X"]
        author_links = [embed["author"]["url"] for embed in first["embeds"]]
        assert author_links[1].startswith("https://bsky.app/profile/")

        only_bluesky = await slash_answer(
            fake_discord, "search", {"text": "grandmother", "platform": "bluesky"}, guild, channel
        )
        assert len(only_bluesky["embeds"]) == 1
        none_on_x = await slash_answer(
            fake_discord, "search", {"text": "grandmother", "platform": "twitter"}, guild, channel
        )
        assert none_on_x["embeds"] == []
        stats = await slash_answer(
            fake_discord,
            "stats",
            {"movie": "Harbour Lights", "platform": "twitter"},
            guild,
            channel,
        )
        fields = {field["name"]: field["value"] for field in stats["embeds"][0]["fields"]}
        assert fields["Reactions"] == "2"
    finally:
        reset = await driver.slash("settings page-size", {"size": 5}, guild.moderator, channel)
        await reset.callback()
