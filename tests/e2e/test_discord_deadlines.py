"""Issue 12 findings 3 and 6: slow work and Discord's deadlines, on a bot with slow spots.

The bot runs as ``python -m tests.e2e.slow_bot`` (the real bot with a slow movie lookup
and a slow article store, see slow_bot.py), so work outlasts Discord's 3 seconds on
demand.
"""

from __future__ import annotations

import sys

import pytest

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.helpers import button, obeying_discord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SLOW_SECONDS = 4.0  # longer than Discord's 3 s to acknowledge an interaction
PASTED = "Loved it all — Cy (@cy) May 3, 2024\n\nBest score of the year — Di (@di) May 3, 2024"


@pytest.fixture(scope="module")
def bot_argv() -> list[str]:
    return [sys.executable, "-m", "tests.e2e.slow_bot"]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"SLOW_BOT_SECONDS": str(SLOW_SECONDS)}


async def test_a_deferred_command_that_fails_shows_its_error(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    app = fake_discord.world.application_id
    async with obeying_discord(fake_discord):
        handle = await driver.slash(
            "reactions", {"movie": "slowfail nothing"}, guild.member, channel
        )
        assert (await handle.callback()).json["type"] == 5  # deferred: the work is slow

        def shown(call: Call) -> bool:
            answers = (
                f"/webhooks/{app}/{handle.token}",
                f"/webhooks/{app}/{handle.token}/messages/@original",
            )
            return call.path in answers and call.method in {"POST", "PATCH"} and call.ok

        answered = await driver.wait_for(shown, timeout=SLOW_SECONDS + 5, since=handle.mark)
        assert "slowfail nothing" in str(answered.json)


async def test_confirm_add_is_acknowledged_before_a_slow_ingest(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    await driver.send_message(
        channel, guild.moderator, f"!article add movie: Slow Ingest Film\n{PASTED}"
    )
    preview = await driver.wait_for(f"POST /channels/{channel.id}/messages")
    async with obeying_discord(fake_discord):
        clicked = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
        acknowledged = await clicked.callback(timeout=SLOW_SECONDS + 5)
        assert acknowledged.ok, acknowledged
        final = await driver.wait_for(
            lambda call: "Added article" in str(call.json) and call.ok,
            timeout=SLOW_SECONDS + 5,
            since=clicked.mark,
        )
        assert "Slow Ingest Film" in str(final.json)
