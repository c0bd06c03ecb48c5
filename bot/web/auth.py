"""Discord log-in (OAuth2 authorization code, state bound to the session) and log-out."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from aiohttp import web
from aiohttp_session import get_session, new_session

from bot.web.context import panel_of, render
from bot.web.discord_api import DiscordApiError
from bot.web.security import csrf_token

# https://discord.com/developers/docs/topics/oauth2#shared-resources-oauth2-scopes
SCOPES = "identify guilds"
STATE_KEY = "oauth_state"


async def login(request: web.Request) -> web.StreamResponse:
    """Send the browser to Discord's authorize page with a fresh state kept in the session."""
    panel = panel_of(request)
    try:
        client_id = await panel.oauth_client_id()
    except DiscordApiError:
        return await render(request, "error.html", status=503, message="Discord is unreachable.")
    state = secrets.token_urlsafe(32)
    session = await get_session(request)
    session[STATE_KEY] = state
    query = urlencode(
        {
            "client_id": str(client_id),
            "redirect_uri": panel.settings.redirect_uri,
            "response_type": "code",
            "scope": SCOPES,
            "state": state,
            "prompt": "none",
        }
    )
    raise web.HTTPFound(f"{panel.settings.authorize_url}?{query}")


async def callback(request: web.Request) -> web.StreamResponse:
    """Finish the log-in: check the state, trade the code for a token, learn who it is."""
    panel = panel_of(request)
    session = await get_session(request)
    expected = session.pop(STATE_KEY, None)
    state = request.query.get("state", "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), state.encode()):
        return await render(
            request,
            "error.html",
            status=400,
            message="That log-in link is stale or was not started here. Log in again.",
        )
    code = request.query.get("code", "")
    if not code or len(code) > 200:
        return await render(
            request, "error.html", status=400, message="Discord did not approve the log-in."
        )
    try:
        token = await panel.api.exchange_code(
            code,
            client_id=await panel.oauth_client_id(),
            client_secret=panel.settings.client_secret,
            redirect_uri=panel.settings.redirect_uri,
        )
        user = await panel.api.current_user(token)
    except DiscordApiError:
        return await render(
            request, "error.html", status=400, message="Discord refused the log-in. Try again."
        )
    # A new session for the logged-in user: nothing from before the log-in carries over.
    fresh = await new_session(request)
    fresh.update(
        {"uid": user.id, "name": user.name, "token": token, "sid": secrets.token_urlsafe(16)}
    )
    csrf_token(fresh)
    raise web.HTTPFound("/")


async def logout(request: web.Request) -> web.StreamResponse:
    """Forget the session and go back to the log-in page."""
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPFound("/")
