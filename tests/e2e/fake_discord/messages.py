"""Creating, editing and deleting the bot's messages, shared by REST and interaction routes."""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.e2e.fake_discord import payloads, responses, validate
from tests.e2e.fake_discord.models import Channel, Upload
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.fake_discord.world import SentNonce

if TYPE_CHECKING:
    from tests.e2e.fake_discord.fake import FakeDiscord

SUPPRESS_EMBEDS = 1 << 2
SENDABLE_FLAGS = SUPPRESS_EMBEDS | payloads.EPHEMERAL_FLAG | (1 << 12) | (1 << 15)

# Create Message, JSON/Form Params
# (https://discord.com/developers/docs/resources/message#create-message-jsonform-params):
# ``nonce`` is an "integer or string" "(up to 25 characters)"; with ``enforce_nonce`` true
# "it will be checked for uniqueness in the past few minutes. If another message was created
# by the same author with the same nonce, that message will be returned and no new message
# will be created."
NONCE_MAX = 25
NONCE_WINDOW = 120.0
"""Seconds a nonce is remembered: the shortest reading of "the past few minutes", so a bot
that counts on Discord remembering longer fails against the fake."""


def check_payload(
    fake: FakeDiscord, call: Call, body: Any, *, creating: bool
) -> web.Response | None:
    """Record every broken rule; answer 400 when Discord itself would refuse the payload."""
    if not isinstance(body, dict):
        problem = validate.Problem("body", "the request body is not a JSON object")
        fake.violate(problem, call)
        return responses.invalid_form([problem])
    problems = validate.message_problems(body)
    for problem in [*problems, *validate.mention_problems(body)]:
        fake.violate(problem, call)
    if problems:
        return responses.invalid_form(problems)
    if creating and validate.is_empty_message(body, len(call.files)):
        fake.violate(validate.Problem("empty", "the message has nothing to show"), call)
        return responses.discord_error(400, "Cannot send an empty message", 50006)
    return None


def nonce_problems(body: dict[str, Any]) -> list[validate.Problem]:
    """Return what is wrong with a Create Message body's ``nonce`` and ``enforce_nonce``."""
    problems = []
    if "nonce" in body:
        nonce = body["nonce"]
        if isinstance(nonce, bool) or not isinstance(nonce, int | str):
            detail = f"nonce {nonce!r} is neither an integer nor a string"
            problems.append(validate.Problem("nonce", detail))
        elif len(str(nonce)) > NONCE_MAX:
            detail = f"nonce is {len(str(nonce))} characters (limit {NONCE_MAX})"
            problems.append(validate.Problem("nonce", detail))
    if "enforce_nonce" in body and not isinstance(body["enforce_nonce"], bool):
        problems.append(validate.Problem("enforce_nonce", "enforce_nonce is not a boolean"))
    return problems


def check_create_message(fake: FakeDiscord, call: Call, body: Any) -> web.Response | None:
    """Check a Create Message body: the message rules, then its nonce (400 when broken)."""
    refused = check_payload(fake, call, body, creating=True)
    if refused is not None:
        return refused
    problems = nonce_problems(body)
    for problem in problems:
        fake.violate(problem, call)
    return responses.invalid_form(problems) if problems else None


def _sent_before(
    fake: FakeDiscord, call: Call, channel: Channel, key: tuple[int, str]
) -> dict[str, Any] | None:
    """Return the message an enforced nonce was already used for, within the window."""
    sent = fake.world.nonces.get(key)
    if sent is None or fake.now() - sent.at >= NONCE_WINDOW:
        return None
    if sent.channel_id != channel.id:
        # Discord does not say whether the check spans channels: a bot must not rely on
        # it either way, so reusing a nonce elsewhere within the window is a violation.
        detail = f"nonce {key[1]!r} was used in channel {sent.channel_id} moments before"
        fake.violate(validate.Problem("nonce.reused", detail), call)
        return None
    return fake.world.messages.get(sent.message_id)


async def create_in_channel(
    fake: FakeDiscord, call: Call, channel: Channel, body: dict[str, Any]
) -> dict[str, Any]:
    """Create Message: with ``enforce_nonce``, a nonce the bot used in the last few minutes
    gives back the message made then (no new message, no MESSAGE_CREATE)."""
    nonce = body.get("nonce")
    if nonce is None:
        return await create(fake, call, channel, body)
    key = (fake.world.bot.id, str(nonce))
    if body.get("enforce_nonce") is True:
        existing = _sent_before(fake, call, channel, key)
        if existing is not None:
            return existing
    message = await create(fake, call, channel, body, nonce=nonce)
    fake.world.nonces[key] = SentNonce(channel.id, int(message["id"]), fake.now())
    return message


def _attachments(
    fake: FakeDiscord, channel: Channel, body: dict[str, Any], call: Call, existing: list[Any]
) -> list[dict[str, Any]]:
    uploaded = []
    for recorded in call.files:
        kind = mimetypes.guess_type(recorded.filename)[0] or recorded.content_type
        upload = Upload(recorded.filename, recorded.data, kind)
        uploaded.append(fake.world.store_upload(channel.id, upload))
    if "attachments" not in body:
        return [*existing, *uploaded]
    kept = {str(a["id"]): a for a in existing}
    result = []
    for entry in body.get("attachments") or []:
        ident = str(entry.get("id"))
        if ident in kept:
            result.append(kept[ident])
        elif ident.isdigit() and int(ident) < len(uploaded):
            result.append(uploaded[int(ident)] | {"description": entry.get("description")})
    return result


def _embeds(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "rich", **embed} for embed in body.get("embeds") or []]


async def create(
    fake: FakeDiscord, call: Call, channel: Channel, body: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """Store a message the bot sent and echo MESSAGE_CREATE unless it is ephemeral."""
    world = fake.world
    guild = world.guilds.get(channel.guild_id)  # None in a DM
    fields.setdefault("flags", int(body.get("flags") or 0) & SENDABLE_FLAGS)
    message = payloads.message_payload(
        message_id=payloads.snowflake(),
        channel=channel,
        author=world.bot,
        member=guild.bot_member if guild else None,
        content=body.get("content") or "",
        embeds=_embeds(body),
        components=body.get("components") or [],
        attachments=_attachments(fake, channel, body, call, []),
        tts=bool(body.get("tts")),
        **fields,
    )
    reference = body.get("message_reference")
    if isinstance(reference, dict) and reference.get("message_id"):
        message["type"] = 19
        ids = {k: str(v) for k, v in reference.items() if k.endswith("_id") and v is not None}
        message["message_reference"] = {"type": 0, "channel_id": str(channel.id), **ids}
        message["referenced_message"] = world.messages.get(int(reference["message_id"]))
    world.messages[int(message["id"])] = message
    if not message["flags"] & payloads.EPHEMERAL_FLAG:
        await fake.gateway.publish("MESSAGE_CREATE", message)
    return message


async def edit(
    fake: FakeDiscord, call: Call, message: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """Apply an edit to a stored message and echo MESSAGE_UPDATE unless it is ephemeral."""
    if "content" in body:
        message["content"] = body["content"] or ""
    if "embeds" in body:
        message["embeds"] = _embeds(body)
    if "components" in body:
        message["components"] = body["components"] or []
    if "attachments" in body or call.files:
        channel = fake.world.channels[int(message["channel_id"])]
        message["attachments"] = _attachments(fake, channel, body, call, message["attachments"])
    if "flags" in body:
        suppress = int(body["flags"] or 0) & SUPPRESS_EMBEDS
        message["flags"] = (message["flags"] & ~SUPPRESS_EMBEDS) | suppress
    # Editing a deferred ("thinking") response replaces the loading state.
    message["flags"] &= ~payloads.LOADING_FLAG
    message["edited_timestamp"] = payloads.iso_now()
    if not message["flags"] & payloads.EPHEMERAL_FLAG:
        await fake.gateway.publish("MESSAGE_UPDATE", message)
    return message


async def delete(fake: FakeDiscord, message: dict[str, Any]) -> None:
    """Forget a stored message and echo MESSAGE_DELETE unless it was ephemeral."""
    fake.world.messages.pop(int(message["id"]), None)
    if not message["flags"] & payloads.EPHEMERAL_FLAG:
        keys = ("id", "channel_id", "guild_id")
        data = {key: message[key] for key in keys if key in message}  # DMs have no guild_id
        await fake.gateway.publish("MESSAGE_DELETE", data)
