"""A panel on a real SQLite store, asking the loopback fake Discord, for the web tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Secret, WebSettings
from bot.domain.models import Article, MovieRef, Reaction
from bot.store import SQLiteStore, open_sqlite_store
from bot.web.app import create_app
from bot.web.discord_api import DiscordApi
from bot.web.moderators import RestModeratorCheck
from bot.web.security import RateLimiter
from tests.e2e.fake_discord import FakeDiscord, Guild, Member
from tests.e2e.fake_discord.oauth import FAKE_CLIENT_SECRET, OAuthServer

PUBLIC_URL = "http://panel.test"
ORIGIN = {"Origin": PUBLIC_URL}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> ||break|| @everyone'


def web_settings(fake: FakeDiscord, public_url: str = PUBLIC_URL) -> WebSettings:
    """Return panel settings that log in through ``fake``."""
    return WebSettings(
        host="127.0.0.1",
        port=0,
        public_url=public_url,
        client_secret=Secret(FAKE_CLIENT_SECRET),
        session_secret=Secret("a session secret for the tests"),
        authorize_url=fake.world.base_url + "/oauth2/authorize",
    )


def article(movie: str, *texts: str, title: str = "How people reacted") -> Article:
    """Return an article about ``movie`` quoting one post per text."""
    return Article(
        title=title,
        movie=MovieRef.from_title(movie),
        spoiler=True,
        published="2024-01-03",
        source=None,
        reactions=tuple(
            Reaction(
                platform="twitter",
                text=text,
                author_name=f"Fan {index}",
                handle=f"fan{index}",
                date="2024-01-02",
                url=f"https://twitter.com/fan{index}/status/{1000 + index}",
            )
            for index, text in enumerate(texts)
        ),
    )


@dataclass
class World:
    """Two servers (the panel's users moderate one or the other) and a seeded store."""

    fake: FakeDiscord
    oauth: OAuthServer
    store: SQLiteStore
    home: Guild
    other: Guild
    other_secret_movie: str


async def seed(fake: FakeDiscord, tmp_path: Path) -> World:
    """Create the guilds and store: a shared movie, and a movie only ``other`` sees."""
    home = await fake.driver.create_guild("Home Server")
    other = await fake.driver.create_guild("Other Server")
    store = await open_sqlite_store(tmp_path / "reel.db")
    await store.ingest_article(
        article("Moonlit Harbour", *(f"Reaction number {n} to the film" for n in range(30))),
        content_hash="shared",
    )
    await store.ingest_article(
        article("Harbour Lights", HOSTILE, "A calm second opinion"), content_hash="hostile"
    )
    await store.ingest_article(
        article("Secret Screening", "Only the other server sees this"),
        content_hash="secret",
        guild_id=other.id,
    )
    return World(fake, OAuthServer.of(fake), store, home, other, "secretscreening")


@asynccontextmanager
async def panel_client(
    world: World, *, limiter: RateLimiter | None = None
) -> AsyncIterator[TestClient[Any, Any]]:
    """Serve the panel on 127.0.0.1 and yield a client with its own cookie jar."""
    api = DiscordApi(Secret("dummy-token"), world.fake.api_base)
    app = create_app(
        world.store,
        api,
        RestModeratorCheck(api, world.store),
        web_settings(world.fake),
        limiter=limiter,
    )
    client = TestClient(TestServer(app), cookie_jar=aiohttp.CookieJar(unsafe=True))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
        await api.close()


async def log_in(client: TestClient[Any, Any], world: World, who: Member) -> None:
    """Log ``who`` in through the fake's authorize page, as a browser would."""
    await oauth_log_in(client, world.oauth, who)


async def oauth_log_in(client: TestClient[Any, Any], oauth: OAuthServer, who: Member) -> None:
    """Log ``who`` in through ``oauth``'s authorize page, as a browser would."""
    oauth.login_as(who)
    start = await client.get("/auth/login", allow_redirects=False)
    assert start.status == 302, await start.text()
    async with aiohttp.ClientSession() as browser:
        approved = await browser.get(start.headers["Location"], allow_redirects=False)
    assert approved.status == 302
    back = approved.headers["Location"].removeprefix(PUBLIC_URL)
    done = await client.get(back, allow_redirects=False)
    assert done.status == 302, await done.text()


async def csrf_of(client: TestClient[Any, Any], path: str = "/") -> str:
    """Return the form token a page of the panel carries."""
    page = await client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found, "no form token on the page"
    return found.group(1)


async def movie_id(store: SQLiteStore, slug: str) -> int:
    """Return the id of the movie with ``slug``."""
    movie = await store.find_movie(slug)
    assert movie is not None
    return movie.id
