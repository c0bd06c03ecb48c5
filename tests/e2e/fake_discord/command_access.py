"""Who Discord shows a command to, and where: permissions, contexts and install types.

Sources:
- https://discord.com/developers/docs/interactions/application-commands#application-command-object
- https://discord.com/developers/docs/interactions/application-commands#permissions
- https://discord.com/developers/docs/topics/permissions

Discord hides a command a member may not use, so a real client cannot invoke it. The
driver refuses such invocations (``HiddenCommandError``) unless a test forces them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.e2e.fake_discord import payloads
from tests.e2e.fake_discord.models import Channel, Member
from tests.e2e.fake_discord.world import World

# Interaction context types: 0 guild, 1 bot DM, 2 private channel; integration types:
# 0 guild install, 1 user install (docs: Application Commands > Application Command Object).
ALL_CONTEXTS = [0, 1, 2]
GUILD_INSTALL = [0]


class HiddenCommandError(PermissionError):
    """Discord would not offer this command to this user here."""


def stored_command(command: Mapping[str, Any]) -> dict[str, Any]:
    """Fill in what Discord stores for fields a bulk overwrite left out.

    ``contexts`` defaults to every context for a new command ("By default, all interaction
    context types included for new commands"); the deprecated ``dm_permission: false`` still
    removes the DM contexts. ``integration_types`` defaults to the app's installation
    contexts (the fake's app is installed to guilds only). Docs: Application Commands >
    Application Command Object.
    """
    contexts = command.get("contexts")
    if contexts is None:
        contexts = [0] if command.get("dm_permission") is False else list(ALL_CONTEXTS)
    return {
        "default_member_permissions": None,
        "dm_permission": True,
        **command,
        "contexts": contexts,
        "integration_types": command.get("integration_types") or list(GUILD_INSTALL),
    }


def _synced(world: World, data: Mapping[str, Any], channel: Channel) -> dict[str, Any]:
    guild_id = int(data["guild_id"]) if data.get("guild_id") else None
    for command in world.commands_for(guild_id if guild_id is not None else channel.guild_id):
        if command["id"] == data["id"]:
            return command
    raise LookupError(f"no synced command {data['name']!r}")


def check_visible(
    world: World, data: Mapping[str, Any], member: Member | None, channel: Channel, *, context: int
) -> None:
    """Raise ``HiddenCommandError`` when Discord would not show the command to ``member``.

    - ``contexts`` must hold the interaction's context (0 in a guild, 1 in the bot's DM).
    - In a guild, ``default_member_permissions`` are needed by the member ("0": admins
      only) and Use Application Commands in the channel (docs: Application Commands >
      Permissions; Permissions table, USE_APPLICATION_COMMANDS).
    """
    command = _synced(world, data, channel)
    name = command["name"]
    if context not in (command.get("contexts") or ALL_CONTEXTS):
        raise HiddenCommandError(f"/{name} is not offered in context {context}")
    if member is None:
        return
    granted = world.permissions_in(member, channel)
    if not granted & payloads.USE_APPLICATION_COMMANDS:
        raise HiddenCommandError(f"{member.user.username} may not use commands in #{channel.name}")
    required = command.get("default_member_permissions")
    if required is None:
        return
    needed = int(required)
    if granted & payloads.ADMINISTRATOR:
        return
    if needed == 0 or granted & needed != needed:
        raise HiddenCommandError(
            f"/{name} needs permissions {needed} (default_member_permissions); "
            f"{member.user.username} has {granted}"
        )
