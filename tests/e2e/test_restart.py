"""A page button posted before a restart still pages afterwards (custom ids carry the state)."""

from __future__ import annotations

import pytest

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.helpers import assert_spoiler_page, interaction_data, next_button

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_button_still_pages_after_the_bot_restarts(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    reply = await driver.wait_for("POST /channels/{id}/messages")

    await bot_process.restart()

    click = await driver.click(reply, next_button(reply.json), guild.member)
    data = interaction_data((await click.callback()).json)
    assert data["content"].endswith("6–10 of 10")
    assert_spoiler_page(data, 5)
