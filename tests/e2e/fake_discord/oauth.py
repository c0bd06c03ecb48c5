"""The fake's OAuth2 (authorization code grant) and the guild routes the web panel asks.

Rules, from Discord's OAuth2 docs (https://discord.com/developers/docs/topics/oauth2)
and RFC 6749, which they follow:
- The authorize URL (``/oauth2/authorize``) sends the browser back to ``redirect_uri`` with
  ``code`` and the ``state`` it was given ("Authorization Code Grant", "State and Security").
- The token URL takes only ``application/x-www-form-urlencoded`` ("OAuth2 URLs" warning),
  with the client authenticated by HTTP Basic or ``client_id``/``client_secret`` in the body
  ("All calls to the OAuth2 endpoints require either HTTP Basic authentication or
  client_id and client_secret"); a wrong secret is ``invalid_client`` (RFC 6749 §5.2).
- ``grant_type`` must be ``authorization_code``; ``redirect_uri`` must be the one "associated
  with this authorization"; a code is single-use and short-lived (RFC 6749 §4.1.2: "MUST
  expire shortly", "MUST NOT be used more than once"; §10.5), else ``invalid_grant``.
- The answer's ``token_type`` is ``Bearer`` ("Access Token Response").
- ``/users/@me`` with the ``identify`` scope, ``/users/@me/guilds`` with the ``guilds`` scope
  ("OAuth2 Scopes"); each guild is a partial guild with ``id``, ``name``, ``icon``, ``owner``,
  ``permissions`` (a string of bits) and ``features``
  (https://discord.com/developers/docs/resources/user#get-current-user-guilds).
- As the bot: ``GET /guilds/{id}``, ``/guilds/{id}/members/{user}``, ``/guilds/{id}/roles``,
  ``/guilds/{id}/channels`` (https://discord.com/developers/docs/resources/guild).
"""

from __future__ import annotations

import base64
import secrets
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from tests.e2e.fake_discord import payloads, responses
from tests.e2e.fake_discord.models import Guild, Member, User

if TYPE_CHECKING:
    from tests.e2e.fake_discord.fake import FakeDiscord
    from tests.e2e.fake_discord.server import Handler

API_PREFIX = "/api/v10"
FAKE_CLIENT_SECRET = "fake-client-secret"  # noqa: S105 - the fake's own test value
CODE_LIFETIME = 60.0
TOKEN_LIFETIME = 604_800


@dataclass
class _Grant:
    user: User
    redirect_uri: str
    scopes: frozenset[str]
    expires: float


@dataclass
class OAuthServer:
    """The fake's OAuth2 state: who the browser is logged in as, codes and tokens."""

    fake: FakeDiscord
    client_secret: str = FAKE_CLIENT_SECRET
    code_lifetime: float = CODE_LIFETIME
    browser_user: User | None = None
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, _Grant] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, fake: FakeDiscord) -> OAuthServer:
        """Return the OAuth2 server of ``fake``, made the first time."""
        found = _SERVERS.get(fake)
        if found is None:
            found = _SERVERS[fake] = cls(fake)
        return found

    def login_as(self, who: Member | User | None) -> None:
        """Say who the browser is logged in to Discord as (None: nobody)."""
        self.browser_user = who.user if isinstance(who, Member) else who

    def _refuse(self, status: int, error: str, description: str) -> web.Response:
        self.refused.append(error)
        return responses.reply({"error": error, "error_description": description}, status)

    # The browser's side.

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        """``GET /oauth2/authorize``: approve at once for the logged-in user, redirect back."""
        query = request.query
        if query.get("client_id") != str(self.fake.world.application_id):
            return web.Response(status=400, text="Unknown application")
        redirect_uri = query.get("redirect_uri", "")
        if query.get("response_type") != "code" or not redirect_uri.startswith("http"):
            return web.Response(status=400, text="Invalid OAuth2 request")
        scopes = frozenset(query.get("scope", "").split())
        if self.browser_user is None:
            return web.Response(status=401, text="Log in to Discord first")
        code = secrets.token_urlsafe(20)
        self.codes[code] = _Grant(
            self.browser_user, redirect_uri, scopes, time.monotonic() + self.code_lifetime
        )
        back = {"code": code}
        if "state" in query:
            back["state"] = query["state"]
        return web.Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(back)}"})

    # The application's side.

    def _client(self, request: web.Request, form: Any) -> tuple[str, str]:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret
        return str(form.get("client_id", "")), str(form.get("client_secret", ""))

    async def token(self, request: web.Request) -> web.Response:
        """``POST /oauth2/token``: trade a code for a Bearer token, by the rules above."""
        if request.content_type != "application/x-www-form-urlencoded":
            return self._refuse(400, "invalid_request", "form-urlencoded bodies only")
        form = await request.post()
        client_id, secret = self._client(request, form)
        if client_id != str(self.fake.world.application_id) or not secrets.compare_digest(
            secret, self.client_secret
        ):
            return self._refuse(401, "invalid_client", "Invalid client")
        if form.get("grant_type") != "authorization_code":
            return self._refuse(400, "unsupported_grant_type", "Unsupported grant type")
        grant = self.codes.pop(str(form.get("code", "")), None)  # single use: gone now
        if grant is None or grant.expires < time.monotonic():
            return self._refuse(400, "invalid_grant", 'Invalid "code" in request.')
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._refuse(400, "invalid_grant", 'Invalid "redirect_uri" in request.')
        access = secrets.token_urlsafe(24)
        self.tokens[access] = _Grant(
            grant.user, grant.redirect_uri, grant.scopes, time.monotonic() + TOKEN_LIFETIME
        )
        return responses.reply(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "refresh_token": secrets.token_urlsafe(24),
                "scope": " ".join(sorted(grant.scopes)),
            }
        )

    def bearer(self, request: web.Request, scope: str) -> User | web.Response:
        """Return the user of the request's Bearer token with ``scope``, or the 401/403."""
        header = request.headers.get("Authorization", "")
        grant = self.tokens.get(header.removeprefix("Bearer ")) if header else None
        if grant is None or grant.expires < time.monotonic():
            return responses.discord_error(401, "401: Unauthorized")
        if scope not in grant.scopes:
            return responses.discord_error(403, "Missing Access", 50001)
        return grant.user

    async def my_guilds(self, request: web.Request) -> web.Response:
        """``GET /users/@me/guilds``: the user's (Bearer) or the bot's partial guilds.

        Sorted by id and paged with ``limit`` (at most 200) and ``after``, as Discord does.
        """
        if request.headers.get("Authorization", "").startswith("Bot "):
            user: User | web.Response = self.fake.world.bot
        else:
            user = self.bearer(request, "guilds")
        if isinstance(user, web.Response):
            return user
        found: list[dict[str, Any]] = []
        after = int(request.query.get("after", "0") or 0)
        limit = min(int(request.query.get("limit", "200") or 200), 200)
        for guild in sorted(self.fake.world.guilds.values(), key=lambda g: g.id):
            if guild.id <= after:
                continue
            member = next((m for m in guild.members if m.id == user.id), None)
            if member is not None:
                found.append(
                    {
                        "id": str(guild.id),
                        "name": guild.name,
                        "icon": None,
                        "banner": None,
                        "owner": guild.owner.id == user.id,
                        "permissions": str(payloads.member_permissions(member, guild)),
                        "features": [],
                    }
                )
        return responses.reply(found[:limit])

    # The bot's side.

    def _bot_guild(self, request: web.Request) -> Guild | web.Response:
        if not request.headers.get("Authorization", "").startswith("Bot "):
            return responses.discord_error(401, "401: Unauthorized")
        guild = self.fake.world.guilds.get(int(request.match_info["guild"]))
        if guild is None or self.fake.world.bot.id not in {m.id for m in guild.members}:
            return responses.unknown("Guild", 10004)
        return guild

    async def guild(self, request: web.Request) -> web.Response:
        """``GET /guilds/{id}``: the guild with its owner and roles."""
        guild = self._bot_guild(request)
        if isinstance(guild, web.Response):
            return guild
        return responses.reply(
            {
                "id": str(guild.id),
                "name": guild.name,
                "icon": None,
                "owner_id": str(guild.owner.id),
                "roles": [payloads.role_payload(role) for role in guild.roles],
                "features": [],
            }
        )

    async def member(self, request: web.Request) -> web.Response:
        """``GET /guilds/{id}/members/{user}``."""
        guild = self._bot_guild(request)
        if isinstance(guild, web.Response):
            return guild
        member = self.fake.world.member(guild.id, int(request.match_info["user"]))
        if member is None:
            return responses.unknown("Member", 10007)
        return responses.reply(payloads.member_payload(member))

    async def roles(self, request: web.Request) -> web.Response:
        """``GET /guilds/{id}/roles``."""
        guild = self._bot_guild(request)
        if isinstance(guild, web.Response):
            return guild
        return responses.reply([payloads.role_payload(role) for role in guild.roles])

    async def channels(self, request: web.Request) -> web.Response:
        """``GET /guilds/{id}/channels``."""
        guild = self._bot_guild(request)
        if isinstance(guild, web.Response):
            return guild
        return responses.reply([payloads.channel_payload(c) for c in guild.channels])


_SERVERS: weakref.WeakKeyDictionary[FakeDiscord, OAuthServer] = weakref.WeakKeyDictionary()


def routes(fake: FakeDiscord) -> list[web.RouteDef]:
    """Return the OAuth2 and guild routes of ``fake``."""
    server = OAuthServer.of(fake)
    guild = API_PREFIX + "/guilds/{guild:\\d+}"
    return [
        web.get("/oauth2/authorize", server.authorize),
        web.post(API_PREFIX + "/oauth2/token", server.token),
        web.get(API_PREFIX + "/users/@me/guilds", server.my_guilds),
        web.get(guild, server.guild),
        web.get(guild + "/members/{user:\\d+}", server.member),
        web.get(guild + "/roles", server.roles),
        web.get(guild + "/channels", server.channels),
    ]


def user_token_middleware(fake: FakeDiscord) -> Any:
    """Answer ``GET /users/@me`` for a Bearer token with its user (the bot's route stays)."""
    server = OAuthServer.of(fake)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        bearer = request.headers.get("Authorization", "").startswith("Bearer ")
        if bearer and request.path == API_PREFIX + "/users/@me":
            user = server.bearer(request, "identify")
            if isinstance(user, web.Response):
                return user
            return responses.reply(payloads.user_payload(user))
        return await handler(request)

    return middleware
