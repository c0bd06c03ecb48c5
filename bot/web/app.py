"""The panel's aiohttp application: routes, middlewares, templates and static files."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from aiohttp import web

from bot.config import WebSettings
from bot.ingest.fetch import FetchPolicy
from bot.store.protocol import ReactionStore
from bot.web import admin, articles, auth, pages
from bot.web.context import PANEL_KEY, Panel, template_environment
from bot.web.discord_api import DiscordApi
from bot.web.moderators import ModeratorCheck
from bot.web.security import RateLimiter, middlewares

REQUESTS_PER_MINUTE = 120
MAX_UPLOAD = 6 * 1024 * 1024


def static_dir() -> Path:
    """Return the folder of the panel's CSS and JavaScript (package data)."""
    return Path(str(files("bot.web") / "static"))


def create_app(
    store: ReactionStore,
    api: DiscordApi,
    check: ModeratorCheck,
    web_settings: WebSettings,
    *,
    fetch_policy: FetchPolicy | None = None,
    limiter: RateLimiter | None = None,
) -> web.Application:
    """Build the panel on ``store``, asking Discord through ``api`` and ``check``."""
    app = web.Application(
        middlewares=middlewares(web_settings, limiter or RateLimiter(REQUESTS_PER_MINUTE, 60.0)),
        client_max_size=MAX_UPLOAD,
    )
    app[PANEL_KEY] = Panel(
        store=store,
        api=api,
        check=check,
        settings=web_settings,
        fetch_policy=fetch_policy or FetchPolicy(),
        templates=template_environment(),
    )
    guild = "/g/{guild:\\d+}"
    movie = guild + "/m/{movie}"
    app.add_routes(
        [
            web.get("/", pages.index),
            web.get("/auth/login", auth.login),
            web.get("/auth/callback", auth.callback),
            web.post("/auth/logout", auth.logout),
            web.get(guild, pages.movies),
            web.get(movie, pages.reactions),
            web.post(movie + "/names", admin.rename_or_alias),
            web.post(guild + "/curate", pages.curate),
            web.get(guild + "/articles", articles.list_articles),
            web.post(guild + "/articles/preview", articles.preview),
            web.post(guild + "/articles/confirm", articles.confirm),
            web.post(guild + "/articles/{article:\\d+}/remove", articles.remove),
            web.get(guild + "/settings", admin.settings_page),
            web.post(guild + "/settings", admin.settings_save),
            web.get(guild + "/schedules", admin.schedules_page),
            web.post(guild + "/schedules", admin.schedule_change),
            web.get(guild + "/audit", admin.audit_page),
            web.static("/static", static_dir()),
        ]
    )
    return app
