"""A search with more matches than it counts reaches the member as "1,000+", newest first.

The bot's database is given 1,001 posts holding one word before the bot starts, so the
search is capped (issue 15: counting and ranking every match made search slow at 1M).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import SEARCH_CAP
from bot.store import open_sqlite_store
from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.helpers import interaction_data, next_button

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CREATE_MESSAGE = "POST /channels/{id}/messages"
CAPPED = "of 1,000+, newest first"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot_process(
    fake_discord: FakeDiscord,
    guild: Guild,
    bot_argv: list[str],
    bot_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BotProcess]:
    """Run the bot on a database holding SEARCH_CAP + 1 posts with "popcorn"."""
    bot = BotProcess(
        fake_discord, guild, tmp_path_factory.mktemp("bot"), argv=bot_argv, extra_env=bot_env
    )
    store = await open_sqlite_store(bot.database)
    try:
        posts = tuple(
            Reaction(platform="twitter", text=f"popcorn post {n}", handle=f"fan{n}")
            for n in range(SEARCH_CAP + 1)
        )
        article = Article(
            title=None,
            movie=MovieRef.from_title("12th Fail"),
            spoiler=False,
            published=None,
            source=None,
            reactions=posts,
        )
        await store.ingest_article(article, content_hash="popcorn")
    finally:
        await store.close()
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_capped_search_says_1000_plus_in_the_message_and_every_embed(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    await fake_discord.driver.send_message(channel, guild.member, "!search popcorn")
    reply = await fake_discord.driver.wait_for(CREATE_MESSAGE)

    assert reply.json["content"] == f"Reactions matching “popcorn” — 1–5 {CAPPED}"
    footers = [embed["footer"]["text"] for embed in reply.json["embeds"]]
    assert [footer.split(" · ")[1] for footer in footers] == [f"{n} of 1,000+" for n in range(1, 6)]
    assert reply.json["embeds"][0]["description"].strip("|") == f"popcorn post {SEARCH_CAP}"


async def test_the_next_page_of_a_capped_search_stays_capped(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    interaction = await driver.slash("search", {"text": "popcorn"}, guild.member, channel)
    data = interaction_data((await interaction.callback()).json)
    click = await driver.click(interaction.message or {}, next_button(data), guild.member)
    second = interaction_data((await click.callback()).json)

    assert data["content"].endswith(f"1–5 {CAPPED}")
    assert second["content"].endswith(f"6–10 {CAPPED}")
