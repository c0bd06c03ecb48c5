"""Serve the panel: beside the bot in its process, or alone (`python -m bot web`)."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from bot.config import ConfigError, Settings, WebSettings
from bot.ingest.fetch import FetchPolicy
from bot.store.protocol import ReactionStore
from bot.web.app import create_app
from bot.web.discord_api import DiscordApi
from bot.web.moderators import RestModeratorCheck

log = logging.getLogger(__name__)


def required_web(settings: Settings) -> WebSettings:
    """Return the panel's settings, or say which one is missing."""
    web_settings = settings.web
    if web_settings is None:
        raise ConfigError("WEB_LISTEN is not set: give the panel a HOST:PORT to listen on.")
    if not settings.discord_token:
        raise ConfigError("DISCORD_TOKEN is not set: the panel asks Discord as the bot.")
    if not web_settings.client_secret:
        raise ConfigError("DISCORD_CLIENT_SECRET is not set: the panel's log-in needs it.")
    if len(web_settings.session_secret.reveal()) < 16:
        raise ConfigError("WEB_SESSION_SECRET must be set, at least 16 characters long.")
    return web_settings


async def start_panel(settings: Settings, store: ReactionStore) -> web.AppRunner:
    """Start serving the panel on WEB_LISTEN over ``store``; return the runner to clean up."""
    web_settings = required_web(settings)
    api = DiscordApi(settings.discord_token, settings.discord_api_base)
    app = create_app(
        store,
        api,
        RestModeratorCheck(api, store),
        web_settings,
        fetch_policy=FetchPolicy(allow_hosts=settings.fetch_allow_hosts),
    )

    async def close_api(_: web.Application) -> None:
        await api.close()

    app.on_cleanup.append(close_api)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    await web.TCPSite(runner, web_settings.host, web_settings.port).start()
    log.info(
        "Web panel listening on %s:%d for %s",
        web_settings.host,
        web_settings.port,
        web_settings.public_url,
    )
    return runner


async def serve_alone(settings: Settings) -> None:
    """Serve the panel without the gateway until SIGINT or SIGTERM."""
    from bot.ingest.worker import shutdown_worker
    from bot.store import opened_store

    required_web(settings)
    async with opened_store(settings) as store:
        runner = await start_panel(settings, store)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        await runner.cleanup()
        await shutdown_worker()
