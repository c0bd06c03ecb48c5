"""Interaction data built from the commands the bot synced, and filled-in modals."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any

from tests.e2e.fake_discord import payloads
from tests.e2e.fake_discord.models import Channel, Guild, Member, Role, Upload, User
from tests.e2e.fake_discord.world import World

AttachmentLike = Upload | tuple[str, bytes] | tuple[str, bytes, str]
SELECT_TYPES = {3, 5, 6, 7, 8}
FILE_UPLOAD = 19  # a modal's file upload, inside a label (type 18)


def as_upload(item: AttachmentLike) -> Upload:
    """Accept an ``Upload`` or a ``(filename, data[, content_type])`` tuple."""
    if isinstance(item, Upload):
        return item
    filename, data, *kind = item
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Upload(filename, data, kind[0] if kind else guessed)


def member_of(world: World, who: Member | User | None, guild: Guild) -> Member:
    """Resolve a person to their membership of ``guild`` (default: the plain member)."""
    if who is None:
        return guild.member
    found = world.member(guild.id, who.id)
    if found is None:
        raise LookupError(f"{who} is not a member of guild {guild.name!r}")
    return found


def modal_components(modal: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Build a modal submit's components from the modal the bot sent and the user's input."""
    remaining = dict(values)
    filled = [_fill(component, remaining) for component in modal.get("components") or []]
    if remaining:
        raise ValueError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(remaining)}")
    return [component for component in filled if component]


def command_data(
    world: World, name: str, values: Mapping[str, Any], channel: Channel, focused: str | None
) -> dict[str, Any]:
    """Build slash or autocomplete data for ``name`` ("reel admin purge") from synced commands.

    Raises ``LookupError``/``ValueError``/``TypeError`` for what a Discord client would not
    let a user send: unknown commands or options, missing required options, wrong types.
    """
    path = name.split()
    synced = world.commands_for(channel.guild_id)
    command = next((c for c in synced if c.get("type", 1) == 1 and c["name"] == path[0]), None)
    if command is None:
        names = sorted(c["name"] for c in synced)
        raise LookupError(f"the bot synced no slash command {path[0]!r}; synced: {names}")
    chain: list[dict[str, Any]] = []
    node = command
    for part in path[1:]:
        options = node.get("options") or []
        found = next((o for o in options if o["name"] == part and o["type"] in {1, 2}), None)
        if found is None:
            raise LookupError(f"/{name}: no subcommand or group {part!r}")
        chain.append(node := found)
    schema = node.get("options") or []
    if any(option["type"] in {1, 2} for option in schema):
        subs = [option["name"] for option in schema]
        raise ValueError(f"/{name} is a group; name one of its subcommands: {subs}")
    guild = world.guilds[channel.guild_id]
    resolved: dict[str, dict[str, Any]] = {}
    options = _leaf_options(world, schema, values, guild, channel, resolved, focused)
    for parent in reversed(chain):
        options = [{"name": parent["name"], "type": parent["type"], "options": options}]
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": 1,
        "options": options,
    }
    if resolved:
        data["resolved"] = resolved
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data


def _leaf_options(
    world: World,
    schema: list[dict[str, Any]],
    values: Mapping[str, Any],
    guild: Guild,
    channel: Channel,
    resolved: dict[str, dict[str, Any]],
    focused: str | None,
) -> list[dict[str, Any]]:
    unknown = set(values) - {option["name"] for option in schema}
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}; the command has {schema}")
    built = []
    for option in schema:
        name = option["name"]
        if name not in values:
            if option.get("required") and focused is None:
                raise ValueError(f"required option {name!r} is missing")
            continue
        entry = {"name": name, "type": option["type"]}
        if name == focused:
            if not option.get("autocomplete"):
                raise ValueError(f"option {name!r} does not have autocomplete")
            built.append(entry | {"value": values[name], "focused": True})
            continue
        value = _option_value(world, option, values[name], guild, channel, resolved)
        built.append(entry | {"value": value})
    if focused is not None and focused not in values:
        raise ValueError(f"the focused option {focused!r} needs a (partial) value")
    return built


def _option_value(
    world: World,
    option: dict[str, Any],
    value: Any,
    guild: Guild,
    channel: Channel,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    kind, name = option["type"], option["name"]
    scalar_types = {3: (str,), 4: (int,), 5: (bool,), 10: (int, float)}
    if kind in scalar_types:
        if not isinstance(value, scalar_types[kind]) or (kind in {4, 10} and value is True):
            raise TypeError(f"option {name!r} (type {kind}) cannot take {value!r}")
        choices = [c["value"] for c in option.get("choices") or []]
        if choices and value not in choices:
            raise ValueError(f"option {name!r} must be one of {choices}, not {value!r}")
        return value
    if isinstance(value, Member | User) and kind in {6, 9}:
        member = member_of(world, value, guild)
        resolved.setdefault("users", {})[str(member.id)] = payloads.user_payload(member.user)
        data = payloads.member_payload(member, guild, with_user=False)
        resolved.setdefault("members", {})[str(member.id)] = data
        return str(member.id)
    if isinstance(value, Role) and kind in {8, 9}:
        resolved.setdefault("roles", {})[str(value.id)] = payloads.role_payload(value)
        return str(value.id)
    if isinstance(value, Channel) and kind == 7:
        data = payloads.channel_payload(value, payloads.ALL_PERMISSIONS)
        resolved.setdefault("channels", {})[str(value.id)] = data
        return str(value.id)
    if kind == 11 and isinstance(value, Upload | tuple):
        attachment = world.store_upload(channel.id, as_upload(value))
        resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        return attachment["id"]
    raise TypeError(f"option {name!r} (type {kind}) cannot take {value!r}")


def _fill(component: dict[str, Any], remaining: dict[str, Any]) -> dict[str, Any] | None:
    kind = component.get("type")
    if kind == 1:
        children = [_fill(c, remaining) for c in component.get("components") or []]
        return {"type": 1, "components": [c for c in children if c]}
    if kind == 18:
        inner = _fill(component["component"], remaining)
        return {"type": 18, "component": inner} if inner else None
    custom_id = str(component.get("custom_id") or "")
    if kind == 4:
        value = str(remaining.pop(custom_id, component.get("value") or ""))
        if component.get("required", True) and not value:
            raise ValueError(f"text input {custom_id!r} is required")
        low, high = component.get("min_length") or 0, component.get("max_length") or 4000
        if value and not low <= len(value) <= high:
            raise ValueError(f"text input {custom_id!r} takes {low}..{high} characters")
        return {"type": 4, "custom_id": custom_id, "value": value}
    if kind in SELECT_TYPES or kind == FILE_UPLOAD:
        chosen = list(remaining.pop(custom_id, []))
        if kind == FILE_UPLOAD and component.get("required", True) and not chosen:
            raise ValueError(f"file upload {custom_id!r} is required")
        return {"type": kind, "custom_id": custom_id, "values": chosen}
    return None
