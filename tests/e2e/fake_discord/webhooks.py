"""Interaction callbacks, follow-up webhooks and ``@original``, with Discord's 3-second rule.

Sources: the 3 s to respond, 15-minute tokens, and the first follow-up after a deferral
editing the loading message (https://discord.com/developers/docs/interactions/receiving-and-responding):
- #responding-to-an-interaction
- #followup-messages
- #create-followup-message
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.e2e.fake_discord import messages, payloads, responses, validate
from tests.e2e.fake_discord.recorder import CALL, Call
from tests.e2e.fake_discord.validate import Problem
from tests.e2e.fake_discord.world import InteractionRecord

if TYPE_CHECKING:
    from tests.e2e.fake_discord.fake import FakeDiscord

# Callback types each interaction type accepts: 2 command, 3 component, 4 autocomplete, 5 modal.
ALLOWED_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
TRUE = {"1", "true", "True"}


def _message_fields(record: InteractionRecord, application_id: int) -> dict[str, Any]:
    """Fields Discord adds to messages created through an interaction."""
    metadata: dict[str, Any] = {
        "id": str(record.id),
        "type": record.kind,
        "user": payloads.user_payload(record.member.user),
        "authorizing_integration_owners": {"0": str(record.guild.id)},
    }
    if record.message_id is not None:
        metadata["interacted_message_id"] = str(record.message_id)
    return {
        "webhook_id": str(application_id),
        "application_id": str(application_id),
        "type": 20 if record.kind == 2 else 0,
        "interaction_metadata": metadata,
    }


class InteractionApi:
    """Handlers for ``/interactions/.../callback`` and ``/webhooks/{app}/{token}...``."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def routes(self, api: str) -> list[web.RouteDef]:
        """Return the route table under the API prefix."""
        hook = api + "/webhooks/{app}/{token}"
        return [
            web.post(api + "/interactions/{interaction}/{token}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(hook + "/messages/{message}", self.get_message),
            web.patch(hook + "/messages/{message}", self.edit_message),
            web.delete(hook + "/messages/{message}", self.delete_message),
        ]

    def _refuse(self, call: Call, rule: str, detail: str, response: web.Response) -> web.Response:
        self.fake.violate(Problem(rule, detail), call)
        return response

    def _open_interaction(self, request: web.Request) -> InteractionRecord | web.Response:
        call = request[CALL]
        record = self.world.interactions.get(int(request.match_info["interaction"]))
        unknown = responses.unknown("interaction", 10062)
        if record is None or record.token != request.match_info["token"]:
            return self._refuse(call, "interaction.unknown", "no such interaction", unknown)
        elapsed = self.fake.now() - record.dispatched_at
        limit = self.fake.interaction_timeout
        if record.response_type is None and elapsed > limit:
            record.late = True
            detail = f"{record.name!r} answered {elapsed:.2f}s after dispatch (limit {limit}s)"
            return self._refuse(call, "interaction.expired", detail, unknown)
        if record.response_type is not None:
            detail = f"{record.name!r} was already answered (type {record.response_type})"
            already = responses.discord_error(
                400, "Interaction has already been acknowledged.", 40060
            )
            return self._refuse(call, "interaction.acknowledged", detail, already)
        return record

    async def callback(self, request: web.Request) -> web.Response:
        """Answer an interaction: types 4, 5, 6, 7, 8 and 9."""
        call = request[CALL]
        record = self._open_interaction(request)
        if isinstance(record, web.Response):
            return record
        body = call.json if isinstance(call.json, dict) else {}
        kind = body.get("type")
        if kind not in ALLOWED_CALLBACKS[record.kind] or (kind in {6, 7} and not record.message_id):
            detail = f"callback type {kind!r} cannot answer interaction type {record.kind}"
            problem = Problem("callback.type", detail)
            return self._refuse(call, problem.rule, detail, responses.invalid_form([problem]))
        problems = validate.callback_problems(body)
        data = body.get("data") or {}
        if kind == 4 and validate.is_empty_message(data, len(call.files)):
            problems.append(Problem("empty", "the response message has nothing to show"))
        for problem in problems:
            self.fake.violate(problem, call)
        if problems:
            return responses.invalid_form(problems)
        if kind in validate.MESSAGE_CALLBACKS:
            for problem in validate.mention_problems(data):
                self.fake.violate(problem, call)
        message = await self._apply(call, record, kind, data)
        record.response_type, record.response = kind, body
        if request.query.get("with_response") not in TRUE:
            return responses.no_content()
        flags = message["flags"] if message else 0
        result: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.kind,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & payloads.EPHEMERAL_FLAG),
            }
        }
        if message is not None:
            result["resource"] = {"type": kind, "message": message}
        return responses.reply(result)

    async def _apply(
        self, call: Call, record: InteractionRecord, kind: int, data: dict[str, Any]
    ) -> dict[str, Any] | None:
        fields = _message_fields(record, self.world.application_id)
        if kind == 4:
            message = await messages.create(self.fake, call, record.channel, data, **fields)
            record.original_message_id = int(message["id"])
            return message
        if kind == 5:
            flags = payloads.LOADING_FLAG | (int(data.get("flags") or 0) & payloads.EPHEMERAL_FLAG)
            fields["flags"] = flags
            message = await messages.create(self.fake, call, record.channel, {}, **fields)
            record.original_message_id = int(message["id"])
            return message
        if kind in {6, 7} and record.message_id is not None:
            record.original_message_id = record.message_id
            message = self.world.messages[record.message_id]
            return await messages.edit(self.fake, call, message, data) if kind == 7 else None
        if kind == 9:
            self.world.modals.append((record, data))
        return None

    def _webhook_interaction(self, request: web.Request) -> InteractionRecord | web.Response:
        call = request[CALL]
        unknown = responses.unknown("Webhook", 10015)
        record = self.world.interaction_by_token(request.match_info["token"])
        if int(request.match_info["app"]) != self.world.application_id or record is None:
            return self._refuse(call, "webhook.unknown", "no interaction has this token", unknown)
        if record.response_type is None:
            detail = f"{record.name!r}: webhook used before the interaction was answered"
            return self._refuse(call, "webhook.unacknowledged", detail, unknown)
        # "Interaction tokens are valid for 15 minutes" (docs: Receiving and Responding >
        # Followup Messages); afterwards Discord answers 401 50027 Invalid Webhook Token.
        age = self.fake.now() - record.dispatched_at
        if age > self.fake.token_lifetime:
            detail = f"{record.name!r}: token used {age:.0f}s after the interaction (limit 900s)"
            invalid = responses.discord_error(401, "Invalid Webhook Token", 50027)
            return self._refuse(call, "webhook.token_expired", detail, invalid)
        return record

    def _webhook_message(self, request: web.Request) -> dict[str, Any] | web.Response:
        record = self._webhook_interaction(request)
        if isinstance(record, web.Response):
            return record
        ident = request.match_info["message"]
        message_id = record.original_message_id if ident == "@original" else int(ident)
        message = self.world.messages.get(message_id or 0)
        if message is None or message["author"]["id"] != str(self.world.bot.id):
            return responses.unknown("Message", 10008)
        return message

    async def followup(self, request: web.Request) -> web.Response:
        """``POST /webhooks/{app}/{token}``: a follow-up message."""
        call = request[CALL]
        record = self._webhook_interaction(request)
        if isinstance(record, web.Response):
            return record
        refused = messages.check_payload(self.fake, call, call.json, creating=True)
        if refused is not None:
            return refused
        loading = self._loading_original(record)
        if loading is not None:
            # "When using this endpoint directly after responding to an interaction with
            # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, this endpoint will function as Edit
            # Original Interaction Response ... no new message will be created, and the
            # loading message will be edited instead. The ephemeral flag will be ignored"
            # (docs: Receiving and Responding > Create Followup Message).
            body = {key: value for key, value in call.json.items() if key != "flags"}
            message = await messages.edit(self.fake, call, loading, body)
        else:
            fields = _message_fields(record, self.world.application_id)
            fields["type"] = 0
            message = await messages.create(self.fake, call, record.channel, call.json, **fields)
        if request.query.get("wait") in TRUE:
            return responses.reply(message)
        return responses.no_content()

    def _loading_original(self, record: InteractionRecord) -> dict[str, Any] | None:
        """Return the deferred "thinking" message a follow-up would fill in, if still loading."""
        if record.response_type != 5 or record.original_message_id is None:
            return None
        message = self.world.messages.get(record.original_message_id)
        if message is None or not message["flags"] & payloads.LOADING_FLAG:
            return None
        return message

    async def get_message(self, request: web.Request) -> web.Response:
        """``GET .../messages/{id or @original}``."""
        message = self._webhook_message(request)
        return message if isinstance(message, web.Response) else responses.reply(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        """``PATCH .../messages/{id or @original}``."""
        call = request[CALL]
        message = self._webhook_message(request)
        if isinstance(message, web.Response):
            return message
        refused = messages.check_payload(self.fake, call, call.json, creating=False)
        if refused is not None:
            return refused
        return responses.reply(await messages.edit(self.fake, call, message, call.json))

    async def delete_message(self, request: web.Request) -> web.Response:
        """``DELETE .../messages/{id or @original}``."""
        message = self._webhook_message(request)
        if isinstance(message, web.Response):
            return message
        await messages.delete(self.fake, message)
        return responses.no_content()
