"""The panel in headless Chromium, served by the real bot process against the fake Discord.

A moderator logs in with Discord, hides and features reactions and adds an article by URL,
and the bot's own `!reactions` in the fake Discord shows each change. With
``REEL_SCREENSHOTS=1`` the last test writes docs/screenshots/ (desktop and phone width).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild
from tests.e2e.fake_discord.oauth import FAKE_CLIENT_SECRET, OAuthServer
from tests.e2e.helpers import html_page, local_site
from tests.web.browser import DESKTOP, MISSING, PHONE, Browser

if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
CREATE_MESSAGE = "POST /channels/{id}/messages"
ARTICLE_HTML = """<!doctype html><html><head><title>Fans react to 'Paper Lanterns'</title>
<meta charset="utf-8"></head><body><h1>Fans react to 'Paper Lanterns'</h1>
<p>What people said about the film Paper Lanterns.</p>
<blockquote class="twitter-tweet"><p lang="en">Lanterns everywhere, tears everywhere</p>
&mdash; Ines (@ines) <a href="https://twitter.com/ines/status/501">May 1, 2024</a></blockquote>
<blockquote class="twitter-tweet"><p lang="en">The score carried me home</p>
&mdash; Ravi (@ravi) <a href="https://twitter.com/ravi/status/502">May 2, 2024</a></blockquote>
</body></html>"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def panel_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake
    assert fake.drain_violations() == []


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def guild(fake_discord: FakeDiscord) -> Guild:
    return await fake_discord.driver.create_guild("Film Club")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def article_site() -> AsyncIterator[str]:
    async with local_site({"/lanterns.html": html_page(ARTICLE_HTML)}) as base:
        yield base


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    fake_discord: FakeDiscord,
    guild: Guild,
    panel_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BotProcess]:
    env = {
        "WEB_LISTEN": panel_url.removeprefix("http://"),
        "WEB_PUBLIC_URL": panel_url,
        "DISCORD_CLIENT_SECRET": FAKE_CLIENT_SECRET,
        "DISCORD_AUTHORIZE_URL": fake_discord.world.base_url + "/oauth2/authorize",
        "WEB_SESSION_SECRET": "browser tests' session secret",
        "FETCH_ALLOW_HOSTS": "127.0.0.1",
    }
    process = BotProcess(fake_discord, guild, tmp_path_factory.mktemp("bot"), extra_env=env)
    await process.start()
    yield process
    # SIGTERM stops the panel, then the bot and its database: a clean exit, not a kill.
    assert await process.stop() == 0, process.log_text()[-2000:]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.quit()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def logged_in(
    fake_discord: FakeDiscord, guild: Guild, bot: BotProcess, browser: Browser, panel_url: str
) -> Browser:
    """Log the guild's moderator in through the login button and the fake's authorize page."""
    OAuthServer.of(fake_discord).login_as(guild.moderator)
    await browser.get(panel_url + "/")
    await browser.navigate("#login")
    assert "Film Club" in await browser.text()
    return browser


def footer_ids(payload: dict[str, Any]) -> list[int]:
    return [int(re.findall(r"id (\d+)$", e["footer"]["text"])[0]) for e in payload["embeds"]]


async def reactions_in_discord(
    fake: FakeDiscord, channel: Channel, guild: Guild, movie: str
) -> Any:
    await fake.driver.send_message(channel, guild.member, f"!reactions {movie}")
    return (await fake.driver.wait_for(CREATE_MESSAGE)).json


async def shown_ids(browser: Browser) -> list[int]:
    rows = await browser.find_all("li.reaction")
    return [int(await browser.run(row.get_attribute, "data-id")) for row in rows]


async def test_a_hidden_reaction_is_gone_from_reactions_in_discord(
    fake_discord: FakeDiscord, guild: Guild, logged_in: Browser, panel_url: str
) -> None:
    browser = logged_in
    await browser.get(f"{panel_url}/g/{guild.id}/m/12thfail")
    first = (await shown_ids(browser))[0]
    before = await reactions_in_discord(fake_discord, guild.channel, guild, "12thfail")
    assert footer_ids(before)[0] == first  # the panel lists them as Discord shows them
    await browser.navigate(f'button[value="hide:{first}"]')
    assert "1 reaction hidden" in await browser.text()
    assert first not in await shown_ids(browser)
    after = await reactions_in_discord(fake_discord, guild.channel, guild, "12thfail")
    assert first not in footer_ids(after)


async def test_a_featured_reaction_comes_first_in_discord(
    fake_discord: FakeDiscord, guild: Guild, logged_in: Browser, panel_url: str
) -> None:
    browser = logged_in
    await browser.get(f"{panel_url}/g/{guild.id}/m/12thfail?page=2")
    chosen = (await shown_ids(browser))[-1]
    await browser.navigate(f'button[value="feature:{chosen}"]')
    assert "featured" in await browser.text()
    await browser.get(f"{panel_url}/g/{guild.id}/m/12thfail")
    assert (await shown_ids(browser))[0] == chosen
    payload = await reactions_in_discord(fake_discord, guild.channel, guild, "12thfail")
    assert footer_ids(payload)[0] == chosen
    assert payload["embeds"][0]["footer"]["text"].startswith("★")


async def test_the_discord_view_matches_what_the_bot_posts(
    fake_discord: FakeDiscord, guild: Guild, logged_in: Browser, panel_url: str
) -> None:
    browser = logged_in
    await browser.get(f"{panel_url}/g/{guild.id}/m/12thfail?view=discord")
    payload = await reactions_in_discord(fake_discord, guild.channel, guild, "12thfail")
    footers = [
        await browser.run(lambda e=e: e.text) for e in await browser.find_all(".embed-footer")
    ]
    assert len(footers) == len(payload["embeds"])
    for shown, posted in zip(footers, payload["embeds"], strict=True):
        assert shown.startswith(posted["footer"]["text"])
    arrows = [await browser.run(lambda e=e: e.text) for e in await browser.find_all(".arrow")]
    assert arrows == ["◀", "▶"]
    await browser.navigate('a[rel="next"]')
    assert "reactions 6–" in await browser.text()


async def test_spoilers_are_blurred_until_clicked(
    guild: Guild, logged_in: Browser, panel_url: str
) -> None:
    browser = logged_in
    await browser.get(f"{panel_url}/g/{guild.id}/m/12thfail")
    spoiler = await browser.find("li.reaction .spoiler")
    assert "revealed" not in await browser.run(spoiler.get_attribute, "class")
    await browser.click_element(spoiler)
    assert "revealed" in await browser.run(spoiler.get_attribute, "class")


async def test_an_article_added_by_url_is_previewed_then_posted_in_discord(
    fake_discord: FakeDiscord,
    guild: Guild,
    logged_in: Browser,
    panel_url: str,
    article_site: str,
) -> None:
    browser = logged_in
    await browser.get(f"{panel_url}/g/{guild.id}/articles")
    url_field = await browser.find("#article-url")
    await browser.run(url_field.send_keys, article_site + "/lanterns.html")
    await browser.navigate("#add-article button[type=submit]")
    preview = await browser.text()
    assert "Add this article?" in preview
    assert "Paper Lanterns" in preview
    assert "2 — 2 new, 0 already known" in preview
    await browser.navigate("#confirm-add")
    assert "Added article" in await browser.text()
    payload = await reactions_in_discord(fake_discord, guild.channel, guild, "paperlanterns")
    assert len(payload["embeds"]) == 2


async def test_a_reaction_full_of_html_and_script_stays_inert_in_the_browser(
    guild: Guild, logged_in: Browser, panel_url: str
) -> None:
    browser = logged_in
    hostile = (
        "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'"
        "</script> ||spoiler break|| — Mallory (@mallory) May 3, 2024"
    )
    await browser.get(f"{panel_url}/g/{guild.id}/articles")
    pasted = await browser.find('textarea[name="text"]')
    await browser.run(pasted.send_keys, "Reactions to Hollow Bells\n\n" + hostile)
    movie = await browser.find('input[name="movie"]')
    await browser.run(movie.send_keys, "Hollow Bells")
    await browser.navigate("#add-article button[type=submit]")
    await browser.navigate("#confirm-add")
    await browser.get(f"{panel_url}/g/{guild.id}/m/hollowbells")
    await browser.click("li.reaction .spoiler")
    shown = await browser.text()
    assert "<script>document.title='pwned'</script>" in shown
    assert await browser.run(lambda: browser.driver.title) != "pwned"
    count = "return document.querySelectorAll('main img, main script').length"
    assert await browser.run(browser.driver.execute_script, count) == 0


@pytest.mark.skipif(not os.environ.get("REEL_SCREENSHOTS"), reason="set REEL_SCREENSHOTS=1")
async def test_write_screenshots_of_every_page(
    guild: Guild, logged_in: Browser, panel_url: str, article_site: str
) -> None:
    browser = logged_in
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = f"{panel_url}/g/{guild.id}"

    async def shoot(name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            await browser.screenshot(SCREENSHOTS / f"{name}-{label}.png", size)

    for name, path in (
        ("servers", "/"),
        ("movies", f"/g/{guild.id}"),
        ("reactions", f"/g/{guild.id}/m/12thfail"),
        ("hidden", f"/g/{guild.id}/m/12thfail?view=hidden"),
        ("discord", f"/g/{guild.id}/m/12thfail?view=discord"),
        ("articles", f"/g/{guild.id}/articles"),
        ("settings", f"/g/{guild.id}/settings"),
        ("schedules", f"/g/{guild.id}/schedules"),
        ("audit", f"/g/{guild.id}/audit"),
    ):
        await browser.get(panel_url + path)
        if name == "reactions":
            await browser.click("li.reaction .spoiler")  # one spoiler shown, the rest blurred
        await shoot(name)
    await browser.get(base + "/articles")
    url_field = await browser.find("#article-url")
    await browser.run(url_field.send_keys, article_site + "/lanterns.html")
    await browser.navigate("#add-article button[type=submit]")
    await shoot("article-preview")
    await browser.navigate('button[value="cancel"]')
    await browser.navigate(".logout button")
    await shoot("login")
