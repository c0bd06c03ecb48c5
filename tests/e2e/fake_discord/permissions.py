"""Discord's permission arithmetic: guild roles, then channel overwrites, then implicit rules.

The algorithm is the one in Discord's docs, "Permissions" > "Permission Overwrites" and
"Implicit Permissions" (https://discord.com/developers/docs/topics/permissions).
"""

from __future__ import annotations

from tests.e2e.fake_discord import payloads
from tests.e2e.fake_discord.models import Channel, Guild, Member

THREAD_TYPES = frozenset({10, 11, 12})
# Without Send Messages a text channel's member also loses these ("Implicit Permissions").
NEEDS_SEND = (
    payloads.MENTION_EVERYONE
    | payloads.SEND_TTS_MESSAGES
    | payloads.ATTACH_FILES
    | payloads.EMBED_LINKS
)


def base_permissions(member: Member, guild: Guild) -> int:
    """Return guild-wide permissions: the owner and Administrator have everything."""
    return payloads.member_permissions(member, guild)


def _overwritten(permissions: int, member: Member, channel: Channel) -> int:
    """Apply @everyone's overwrite, then the member's roles' (together), then the member's."""
    overwrites = channel.all_overwrites()
    everyone = next((o for o in overwrites if o.id == channel.guild_id), None)
    if everyone is not None:
        permissions = (permissions & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for overwrite in overwrites:
        if overwrite.type == 0 and overwrite.id in member.role_ids:
            allow |= overwrite.allow
            deny |= overwrite.deny
    permissions = (permissions & ~deny) | allow
    own = next((o for o in overwrites if o.type == 1 and o.id == member.id), None)
    if own is not None:
        permissions = (permissions & ~own.deny) | own.allow
    return permissions


def channel_permissions(
    member: Member, guild: Guild, channel: Channel, channels: dict[int, Channel]
) -> int:
    """Return ``member``'s permissions in ``channel`` (a thread uses its parent's overwrites)."""
    base = base_permissions(member, guild)
    if base & payloads.ADMINISTRATOR or member.id == guild.owner.id:
        return payloads.ALL_PERMISSIONS
    holder = (
        channels.get(channel.parent_id or 0, channel) if channel.type in THREAD_TYPES else channel
    )
    permissions = _overwritten(base, member, holder)
    # "Implicit Permissions": without View Channel, nothing else in the channel applies.
    if not permissions & payloads.VIEW_CHANNEL:
        return 0
    # ... and without Send Messages (in a thread: Send Messages in Threads), its dependent
    # permissions are denied too.
    send = (
        payloads.SEND_MESSAGES_IN_THREADS
        if channel.type in THREAD_TYPES
        else payloads.SEND_MESSAGES
    )
    if not permissions & send:
        permissions &= ~NEEDS_SEND
    return permissions


def names(bits: int) -> list[str]:
    """Name the permission bits in ``bits`` that the fake knows, for error details."""
    return [name for name, bit in payloads.PERMISSION_NAMES.items() if bits & bit]
