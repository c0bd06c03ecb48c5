"""The few Discord REST calls the panel makes: as the bot, and as a logged-in user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.config import Secret

DISCORD_API = "https://discord.com/api/v10"
TIMEOUT = aiohttp.ClientTimeout(total=10.0)
MAX_RETRY_AFTER = 2.0
GUILD_PAGE = 200
"""Most guilds ``GET /users/@me/guilds`` returns at once."""


def _retry_after(response: aiohttp.ClientResponse) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


class DiscordApiError(Exception):
    """Discord answered with an error, or could not be reached."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"Discord answered {status}: {detail}")
        self.status = status


@dataclass(frozen=True, slots=True)
class OAuthUser:
    """The user a browser logged in as."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class GuildMember:
    """A member of a guild as the bot sees it: roles and whether they own it."""

    role_ids: tuple[int, ...]
    is_owner: bool


class DiscordApi:
    """Call Discord's REST API (or the base given, e.g. the tests' fake) over one session."""

    def __init__(self, token: Secret, base: str | None = None) -> None:
        self.base = (base or DISCORD_API).rstrip("/")
        self._token = token
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def _request(
        self, method: str, path: str, *, auth: str | None, data: dict[str, str] | None = None
    ) -> Any:
        headers = {"Authorization": auth} if auth else {}
        for attempt in range(2):
            try:
                async with self._http().request(
                    method, self.base + path, headers=headers, data=data
                ) as response:
                    # A short 429 is waited out once; a long one is the user's to retry.
                    # https://discord.com/developers/docs/topics/rate-limits
                    wait = _retry_after(response) if response.status == 429 else None
                    if wait is not None and attempt == 0 and wait <= MAX_RETRY_AFTER:
                        await asyncio.sleep(wait)
                        continue
                    if response.status >= 400:
                        raise DiscordApiError(response.status, (await response.text())[:200])
                    return await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise DiscordApiError(0, type(error).__name__) from error
        raise DiscordApiError(429, "rate limited")

    async def _as_bot(self, path: str) -> Any:
        return await self._request("GET", path, auth=f"Bot {self._token.reveal()}")

    async def application_id(self) -> int:
        """Return the bot's application id (the OAuth2 client id)."""
        return int((await self._as_bot("/oauth2/applications/@me"))["id"])

    async def bot_guild_ids(self) -> set[int]:
        """Return the ids of the guilds the bot is in (all pages of 200)."""
        found: set[int] = set()
        after = 0
        while True:
            page = await self._as_bot(f"/users/@me/guilds?limit=200&after={after}")
            found.update(int(guild["id"]) for guild in page)
            if len(page) < GUILD_PAGE:
                return found
            after = max(int(guild["id"]) for guild in page)

    async def member(self, guild_id: int, user_id: int) -> GuildMember | None:
        """Return the user's membership of the guild, or None (not a member, or no bot there)."""
        try:
            guild = await self._as_bot(f"/guilds/{guild_id}")
            member = await self._as_bot(f"/guilds/{guild_id}/members/{user_id}")
        except DiscordApiError as error:
            if error.status in (403, 404):
                return None
            raise
        return GuildMember(
            role_ids=tuple(int(role) for role in member.get("roles", [])),
            is_owner=str(guild.get("owner_id")) == str(user_id),
        )

    async def role_permissions(self, guild_id: int) -> dict[int, int]:
        """Return each role's permission bits (the @everyone role's id is the guild's)."""
        roles = await self._as_bot(f"/guilds/{guild_id}/roles")
        return {int(role["id"]): int(role["permissions"]) for role in roles}

    async def exchange_code(
        self, code: str, *, client_id: int, client_secret: Secret, redirect_uri: str
    ) -> str:
        """Trade an authorization code for the user's access token."""
        # https://discord.com/developers/docs/topics/oauth2#authorization-code-grant
        body = await self._request(
            "POST",
            "/oauth2/token",
            auth=None,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": str(client_id),
                "client_secret": client_secret.reveal(),
            },
        )
        if body.get("token_type", "").lower() != "bearer" or not body.get("access_token"):
            raise DiscordApiError(200, "no bearer token in the answer")
        return str(body["access_token"])

    async def current_user(self, access_token: str) -> OAuthUser:
        """Return who the access token belongs to."""
        body = await self._request("GET", "/users/@me", auth=f"Bearer {access_token}")
        return OAuthUser(id=int(body["id"]), name=str(body.get("global_name") or body["username"]))

    async def user_guilds(self, access_token: str) -> dict[int, str]:
        """Return the ids and names of the guilds the user is in (their OAuth2 list)."""
        body = await self._request("GET", "/users/@me/guilds", auth=f"Bearer {access_token}")
        return {int(guild["id"]): str(guild["name"]) for guild in body}

    async def text_channels(self, guild_id: int) -> dict[int, str]:
        """Return the ids and names of the guild's text channels."""
        channels = await self._as_bot(f"/guilds/{guild_id}/channels")
        return {int(c["id"]): str(c["name"]) for c in channels if c.get("type") == 0}

    async def guild_name(self, guild_id: int) -> str:
        """Return the guild's name as the bot sees it."""
        return str((await self._as_bot(f"/guilds/{guild_id}"))["name"])
