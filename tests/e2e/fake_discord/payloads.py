"""Factories for Discord API v10 JSON objects (users, guilds, messages, interactions)."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

from tests.e2e.fake_discord.models import Channel, Guild, Member, Role, User

DISCORD_EPOCH_MS = 1_420_070_400_000
_increment = itertools.count()

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
SEND_TTS_MESSAGES = 1 << 12
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1
PERMISSION_NAMES = {
    "View Channel": VIEW_CHANNEL,
    "Send Messages": SEND_MESSAGES,
    "Send Messages in Threads": SEND_MESSAGES_IN_THREADS,
    "Embed Links": EMBED_LINKS,
    "Attach Files": ATTACH_FILES,
    "Read Message History": READ_MESSAGE_HISTORY,
    "Add Reactions": ADD_REACTIONS,
    "Manage Messages": MANAGE_MESSAGES,
    "Use Application Commands": USE_APPLICATION_COMMANDS,
}
EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

# Gateway intents the fake honours (https://discord.com/developers/docs/events/gateway#gateway-intents).
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_PRESENCES_INTENT = 1 << 8
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12
MESSAGE_CONTENT_INTENT = 1 << 15
# "Privileged Intents": refused with close code 4014 unless enabled for the application.
PRIVILEGED_INTENTS = GUILD_MEMBERS_INTENT | GUILD_PRESENCES_INTENT | MESSAGE_CONTENT_INTENT
THREAD_CHANNEL_TYPE = 11

EPHEMERAL_FLAG = 1 << 6
DM_CHANNEL_TYPE = 1
LOADING_FLAG = 1 << 7
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def snowflake() -> int:
    """Return a fresh snowflake whose timestamp is now."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (1 << 17) | (next(_increment) % 4096)


def iso_now() -> str:
    """Return the current time the way Discord formats timestamps."""
    return datetime.now(UTC).isoformat()


def user_payload(user: User) -> dict[str, Any]:
    """Build a user object."""
    return {
        "id": str(user.id),
        "username": user.username,
        "global_name": None if user.bot else user.username.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": user.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
    }


def role_payload(role: Role) -> dict[str, Any]:
    """Build a role object."""
    return {
        "id": str(role.id),
        "name": role.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def channel_payload(channel: Channel, permissions: int | None = None) -> dict[str, Any]:
    """Build a guild channel object (with ``permissions`` when inside an interaction)."""
    payload: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in channel.all_overwrites()
        ],
        "parent_id": str(channel.parent_id) if channel.parent_id else None,
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }
    if channel.type == THREAD_CHANNEL_TYPE:
        del payload["permission_overwrites"]  # a thread has its parent's
        payload["owner_id"] = None
        payload["thread_metadata"] = {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso_now(),
            "locked": False,
        }
        payload["message_count"] = payload["member_count"] = 0
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def member_permissions(member: Member, guild: Guild) -> int:
    """Compute a member's guild permissions from @everyone, their roles and ownership."""
    if member.id == guild.owner.id:
        return ALL_PERMISSIONS
    permissions = guild.role(guild.id).permissions
    for role_id in member.role_ids:
        permissions |= guild.role(role_id).permissions
    return ALL_PERMISSIONS if permissions & ADMINISTRATOR else permissions


def member_payload(
    member: Member, guild: Guild | None = None, *, with_user: bool = True
) -> dict[str, Any]:
    """Build a guild member; with ``guild`` the computed ``permissions`` are included."""
    payload: dict[str, Any] = {
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(role_id) for role_id in member.role_ids],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    if guild is not None:
        payload["permissions"] = str(member_permissions(member, guild))
    return payload


def guild_create_payload(guild: Guild) -> dict[str, Any]:
    """Build the GUILD_CREATE payload: the guild with its roles, channels and members."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner.id),
        "region": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "system_channel_id": str(guild.channel.id),
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "application_id": None,
        "max_members": 500_000,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [role_payload(role) for role in guild.roles],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "large": False,
        "unavailable": False,
        # discord.py skips chunking when member_count equals the members it was given.
        "member_count": len(guild.members),
        "members": [member_payload(m) for m in guild.members],
        "channels": [channel_payload(c) for c in guild.channels if c.type != THREAD_CHANNEL_TYPE],
        "threads": [channel_payload(c) for c in guild.channels if c.type == THREAD_CHANNEL_TYPE],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "incidents_data": None,
    }


def attachment_payload(
    attachment_id: int, filename: str, size: int, content_type: str, url: str
) -> dict[str, Any]:
    """Build an attachment object served from ``url``."""
    return {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
        "ephemeral": False,
    }


def message_payload(
    *,
    message_id: int,
    channel: Channel,
    author: User,
    content: str = "",
    member: Member | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Build a message object; extra keyword fields (embeds, components, flags...) override."""
    payload: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "guild_id": str(channel.guild_id),
        "author": user_payload(author),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "reactions": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
    }
    if channel.type == DM_CHANNEL_TYPE:
        del payload["guild_id"]  # a DM belongs to no guild
    if member is not None:
        payload["member"] = member_payload(member, with_user=False)
    payload.update(fields)
    return payload


def application_payload(application_id: int, bot: User, owner: User) -> dict[str, Any]:
    """Build the application object for ``GET /oauth2/applications/@me``."""
    return {
        "id": str(application_id),
        "name": bot.username,
        "icon": None,
        "description": "Fake application",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_payload(owner),
        "team": None,
        "flags": 0,
        "bot": user_payload(bot),
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": 1,
        "integration_types_config": {"0": {}},
    }


def interaction_payload(
    *,
    interaction_id: int,
    token: str,
    kind: int,
    data: dict[str, Any],
    application_id: int,
    guild: Guild,
    channel: Channel,
    member: Member,
    permissions: tuple[int, int],
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build an INTERACTION_CREATE payload sent from a guild channel.

    ``permissions`` are the member's and the bot's permissions in the channel.
    """
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel_id": str(channel.id),
        "channel": channel_payload(channel, permissions[0]),
        "member": member_payload(member, guild),
        "token": token,
        "version": 1,
        "app_permissions": str(permissions[1]),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message
    return payload


def dm_channel_payload(channel: Channel, recipient: User) -> dict[str, Any]:
    """Build a DM channel object (type 1) between the bot and ``recipient``."""
    return {
        "id": str(channel.id),
        "type": DM_CHANNEL_TYPE,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user_payload(recipient)],
    }


def dm_interaction_payload(
    *,
    interaction_id: int,
    token: str,
    kind: int,
    data: dict[str, Any],
    application_id: int,
    channel: Channel,
    user: User,
) -> dict[str, Any]:
    """Build an INTERACTION_CREATE payload sent from the bot's DM (``context`` 1, no guild)."""
    return {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "data": data,
        "channel_id": str(channel.id),
        "channel": dm_channel_payload(channel, user),
        "user": user_payload(user),
        "token": token,
        "version": 1,
        "app_permissions": str(EVERYONE_PERMISSIONS),
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": "0"},
        "context": 1,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
