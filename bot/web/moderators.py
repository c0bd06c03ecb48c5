"""Who may use the panel for a server: asked of Discord by the bot on every request."""

from __future__ import annotations

from typing import Protocol

from bot.services.permissions import member_is_moderator
from bot.store.protocol import ReactionStore
from bot.web.discord_api import DiscordApi

# https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
ADMINISTRATOR = 1 << 3
MANAGE_MESSAGES = 1 << 13


class ModeratorCheck(Protocol):
    """Say whether a user moderates a guild, by the same rule as the commands."""

    async def is_moderator(self, guild_id: int, user_id: int) -> bool:
        """Return True only when the user is a member of the guild and moderates it."""


def guild_permissions(
    roles: dict[int, int], guild_id: int, role_ids: tuple[int, ...], *, owner: bool
) -> int:
    """Compute a member's guild-wide permission bits from @everyone and their roles."""
    if owner:
        return ~0
    bits = roles.get(guild_id, 0)
    for role_id in role_ids:
        bits |= roles.get(role_id, 0)
    return ~0 if bits & ADMINISTRATOR else bits


class RestModeratorCheck:
    """Ask Discord's REST API, as the bot, for the member and the guild's roles.

    Works in the bot's process and in `python -m bot web` alike; nothing is cached, so a
    moderator whose role was taken away is refused on their next request.
    """

    def __init__(self, api: DiscordApi, store: ReactionStore) -> None:
        self.api = api
        self.store = store

    async def is_moderator(self, guild_id: int, user_id: int) -> bool:
        """Return True only when the user is a member of the guild and moderates it."""
        member = await self.api.member(guild_id, user_id)
        if member is None:
            return False
        roles = await self.api.role_permissions(guild_id)
        bits = guild_permissions(roles, guild_id, member.role_ids, owner=member.is_owner)
        return await member_is_moderator(
            self.store,
            guild_id,
            manage_messages=bool(bits & MANAGE_MESSAGES),
            role_ids=member.role_ids,
        )
