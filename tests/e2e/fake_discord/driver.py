"""The test-facing API: build guilds, inject messages and interactions, wait on requests."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tests.e2e.fake_discord import command_access, payloads
from tests.e2e.fake_discord.handles import InteractionHandle, custom_ids, find_component
from tests.e2e.fake_discord.models import Channel, Guild, Member, Overwrite, Role, User
from tests.e2e.fake_discord.options import (
    SELECT_TYPES,
    AttachmentLike,
    as_upload,
    command_data,
    member_of,
    modal_components,
)
from tests.e2e.fake_discord.recorder import Call, Matcher
from tests.e2e.fake_discord.world import InteractionRecord

if TYPE_CHECKING:
    from tests.e2e.fake_discord.fake import FakeDiscord

MessageRef = int | str | Mapping[str, Any] | Call
MENTION = re.compile(r"<@!?(\d+)>")


class Driver:
    """Act as Discord's users: every injection moves ``cursor``, the default for waits."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world
        self.gateway = fake.gateway
        self.recorder = fake.recorder
        self.cursor = 0
        # Called (with the text) when a test sends a guild message whose content the bot
        # cannot read: no Message Content intent and no mention of the bot. The e2e
        # fixtures skip such tests when the whole suite runs without the intent.
        self.on_hidden_content: Callable[[str], None] | None = None

    # Waiting on recorded requests.

    def mark(self) -> int:
        """Return a cursor for ``since=``: only requests recorded after now."""
        return self.recorder.mark()

    async def wait_for(
        self,
        match: Matcher,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - mirrors asyncio.wait_for / Client.wait_for
        since: int | None = None,
    ) -> Call:
        """Wait for a request matching a pattern (``"POST /channels/{id}/messages"``) or predicate.

        Searches from ``since`` (default: the last injected event), so a reply that arrived
        before the wait began still counts. Raises ``TimeoutError`` listing what did arrive.
        """
        __tracebackhide__ = True
        self.fake.check_loop()
        start = self.cursor if since is None else since
        return await self.recorder.wait_for(match, timeout=timeout, since=start)

    def calls(self, match: Matcher, *, since: int | None = None) -> list[Call]:
        """Return the matching requests since ``since`` (default: the last injected event)."""
        return self.recorder.matching(match, self.cursor if since is None else since)

    def message(self, ref: MessageRef) -> dict[str, Any]:
        """Return the current state of a stored message (id, payload, or a call answering one)."""
        if isinstance(ref, Call):
            ref = ref.response or {}
        if isinstance(ref, Mapping):
            resource = ref.get("resource")
            ref = resource["message"]["id"] if isinstance(resource, Mapping) else ref["id"]
        found = self.world.messages.get(int(str(ref)))
        if found is None:
            raise LookupError(f"the fake holds no message {ref}")
        return found

    # Building the world.

    async def create_guild(self, name: str = "Test Guild") -> Guild:
        """Create a guild (owner, moderator, member, bot, #general); GUILD_CREATE if connected."""
        guild = self.world.create_guild(name)
        await self.gateway.publish("GUILD_CREATE", payloads.guild_create_payload(guild))
        return guild

    async def create_channel(self, guild: Guild, name: str = "test", denied: int = 0) -> Channel:
        """Add a text channel (a fresh one per test keeps tests apart); CHANNEL_CREATE."""
        channel = self.world.add_channel(guild, name, denied)
        await self.gateway.publish("CHANNEL_CREATE", payloads.channel_payload(channel))
        return channel

    async def create_thread(self, parent: Channel, name: str = "thread") -> Channel:
        """Add a public thread under ``parent``; THREAD_CREATE."""
        thread = self.world.add_thread(self.world.guilds[parent.guild_id], parent, name)
        data = payloads.channel_payload(thread) | {"newly_created": True}
        await self.gateway.publish("THREAD_CREATE", data)
        return thread

    async def set_overwrite(
        self, channel: Channel, target: Role | Member, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set ``target``'s permission overwrite in ``channel``; CHANNEL_UPDATE.

        ``target`` may be the bot's member (``guild.bot_member``) to take a permission from
        the bot in one channel, or the guild's @everyone role.
        """
        kind = 1 if isinstance(target, Member) else 0
        kept = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites = [*kept, Overwrite(target.id, kind, allow, deny)]
        await self.gateway.publish("CHANNEL_UPDATE", payloads.channel_payload(channel))

    async def delete_channel(self, channel: Channel) -> None:
        """Delete a channel (its messages go with it); CHANNEL_DELETE."""
        guild = self.world.guilds[channel.guild_id]
        guild.channels.remove(channel)
        self.world.channels.pop(channel.id, None)
        for message_id in [
            key for key, m in self.world.messages.items() if m["channel_id"] == str(channel.id)
        ]:
            del self.world.messages[message_id]
        await self.gateway.publish("CHANNEL_DELETE", payloads.channel_payload(channel))

    async def create_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        """Add a role to the guild; GUILD_ROLE_CREATE."""
        role = Role(payloads.snowflake(), name, permissions, len(guild.roles))
        guild.roles.append(role)
        data = {"guild_id": str(guild.id), "role": payloads.role_payload(role)}
        await self.gateway.publish("GUILD_ROLE_CREATE", data)
        return role

    async def add_member(self, guild: Guild, username: str, *roles: Role) -> Member:
        """Add a person to the guild; GUILD_MEMBER_ADD."""
        member = self.world.add_member(guild, username, roles)
        data = payloads.member_payload(member) | {"guild_id": str(guild.id)}
        await self.gateway.publish("GUILD_MEMBER_ADD", data)
        return member

    def _default_channel(self) -> Channel:
        if not self.world.guilds:
            raise LookupError("create a guild first")
        return next(iter(self.world.guilds.values())).channel

    def _member(self, who: Member | User | None, guild: Guild) -> Member:
        return member_of(self.world, who, guild)

    # Injecting events.

    async def send_message(
        self,
        channel: Channel | None = None,
        author: Member | User | None = None,
        content: str = "",
        attachments: Iterable[AttachmentLike] = (),
    ) -> dict[str, Any]:
        """Dispatch MESSAGE_CREATE from a user; attachments are served by the fake's CDN."""
        channel = channel or self._default_channel()
        guild = self.world.guilds[channel.guild_id]
        member = self._member(author, guild)
        files = [self.world.store_upload(channel.id, as_upload(a)) for a in attachments]
        mentions = []
        for user_id in dict.fromkeys(int(m) for m in MENTION.findall(content)):
            mentioned = self.world.member(guild.id, user_id)
            if mentioned is not None:
                extra = {"member": payloads.member_payload(mentioned, with_user=False)}
                mentions.append(payloads.user_payload(mentioned.user) | extra)
        bot_id = str(self.world.bot.id)
        hidden = not self.gateway.enabled_intents & payloads.MESSAGE_CONTENT_INTENT
        if hidden and self.on_hidden_content and all(m["id"] != bot_id for m in mentions):
            self.on_hidden_content(content)
        message = payloads.message_payload(
            message_id=payloads.snowflake(),
            channel=channel,
            author=member.user,
            member=member,
            content=content,
            attachments=files,
            mentions=mentions,
        )
        self.world.messages[int(message["id"])] = message
        self.fake.check_loop()
        self.cursor = self.recorder.mark()
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        user: Member | User | None = None,
        channel: Channel | None = None,
        *,
        force: bool = False,
    ) -> InteractionHandle:
        """Dispatch a slash command (type 2) built from what the bot synced.

        ``name`` may name a subcommand: ``"reel add"`` or ``"reel admin purge"``. Option
        values are Python values: str, int, float, bool, a Member/User, Channel, Role, or an
        ``Upload`` for attachment options (served by the fake, listed in ``resolved``).
        Raises ``command_access.HiddenCommandError`` when Discord would not offer the command to
        ``user`` there (``default_member_permissions``, ``contexts``, Use Application
        Commands); ``force=True`` sends it anyway, as a stale or modified client could.
        """
        channel = channel or self._default_channel()
        data = command_data(self.world, name, options or {}, channel, focused=None)
        guild = self.world.guilds[channel.guild_id]
        member = self._member(user, guild)
        if not force:
            command_access.check_visible(self.world, data, member, channel, context=0)
        return await self._interaction(2, data, channel, member)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        focused: str,
        user: Member | User | None = None,
        channel: Channel | None = None,
        timeout: float = 3.0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Dispatch an autocomplete (type 4) for option ``focused``; return the bot's choices."""
        channel = channel or self._default_channel()
        data = command_data(self.world, name, options, channel, focused=focused)
        guild = self.world.guilds[channel.guild_id]
        member = self._member(user, guild)
        command_access.check_visible(self.world, data, member, channel, context=0)
        handle = await self._interaction(4, data, channel, member)
        body = (await handle.callback(timeout)).json or {}
        if body.get("type") != 8:
            raise AssertionError(f"autocomplete answered with callback {body!r}")
        return list((body.get("data") or {}).get("choices") or [])

    async def click(
        self,
        message: MessageRef,
        custom_id: str,
        user: Member | User | None = None,
        values: list[str] | None = None,
    ) -> InteractionHandle:
        """Dispatch a component interaction (type 3) for a button or select on a bot message."""
        stored = self.message(message)
        component = find_component(stored["components"], custom_id)
        if component is None:
            have = custom_ids(stored["components"])
            raise LookupError(f"message {stored['id']} has no component {custom_id!r}; has {have}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        channel = self.world.channels[int(stored["channel_id"])]
        member = self._member(user, self.world.guilds[channel.guild_id])
        owner = (stored.get("interaction_metadata") or {}).get("user", {}).get("id")
        if stored["flags"] & payloads.EPHEMERAL_FLAG and owner != str(member.id):
            raise LookupError(f"ephemeral message {stored['id']} is not visible to {member.user}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in SELECT_TYPES:
            data["values"] = list(values or [])
        return await self._interaction(3, data, channel, member, stored)

    async def submit_modal(
        self, custom_id: str, values: Mapping[str, Any], user: Member | User | None = None
    ) -> InteractionHandle:
        """Dispatch a modal submit (type 5) for the modal the bot last showed ``user``.

        ``values`` maps each input's custom id to its text, a select's list of values, or a
        file upload's list of files (``Upload`` or ``(filename, data)``), which the fake
        serves and lists in ``resolved.attachments`` as Discord does.
        """
        shown = [
            (record, modal)
            for record, modal in self.world.modals
            if modal.get("custom_id") == custom_id and (user is None or record.member.id == user.id)
        ]
        if not shown:
            raise LookupError(f"the bot showed no modal {custom_id!r} to {user}")
        record, modal = shown[-1]
        filled: dict[str, Any] = {}
        resolved: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, list) and value and not isinstance(value[0], str):
                stored = [self.world.store_upload(record.channel.id, as_upload(v)) for v in value]
                resolved.update({a["id"]: a for a in stored})
                value = [a["id"] for a in stored]
            filled[key] = value
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "components": modal_components(modal, filled),
        }
        if resolved:
            data["resolved"] = {"attachments": resolved}
        message = self.world.messages.get(record.message_id or 0)
        return await self._interaction(5, data, record.channel, record.member, message)

    async def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        channel: Channel,
        member: Member,
        message: dict[str, Any] | None = None,
    ) -> InteractionHandle:
        guild = self.world.guilds[channel.guild_id]
        interaction_id, token = payloads.snowflake(), secrets.token_urlsafe(48)
        granted = (
            self.world.permissions_in(member, channel),
            self.world.bot_permissions_in(channel),
        )
        payload = payloads.interaction_payload(
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            data=data,
            application_id=self.world.application_id,
            guild=guild,
            channel=channel,
            member=member,
            permissions=(granted[0], granted[1] or 0),
            message=message,
        )
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            kind=kind,
            payload=payload,
            guild=guild,
            channel=channel,
            member=member,
            dispatched_at=self.fake.now(),
            message_id=int(message["id"]) if message else None,
        )
        self.world.interactions[interaction_id] = record
        self.fake.check_loop()
        self.cursor = self.recorder.mark()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(self, record, self.cursor)

    # Direct messages with the bot.

    def open_dm(self, user: Member | User) -> Channel:
        """Return the DM channel between the bot and ``user`` (created on first use)."""
        return self.world.open_dm(user.user if isinstance(user, Member) else user)

    async def send_dm(self, author: Member | User, content: str) -> dict[str, Any]:
        """Dispatch MESSAGE_CREATE in the author's DM with the bot (no ``guild_id``)."""
        user = author.user if isinstance(author, Member) else author
        channel = self.open_dm(user)
        message = payloads.message_payload(
            message_id=payloads.snowflake(), channel=channel, author=user, content=content
        )
        self.world.messages[int(message["id"])] = message
        self.fake.check_loop()
        self.cursor = self.recorder.mark()
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    async def slash_dm(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        user: Member | None = None,
        guild: Guild | None = None,
        *,
        force: bool = False,
    ) -> InteractionHandle:
        """Dispatch a slash command from ``user``'s DM with the bot (``context`` 1, no guild).

        Discord offers guild commands only in their guild, so a real client could not send
        this; it is built from what ``guild`` synced (as a global command, without its
        ``guild_id``). It raises ``command_access.HiddenCommandError`` unless the command's
        ``contexts`` include DMs; ``force=True`` sends it anyway, to check that the bot
        refuses a guild-only command it gets anyway.
        """
        guild = guild or next(iter(self.world.guilds.values()))
        member = self._member(user, guild)
        channel = self.open_dm(member)
        data = command_data(self.world, name, options or {}, guild.channel, focused=None)
        if not force:
            command_access.check_visible(self.world, data, None, channel, context=1)
        data.pop("guild_id", None)
        interaction_id, token = payloads.snowflake(), secrets.token_urlsafe(48)
        payload = payloads.dm_interaction_payload(
            interaction_id=interaction_id,
            token=token,
            kind=2,
            data=data,
            application_id=self.world.application_id,
            channel=channel,
            user=member.user,
        )
        # The fake's own bookkeeping (follow-ups, replies) still names the user's guild.
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            kind=2,
            payload=payload,
            guild=guild,
            channel=channel,
            member=member,
            dispatched_at=self.fake.now(),
        )
        self.world.interactions[interaction_id] = record
        self.fake.check_loop()
        self.cursor = self.recorder.mark()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(self, record, self.cursor)
