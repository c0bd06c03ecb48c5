"""The real bot process on PostgreSQL: the core member and moderator paths, unchanged.

The same tests as on SQLite (imported from their modules, so they cannot drift apart), run
against a bot whose DATABASE_URL names a fresh database on the run's throwaway PostgreSQL
server: !reactions and /reactions, paging, adding an article, hiding and featuring, and a
schedule; then what members are told while PostgreSQL is down, and that the bot answers
again once it is back. They run in this order: hiding changes what the later pages show.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
import pytest_asyncio

from tests.conftest import postgres_server
from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.test_discovery import test_schedule_set_show_stop
from tests.e2e.test_member_commands import (
    test_next_button_pages_in_place,
    test_prefix_reactions_finds_the_movie_by_title_in_any_case_with_a_page,
    test_prefix_reactions_posts_five_spoiler_embeds,
    test_slash_reactions_answers_through_the_interaction_callback,
)
from tests.e2e.test_moderation import (
    article_site,
    test_hide_and_feature_change_this_server_only,
    test_url_article_is_previewed_and_stored_only_on_add,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

NEEDS_POSTGRESQL = True
"""Left out, with the PostgreSQL half, where its binaries are missing (tests/conftest.py)."""
CREATE_MESSAGE = "POST /channels/{id}/messages"
TRY_AGAIN = "try again in a moment"

__all__ = [
    "article_site",
    "test_hide_and_feature_change_this_server_only",
    "test_next_button_pages_in_place",
    "test_prefix_reactions_finds_the_movie_by_title_in_any_case_with_a_page",
    "test_prefix_reactions_posts_five_spoiler_embeds",
    "test_schedule_set_show_stop",
    "test_slash_reactions_answers_through_the_interaction_callback",
    "test_url_article_is_previewed_and_stored_only_on_add",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database_url() -> str:
    """Create this module's PostgreSQL database (skips the module without PostgreSQL)."""
    return await postgres_server().create_database()


@pytest.fixture(scope="module")
def bot_env(database_url: str) -> dict[str, str]:
    """Run the bot on PostgreSQL; it may download the article page served on 127.0.0.1."""
    return {"FETCH_ALLOW_HOSTS": "127.0.0.1", "DATABASE_URL": database_url}


async def test_the_bot_kept_it_all_in_postgresql(
    database_url: str, bot_process: BotProcess
) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        slugs = {row["slug"] for row in await connection.fetch("SELECT slug FROM movies")}
        hidden = await connection.fetchval("SELECT count(*) FROM reaction_state WHERE hidden")
        audited = await connection.fetchval("SELECT count(*) FROM audit_log")
    finally:
        await connection.close()
    assert {"12thfail", "moonlitharbour"} <= slugs
    assert hidden == 1
    assert audited >= 3


async def test_while_postgresql_is_down_members_are_told_to_try_again(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, bot_process: BotProcess
) -> None:
    server = postgres_server()
    driver = fake_discord.driver
    await asyncio.to_thread(server.stop)
    try:
        await driver.send_message(channel, guild.member, "!reactions 12thfail")
        refused = await driver.wait_for(CREATE_MESSAGE)
    finally:
        await asyncio.to_thread(server.start)

    assert TRY_AGAIN in refused.json["embeds"][0]["description"]
    # The pool reconnects: the next command is answered, with nothing lost.
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    answered = await driver.wait_for(CREATE_MESSAGE)
    assert answered.json["content"].endswith("1–5 of 9")
