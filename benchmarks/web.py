"""Benchmark 6: server time of the web panel's reactions page over the 1M-reaction database.

The panel runs in this process on the cached 1M database (it only reads), behind all
its middlewares (session decryption, rate limit, CSP), logged in through the fake
Discord's OAuth2. The moderator check answers from memory, so the figure is the panel's
own work: the store's page query, the render code and the template. Server time is taken
by an outermost middleware, from the request's arrival to the response being ready.
Requests alternate over random movies: first, second and fifth pages, a search, and a
platform filter.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.typedefs import Handler

from benchmarks.backends import Backends
from benchmarks.dataset import GUILD
from benchmarks.results import SQLITE, Row, median, ms, percentile
from bot.config import Secret
from bot.store import open_sqlite_store
from bot.web.app import create_app
from bot.web.discord_api import DiscordApi
from bot.web.security import RateLimiter
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.oauth import OAuthServer
from tests.web.harness import oauth_log_in, web_settings

SECTION = "6 web"
SIZE = 1_000_000
REQUESTS = 400
WARMUP = 20
TARGET_P99 = 0.050


class _Everyone:
    """A moderator check that lets the logged-in user moderate the benchmark's server."""

    async def is_moderator(self, guild_id: int, user_id: int) -> bool:
        return guild_id == GUILD


MOVIE_LIST_REQUESTS = 10


async def _measure(path: Path, slugs: list[str]) -> tuple[list[float], list[float]]:
    timings: list[float] = []
    movie_list: list[float] = []

    @web.middleware
    async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
        began = time.perf_counter()
        response = await handler(request)
        if isinstance(response, web.Response) and request.path.startswith("/g/"):
            timings.append(time.perf_counter() - began)
        return response

    store = await open_sqlite_store(path)
    async with FakeDiscord() as fake:
        guild = await fake.driver.create_guild("Benchmark")
        api = DiscordApi(Secret("dummy"), fake.api_base)
        app = create_app(
            store, api, _Everyone(), web_settings(fake), limiter=RateLimiter(10**9, 60.0)
        )
        app.middlewares.insert(0, timed)
        client = TestClient(TestServer(app), cookie_jar=aiohttp.CookieJar(unsafe=True))
        await client.start_server()
        try:
            await oauth_log_in(client, OAuthServer.of(fake), guild.moderator)
            rng = random.Random(16)
            for index in range(WARMUP + REQUESTS):
                slug = rng.choice(slugs)
                query = ("", "?page=2", "?page=5", "?q=film+good", "?platform=bluesky")[index % 5]
                response = await client.get(f"/g/{GUILD}/m/{slug}{query}")
                if response.status != 200:
                    raise RuntimeError(f"/m/{slug}{query} answered {response.status}")
                await response.read()
                if index == WARMUP - 1:
                    timings.clear()
            pages = list(timings)
            timings.clear()
            for _ in range(MOVIE_LIST_REQUESTS):
                await (await client.get(f"/g/{GUILD}")).read()
            movie_list = list(timings)
        finally:
            await client.close()
            await api.close()
            await store.close()
    return pages, movie_list


def run(backends: Backends) -> list[Row]:
    """Return the panel's page-time figures at 1M reactions (on SQLite)."""
    data = backends.collection(SIZE)
    slugs = [slug for _, _, slug in data.movies]
    timings, movie_list = asyncio.run(_measure(data.path, slugs))
    p99 = percentile(timings, 0.99)
    return [
        Row(
            SECTION,
            SQLITE,
            "movie list (10k movies), 1M: median",
            ms(median(movie_list)),
            "-",
            "-",
            "-",
            None,
        ),
        Row(
            SECTION, SQLITE, "reactions page, 1M: median", ms(median(timings)), "-", "-", "-", None
        ),
        Row(
            SECTION,
            SQLITE,
            "reactions page, 1M: p99",
            ms(p99),
            "-",
            "-",
            f"<= {ms(TARGET_P99)}",
            p99 <= TARGET_P99,
        ),
    ]
