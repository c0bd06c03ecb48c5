"""The fake's in-memory Discord: guilds, messages, synced commands and open interactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tests.e2e.fake_discord import payloads, permissions
from tests.e2e.fake_discord.models import Channel, Guild, Member, Role, Upload, User


@dataclass
class InteractionRecord:
    """An interaction the fake dispatched and what the bot did with it."""

    id: int
    token: str
    kind: int
    payload: dict[str, Any]
    guild: Guild
    channel: Channel
    member: Member
    dispatched_at: float
    message_id: int | None = None
    response_type: int | None = None
    response: dict[str, Any] | None = None
    original_message_id: int | None = None
    late: bool = False

    @property
    def name(self) -> str:
        """Describe the interaction for error messages."""
        data = self.payload.get("data") or {}
        return str(data.get("name") or data.get("custom_id") or self.id)


@dataclass(frozen=True)
class SentNonce:
    """The message the bot last created with a nonce, and when (the fake's clock)."""

    channel_id: int
    message_id: int
    at: float


@dataclass
class World:
    """Everything the fake Discord knows; handlers and the driver share one instance."""

    base_url: str = ""
    bot: User = field(default_factory=lambda: User(payloads.snowflake(), "reel-bot", bot=True))
    app_owner: User = field(default_factory=lambda: User(payloads.snowflake(), "app-owner"))
    application_id: int = field(default_factory=payloads.snowflake)
    guilds: dict[int, Guild] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    global_commands: list[dict[str, Any]] = field(default_factory=list)
    guild_commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    interactions: dict[int, InteractionRecord] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    modals: list[tuple[InteractionRecord, dict[str, Any]]] = field(default_factory=list)
    dm_channels: dict[int, Channel] = field(default_factory=dict)
    # The bot's messages created with a nonce, by (author id, nonce as text).
    nonces: dict[tuple[int, str], SentNonce] = field(default_factory=dict)

    def create_guild(self, name: str = "Test Guild") -> Guild:
        """Create a guild with an owner, a moderator, a member, the bot and one channel."""
        guild_id = payloads.snowflake()
        everyone = Role(guild_id, "@everyone", payloads.EVERYONE_PERMISSIONS)
        moderator_role = Role(payloads.snowflake(), "Moderator", payloads.MANAGE_MESSAGES, 2)
        bot_role = Role(payloads.snowflake(), "Reel", payloads.MANAGE_MESSAGES, 1)

        def person(username: str, *roles: Role) -> Member:
            return Member(
                User(payloads.snowflake(), username), guild_id, tuple(r.id for r in roles)
            )

        guild = Guild(
            id=guild_id,
            name=name,
            owner=person("owner"),
            moderator=person("moderator", moderator_role),
            member=person("member"),
            bot_member=Member(self.bot, guild_id, (bot_role.id,)),
            roles=[everyone, moderator_role, bot_role],
        )
        guild.members = [guild.owner, guild.moderator, guild.member, guild.bot_member]
        self.guilds[guild_id] = guild
        self.add_channel(guild, "general")
        return guild

    def add_channel(self, guild: Guild, name: str, denied: int = 0) -> Channel:
        """Add a text channel to ``guild`` (``denied``: bits @everyone may not use there)."""
        channel = Channel(
            payloads.snowflake(), guild.id, name, position=len(guild.channels), denied=denied
        )
        guild.channels.append(channel)
        self.channels[channel.id] = channel
        return channel

    def add_thread(self, guild: Guild, parent: Channel, name: str) -> Channel:
        """Add a public thread (type 11) under ``parent``; it has its parent's permissions."""
        thread = Channel(
            payloads.snowflake(),
            guild.id,
            name,
            type=payloads.THREAD_CHANNEL_TYPE,
            parent_id=parent.id,
        )
        guild.channels.append(thread)
        self.channels[thread.id] = thread
        return thread

    def permissions_in(self, member: Member, channel: Channel) -> int:
        """Return ``member``'s permissions in a guild ``channel`` (roles, overwrites, implicit)."""
        guild = self.guilds[channel.guild_id]
        return permissions.channel_permissions(member, guild, channel, self.channels)

    def bot_permissions_in(self, channel: Channel) -> int | None:
        """Return the bot's permissions in ``channel``; None in a DM (no guild rules apply)."""
        guild = self.guilds.get(channel.guild_id)
        return None if guild is None else self.permissions_in(guild.bot_member, channel)

    def add_member(self, guild: Guild, username: str, roles: tuple[Role, ...] = ()) -> Member:
        """Add another person to ``guild``."""
        member = Member(User(payloads.snowflake(), username), guild.id, tuple(r.id for r in roles))
        guild.members.append(member)
        return member

    def member(self, guild_id: int, user_id: int) -> Member | None:
        """Find a guild member by user id."""
        guild = self.guilds.get(guild_id)
        return next((m for m in guild.members if m.id == user_id), None) if guild else None

    def store_upload(self, channel_id: int, upload: Upload) -> dict[str, Any]:
        """Keep the bytes, serve them over HTTP and return the attachment object."""
        attachment_id = payloads.snowflake()
        path = f"/attachments/{channel_id}/{attachment_id}/{upload.filename}"
        self.uploads[path] = upload
        url = self.base_url + quote(path)
        return payloads.attachment_payload(
            attachment_id, upload.filename, len(upload.data), upload.content_type, url
        )

    def commands_for(self, guild_id: int | None) -> list[dict[str, Any]]:
        """Return the commands a user in ``guild_id`` sees: guild ones first, then global."""
        return [*self.guild_commands.get(guild_id or 0, []), *self.global_commands]

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        """Find the interaction a webhook token belongs to."""
        return next((i for i in self.interactions.values() if i.token == token), None)

    def open_dm(self, user: User) -> Channel:
        """Return the DM channel between the bot and ``user`` (type 1, guild id 0)."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(
                payloads.snowflake(), 0, f"dm-{user.username}", type=payloads.DM_CHANNEL_TYPE
            )
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel
