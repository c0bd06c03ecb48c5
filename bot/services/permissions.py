"""Who is a moderator: Manage Messages, or the server's moderator role. The one rule for all."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.records import GuildSettings
from bot.store.protocol import ReactionStore


def is_moderator(
    settings: GuildSettings, *, manage_messages: bool, role_ids: Iterable[int]
) -> bool:
    """Say whether a member with these permissions and roles moderates the server."""
    if manage_messages:
        return True
    return settings.mod_role_id is not None and settings.mod_role_id in set(role_ids)


async def member_is_moderator(
    store: ReactionStore, guild_id: int, *, manage_messages: bool, role_ids: Iterable[int]
) -> bool:
    """Say whether the member moderates ``guild_id``, reading its moderator role if needed."""
    if manage_messages:
        return True
    settings = await store.get_guild_settings(guild_id)
    return is_moderator(settings, manage_messages=False, role_ids=role_ids)
