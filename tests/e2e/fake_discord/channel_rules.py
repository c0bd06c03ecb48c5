"""The bot's permissions in a channel, enforced on the messages it creates and edits there.

Sources (Discord docs, and discord-api-docs#2601 for Embed Links):
- https://discord.com/developers/docs/resources/message#create-message
- https://discord.com/developers/docs/resources/message#edit-message
- https://discord.com/developers/docs/topics/permissions
- https://discord.com/developers/docs/topics/threads#permissions
- https://discord.com/developers/docs/topics/opcodes-and-status-codes#json (50001, 50013)

Interaction responses and follow-ups go through the interaction webhook and are not
subject to these (they work in channels the bot cannot even see); only
``POST/PATCH /channels/{id}/messages`` are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.e2e.fake_discord import payloads, permissions, responses
from tests.e2e.fake_discord.models import Channel
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.fake_discord.validate import Problem

if TYPE_CHECKING:
    from tests.e2e.fake_discord.fake import FakeDiscord

# JSON error codes, https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013


def _forbid(fake: FakeDiscord, call: Call, rule: str, detail: str, code: int) -> web.Response:
    fake.violate(Problem(rule, detail), call)
    message = "Missing Access" if code == MISSING_ACCESS else "Missing Permissions"
    return responses.discord_error(403, message, code)


def _send_permission(channel: Channel) -> int:
    # In a thread, "Send Messages in Threads" replaces "Send Messages" (docs: Permissions,
    # "Permissions for Threads"; https://discord.com/developers/docs/topics/threads#permissions).
    if channel.type in permissions.THREAD_TYPES:
        return payloads.SEND_MESSAGES_IN_THREADS
    return payloads.SEND_MESSAGES


def apply(
    fake: FakeDiscord, call: Call, channel: Channel, body: dict[str, Any], *, creating: bool
) -> web.Response | dict[str, Any]:
    """Return the body Discord would keep, or the 403 it would answer, for the bot's message.

    - No View Channel: 403 ``50001 Missing Access`` for anything in the channel.
    - Creating needs Send Messages (Send Messages in Threads in a thread), Read Message
      History for a reply, Attach Files for files: else 403 ``50013 Missing Permissions``
      (docs: "Create Message" and the permissions table). Editing the bot's own message
      needs none of them (docs: "Edit Message": the author may edit content and embeds).
    - Without Embed Links the embeds of a message with content are silently dropped, and a
      message of embeds alone is refused with 403 50013 (discord-api-docs#2601).
    """
    granted = fake.world.bot_permissions_in(channel)
    if granted is None:  # a DM: no guild permissions apply
        return body
    where = f"#{channel.name}"
    if not granted & payloads.VIEW_CHANNEL:
        detail = f"the bot cannot see {where} (View Channel)"
        return _forbid(fake, call, "permissions.view_channel", detail, MISSING_ACCESS)
    needed = 0
    if creating:
        needed |= _send_permission(channel)
        if body.get("message_reference"):
            needed |= payloads.READ_MESSAGE_HISTORY
        if call.files:
            needed |= payloads.ATTACH_FILES
    missing = needed & ~granted
    if missing:
        detail = f"the bot lacks {', '.join(permissions.names(missing))} in {where}"
        return _forbid(fake, call, "permissions.missing", detail, MISSING_PERMISSIONS)
    if body.get("embeds") and not granted & payloads.EMBED_LINKS:
        if body.get("content"):
            detail = f"Embed Links missing in {where}: Discord dropped the message's embeds"
            fake.violate(Problem("permissions.embed_links", detail), call)
            return body | {"embeds": []}
        detail = f"Embed Links missing in {where}: an embed-only message is refused"
        return _forbid(fake, call, "permissions.embed_links", detail, MISSING_PERMISSIONS)
    return body
