"""A whole session at DEBUG, driven through every way the bot answers: it pings nobody in
anything it sends, and neither its token nor any interaction token reaches its log."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.fake_discord import BotProcess, Call, FakeDiscord, Guild, Upload
from tests.e2e.helpers import EPHEMERAL, button, html_page, local_site, next_button

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

# Shaped like a real token (user id . timestamp . HMAC) and distinctive enough to grep for.
SECRET_PART = "e2e-SECRET-" + secrets.token_hex(12)
BOT_TOKEN = f"MTA5ODc2NTQzMjEwOTg3NjU0.GReel4.{SECRET_PART}"
ARTICLE = """<!doctype html><html><head><title>Fans on 'Quiet Tides'</title></head><body>
<h1>Fans on 'Quiet Tides'</h1><p>What people said about the film Quiet Tides.</p>
<blockquote class="twitter-tweet"><p lang="en">@everyone this film <@&1> ||ends|| here</p>
&mdash; Ed (@ed) <a href="https://twitter.com/ed/status/31">May 1, 2024</a></blockquote>
<blockquote class="twitter-tweet"><p lang="en">Quietly great</p>&mdash; Flo (@flo)
<a href="https://twitter.com/flo/status/32">May 2, 2024</a></blockquote></body></html>"""
PASTED = "A gentle storm of a film — Gus (@gus) May 3, 2024"


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"FETCH_ALLOW_HOSTS": "127.0.0.1", "LOG_LEVEL": "DEBUG"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot_process(
    fake_discord: FakeDiscord,
    guild: Guild,
    bot_argv: list[str],
    bot_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BotProcess]:
    """Run the bot with a distinctive token instead of the harness's dummy one."""
    bot = BotProcess(
        fake_discord,
        guild,
        tmp_path_factory.mktemp("bot"),
        argv=bot_argv,
        token=BOT_TOKEN,
        extra_env=bot_env,
    )
    await bot.start()
    yield bot
    await bot.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def article_site() -> AsyncIterator[str]:
    """Serve one article page on 127.0.0.1 for the bot to download."""
    async with local_site({"/article.html": html_page(ARTICLE)}) as base:
        yield base


@dataclass
class Session:
    """What the session sent, one example per way of answering, and where it started."""

    start: int
    paths: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def session(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess, article_site: str
) -> Session:
    """Drive prefix, slash, buttons, a deferred moderator flow and refusals once."""
    driver = fake_discord.driver
    channel = await driver.create_channel(guild, "secrets")
    found = Session(start=driver.mark())
    messages = f"POST /channels/{channel.id}/messages"

    # A prefix reply, then a button press that edits it in place.
    await driver.send_message(channel, guild.member, "!reactions 12thfail")
    reply = await driver.wait_for(messages)
    found.paths["reply (prefix)"] = reply.json
    click = await driver.click(reply, next_button(reply.json), guild.member)
    edit = (await click.callback()).json
    assert edit["type"] == 7
    found.paths["edit (button paging)"] = edit["data"]

    # A slash command's response.
    slash = await driver.slash("reactions", {"movie": "12thfail"}, guild.member, channel)
    response = (await slash.callback()).json
    assert response["type"] == 4
    found.paths["slash response"] = response["data"]

    # A deferred moderator command: "thinking…", then the preview replaces it (@original edit).
    url = f"{article_site}/article.html"
    add = await driver.slash("article add", {"url": url}, guild.moderator, channel)
    deferred = (await add.callback()).json
    assert deferred["type"] == 5
    assert deferred["data"]["flags"] & EPHEMERAL
    preview = await add.original_edit()
    found.paths["deferred answer (deferred moderator command)"] = preview.json
    confirm = await driver.click(preview, button(preview.json, "Add"), guild.moderator)
    assert "Added article" in str((await confirm.callback()).json)

    # The article's text holds mention syntax; the page showing it must still ping nobody.
    await driver.send_message(channel, guild.member, "!reactions quiet tides")
    found.paths["reply with mention syntax"] = (await driver.wait_for(messages)).json

    # A prefix moderator flow with an attachment, and refusals both ways.
    await driver.send_message(
        channel,
        guild.moderator,
        "!article add movie: Quiet Tides",
        attachments=[Upload("tides.txt", PASTED.encode(), "text/plain")],
    )
    pasted = await driver.wait_for(messages)
    cancel = await driver.click(pasted, button(pasted.json, "Cancel"), guild.moderator)
    await cancel.callback()
    await driver.send_message(channel, guild.member, "!article list")
    found.paths["refusal (prefix)"] = (await driver.wait_for(messages)).json
    # Forced: Discord hides /audit from members, unless a server admin's override shows it.
    refused = await driver.slash("audit", {}, guild.member, channel, force=True)
    found.paths["refusal (slash)"] = (await refused.callback()).json["data"]
    search = await driver.slash("search", {"text": "film"}, guild.member, channel)
    await search.callback()
    return found


def pings_nobody(allowed: Any) -> bool:
    """Tell whether ``allowed_mentions`` allows nothing: ``{"parse": []}`` or stricter."""
    return (
        isinstance(allowed, dict)
        and allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user")
    )


def sent_messages(calls: list[Call]) -> list[tuple[Call, dict[str, Any]]]:
    """Return every message the bot created or edited, with its payload."""
    found = []
    for call in calls:
        body = call.json if isinstance(call.json, dict) else {}
        if call.path.startswith("/interactions/") and call.method == "POST":
            if body.get("type") in {4, 7}:
                found.append((call, body.get("data") or {}))
        elif call.method in {"POST", "PATCH"} and (
            call.path.startswith("/webhooks/")
            or (call.path.startswith("/channels/") and "/messages" in call.path)
        ):
            found.append((call, body))
    return found


async def test_every_send_path_pings_nobody(fake_discord: FakeDiscord, session: Session) -> None:
    assert set(session.paths) >= {
        "reply (prefix)",
        "slash response",
        "deferred answer (deferred moderator command)",
        "edit (button paging)",
    }
    for path, payload in session.paths.items():
        assert pings_nobody(payload.get("allowed_mentions")), (path, payload)
    everything = sent_messages(fake_discord.calls[session.start :])
    assert len(everything) >= len(session.paths)
    for call, payload in everything:
        assert pings_nobody(payload.get("allowed_mentions")), (str(call), payload)


async def test_mention_syntax_in_a_reaction_is_shown_inert(session: Session) -> None:
    page = session.paths["reply with mention syntax"]
    text = "\n".join(embed.get("description", "") for embed in page["embeds"])
    assert "@\u200beveryone" in text
    assert "@everyone" not in text
    assert "\\<@" in text  # shown as typed, not as a role mention
    assert "\\|\\|ends\\|\\|" in text


async def test_no_token_reaches_the_log(
    fake_discord: FakeDiscord, session: Session, bot_process: BotProcess
) -> None:
    await bot_process.stop()  # shutdown is logged too; read the log whole
    log = bot_process.log_text()
    # The scan means something only if DEBUG events and interactions were logged.
    assert "WebSocket Event" in log
    assert "INTERACTION_CREATE" in log
    assert "[redacted]" in log
    assert BOT_TOKEN not in log
    assert SECRET_PART not in log
    tokens = [record.token for record in fake_discord.world.interactions.values()]
    assert len(tokens) >= 7
    leaked = [token for token in tokens if token in log]
    assert leaked == [], f"{len(leaked)} interaction token(s) in the bot's log"
