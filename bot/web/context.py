"""What every panel handler shares: the store, Discord, templates, and who is asking."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jinja2
from aiohttp import web
from aiohttp_session import Session, get_session

from bot.config import WebSettings
from bot.domain.markdown import shorten
from bot.ingest.fetch import FetchPolicy
from bot.services.intake import PreparedArticle
from bot.store.protocol import ReactionStore
from bot.web.discord_api import DiscordApi, DiscordApiError
from bot.web.moderators import ModeratorCheck
from bot.web.preview import markdown_html
from bot.web.security import CSRF_FIELD, csrf_token

PENDING_SECONDS = 15 * 60
MAX_PENDING = 200
GUILD_NAME_SECONDS = 300.0
MAX_FLASHES = 4
MAX_FLASH_TEXT = 300
WEB_AUDIT_VIA = "web"
"""What the audit trail's ``via`` records for every change made in the panel."""


@dataclass(frozen=True, slots=True)
class Visitor:
    """The logged-in user of a request."""

    id: int
    name: str
    access_token: str


def audit_actor(user: Visitor) -> int:
    """Return who a panel change is audited as: the Discord user, as the commands record.

    Every change passes this with ``via=WEB_AUDIT_VIA``, so the audit says it was the panel.
    """
    return user.id


@dataclass(frozen=True, slots=True)
class GuildScope:
    """A server the visitor moderates, checked for this request."""

    id: int
    name: str


@dataclass(slots=True)
class PendingArticle:
    """A previewed article waiting for its moderator's confirmation in the panel."""

    guild_id: int
    user_id: int
    prepared: PreparedArticle
    expires: float


@dataclass
class Panel:
    """The panel's shared state, one per application."""

    store: ReactionStore
    api: DiscordApi
    check: ModeratorCheck
    settings: WebSettings
    fetch_policy: FetchPolicy
    templates: jinja2.Environment
    client_id: int | None = None
    pending: dict[str, PendingArticle] = field(default_factory=dict)
    _names: dict[int, tuple[float, str]] = field(default_factory=dict)

    async def oauth_client_id(self) -> int:
        """Return the application's id (its OAuth2 client id), asked of Discord once."""
        if self.client_id is None:
            self.client_id = await self.api.application_id()
        return self.client_id

    async def guild_name(self, guild_id: int) -> str:
        """Return the server's name (kept a few minutes: it is only shown)."""
        cached = self._names.get(guild_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            name = await self.api.guild_name(guild_id)
        except DiscordApiError:
            name = f"Server {guild_id}"
        self._names[guild_id] = (time.monotonic() + GUILD_NAME_SECONDS, name)
        return name

    def keep_pending(self, pending: PendingArticle) -> str:
        """Keep a previewed article for its confirmation; return the token naming it."""
        now = time.monotonic()
        for token in [t for t, p in self.pending.items() if p.expires <= now]:
            del self.pending[token]
        while len(self.pending) >= MAX_PENDING:
            del self.pending[next(iter(self.pending))]
        token = secrets.token_urlsafe(24)
        self.pending[token] = pending
        return token

    def take_pending(self, token: str, guild_id: int, user_id: int) -> PendingArticle | None:
        """Return and forget the visitor's previewed article, if it is theirs and fresh."""
        pending = self.pending.get(token)
        if pending is None or pending.guild_id != guild_id or pending.user_id != user_id:
            return None
        del self.pending[token]
        return pending if pending.expires > time.monotonic() else None


PANEL_KEY = web.AppKey("panel", Panel)


def panel_of(request: web.Request) -> Panel:
    """Return the panel the request belongs to."""
    return request.app[PANEL_KEY]


def template_environment() -> jinja2.Environment:
    """Return the Jinja2 environment: package templates, HTML escaping always on."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = markdown_html
    return env


async def visitor(request: web.Request) -> Visitor | None:
    """Return the logged-in user, or None."""
    session = await get_session(request)
    user_id, name, token = session.get("uid"), session.get("name"), session.get("token")
    if isinstance(user_id, int) and isinstance(name, str) and isinstance(token, str):
        return Visitor(user_id, name, token)
    return None


async def require_visitor(request: web.Request) -> Visitor:
    """Return the logged-in user, or send the browser to the log-in page."""
    found = await visitor(request)
    if found is None:
        raise web.HTTPFound("/")
    return found


async def require_guild(request: web.Request) -> tuple[Visitor, GuildScope]:
    """Return the visitor and the server in the URL, only if the bot says they moderate it.

    Any other server (unknown, the bot is not in it, the visitor is only a member) answers
    404, the same for all, so the panel tells nothing about servers one does not moderate.
    """
    user = await require_visitor(request)
    raw = request.match_info.get("guild", "")
    if not raw.isdigit() or len(raw) > 20:
        raise web.HTTPNotFound(text="No such server.")
    guild_id = int(raw)
    panel = panel_of(request)
    try:
        allowed = await panel.check.is_moderator(guild_id, user.id)
    except DiscordApiError as error:
        raise web.HTTPServiceUnavailable(text="Discord could not be asked; try again.") from error
    if not allowed:
        raise web.HTTPNotFound(text="No such server.")
    return user, GuildScope(guild_id, await panel.guild_name(guild_id))


async def flash(request: web.Request, text: str, *, error: bool = False) -> None:
    """Keep a message (service markdown) to show on the next page.

    Messages travel in the session cookie, so a few short ones only: browsers drop a
    cookie over 4 KB, and with it the log-in.
    """
    session = await get_session(request)
    messages = list(session.get("flash", []))[-(MAX_FLASHES - 1) :]
    messages.append(["error" if error else "ok", shorten(text, MAX_FLASH_TEXT)])
    session["flash"] = messages


async def render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    """Render a template with the visitor, their form token and pending messages."""
    session: Session = await get_session(request)
    messages = session.pop("flash", [])
    body = (
        panel_of(request)
        .templates.get_template(template)
        .render(
            visitor=await visitor(request),
            csrf=csrf_token(session),
            csrf_field=CSRF_FIELD,
            messages=messages,
            **context,
        )
    )
    return web.Response(text=body, content_type="text/html", status=status)
