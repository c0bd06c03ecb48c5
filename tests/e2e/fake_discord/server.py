"""The fake's REST API and CDN: routes, request recording, 404s for unknown routes, 429s."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, hdrs, web

from tests.e2e.fake_discord import (
    channel_rules,
    command_access,
    messages,
    oauth,
    payloads,
    responses,
    validate,
)
from tests.e2e.fake_discord.models import Channel
from tests.e2e.fake_discord.recorder import CALL, Call, RecordedFile
from tests.e2e.fake_discord.validate import Problem
from tests.e2e.fake_discord.webhooks import InteractionApi

if TYPE_CHECKING:
    from tests.e2e.fake_discord.fake import FakeDiscord

API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _read_body(request: web.Request, call: Call) -> None:
    if request.content_type == "multipart/form-data":
        async for part in await request.multipart():
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                call.json = json.loads(await part.text())
            else:
                content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                data = bytes(await part.read())
                call.files.append(
                    RecordedFile(part.name or "", part.filename or "", content_type, data)
                )
        return
    text = await request.text() if request.body_exists else ""
    try:
        call.json = json.loads(text) if text else None
    except ValueError:
        call.json = text


def _response_json(response: web.StreamResponse) -> bytes | None:
    body = getattr(response, "body", None)
    if isinstance(body, bytes) and response.content_type == "application/json":
        return body
    return None


async def _answer(
    fake: FakeDiscord, request: web.Request, handler: Handler, call: Call
) -> web.StreamResponse:
    await _read_body(request, call)
    retry_after = fake.take_rate_limit(call)
    if retry_after is not None:
        return responses.rate_limited(retry_after)
    failure = fake.take_failure(call)
    if failure is not None:
        return failure
    try:
        return await handler(request)
    except web.HTTPNotFound:
        fake.unknown.append(call)
        return responses.not_found()
    except web.HTTPMethodNotAllowed:
        fake.unknown.append(call)
        return responses.discord_error(405, "405: Method Not Allowed")


def recording_middleware(fake: FakeDiscord) -> Any:
    """Record every REST and CDN request, inject queued 429s, answer unknown routes 404."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        path = request.path.removeprefix(API_PREFIX)
        headers = dict(request.headers)
        call = fake.recorder.new_call(
            request.method, path, query=dict(request.query), headers=headers
        )
        request[CALL] = call
        try:
            response = await _answer(fake, request, handler, call)
        except Exception as error:  # a bug in the fake must fail the test, not hang it
            fake.violate(Problem("fake.error", f"the fake crashed: {error!r}"), call)
            response = responses.discord_error(500, "500: Internal Server Error")
        call.status = response.status
        call.response_body = _response_json(response)
        fake.recorder.record(call)
        await fake.held(call)
        return response

    return middleware


class RestApi:
    """Handlers for the REST routes discord.py uses, plus the attachment CDN."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def routes(self) -> list[web.RouteDef]:
        """Return the route table (API paths under ``/api/v10``)."""
        api = API_PREFIX
        apps = api + "/applications/{app}"
        message = api + "/channels/{channel}/messages/{message}"
        return [
            web.get(api + "/users/@me", self.me),
            web.get(api + "/gateway", self.gateway),
            web.get(api + "/gateway/bot", self.gateway),
            web.get(api + "/oauth2/applications/@me", self.application),
            web.get(api + "/applications/@me", self.application),
            web.get(apps + "/commands", self.get_commands),
            web.put(apps + "/commands", self.put_commands),
            web.get(apps + "/guilds/{guild}/commands", self.get_commands),
            web.put(apps + "/guilds/{guild}/commands", self.put_commands),
            web.get(api + "/channels/{channel}", self.get_channel),
            web.get(api + "/channels/{channel}/messages", self.list_messages),
            web.post(api + "/channels/{channel}/messages", self.create_message),
            web.post(api + "/channels/{channel}/typing", self.typing),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
            web.put(message + "/reactions/{emoji}/@me", self.react),
            web.delete(message + "/reactions/{emoji}/@me", self.react),
            web.get("/attachments/{channel}/{attachment}/{filename}", self.download),
        ]

    async def me(self, request: web.Request) -> web.Response:
        """``GET /users/@me``: the bot user (discord.py's login check)."""
        user = payloads.user_payload(self.world.bot)
        return responses.reply(user | {"verified": True, "mfa_enabled": False})

    async def gateway(self, request: web.Request) -> web.Response:
        """``GET /gateway/bot``: hand out the fake's own websocket URL and its limits."""
        # "Get Gateway Bot": ``shards`` is Discord's recommendation, which tests may set, and
        # ``session_start_limit`` the limit the gateway enforces on IDENTIFY
        # (https://discord.com/developers/docs/events/gateway#get-gateway-bot).
        limit = self.fake.gateway.session_start_limit.payload()
        shards = self.fake.recommended_shards
        body = {"url": self.fake.gateway.url, "shards": shards, "session_start_limit": limit}
        return responses.reply(body)

    async def application(self, request: web.Request) -> web.Response:
        """``GET /oauth2/applications/@me``: the application info."""
        world = self.world
        application = payloads.application_payload(world.application_id, world.bot, world.app_owner)
        # Application flags 1<<18 / 1<<19: the Message Content intent enabled in the portal
        # (https://discord.com/developers/docs/resources/application#application-object-application-flags).
        if self.fake.gateway.enabled_intents & payloads.MESSAGE_CONTENT_INTENT:
            application["flags"] = 1 << 18
        return responses.reply(application)

    def _command_scope(self, request: web.Request) -> list[dict[str, Any]] | web.Response:
        if int(request.match_info["app"]) != self.world.application_id:
            return responses.unknown("Application", 10002)
        guild = request.match_info.get("guild")
        if guild is None:
            return self.world.global_commands
        if int(guild) not in self.world.guilds:
            return responses.unknown("Guild", 10004)
        return self.world.guild_commands.setdefault(int(guild), [])

    async def get_commands(self, request: web.Request) -> web.Response:
        """``GET .../commands``: the synced commands."""
        scope = self._command_scope(request)
        return scope if isinstance(scope, web.Response) else responses.reply(scope)

    async def put_commands(self, request: web.Request) -> web.Response:
        """``PUT .../commands``: bulk overwrite, validated like Discord's form checks."""
        call = request[CALL]
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        body = call.json if isinstance(call.json, list) else []
        problems = validate.command_problems(body)
        for problem in problems:
            self.fake.violate(problem, call)
        if problems:
            return responses.invalid_form(problems)
        previous = {(c.get("type", 1), c["name"]): c["id"] for c in scope}
        guild = request.match_info.get("guild")
        synced = []
        for command in body:
            stored = {
                "type": 1,
                "nsfw": False,
                "options": [],
                **command_access.stored_command(command),
                "id": previous.get(
                    (command.get("type", 1), command["name"]), str(payloads.snowflake())
                ),
                "application_id": str(self.world.application_id),
                "version": str(payloads.snowflake()),
            }
            if guild is not None:
                stored["guild_id"] = guild
            synced.append(stored)
        scope[:] = synced
        return responses.reply(synced)

    def _channel(self, request: web.Request) -> Channel | None:
        return self.world.channels.get(int(request.match_info["channel"]))

    def _message(self, request: web.Request) -> dict[str, Any] | None:
        found = self.world.messages.get(int(request.match_info["message"]))
        if found is None or found["channel_id"] != request.match_info["channel"]:
            return None
        return found

    async def get_channel(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}``."""
        channel = self._channel(request)
        if channel is None:
            return responses.unknown("Channel", 10003)
        return responses.reply(payloads.channel_payload(channel))

    async def list_messages(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages``: newest first, honouring ``limit``."""
        channel = self._channel(request)
        if channel is None:
            return responses.unknown("Channel", 10003)
        limit = int(request.query.get("limit", 50))
        found = [m for m in self.world.messages.values() if m["channel_id"] == str(channel.id)]
        found = [m for m in found if not m["flags"] & payloads.EPHEMERAL_FLAG]
        return responses.reply(sorted(found, key=lambda m: -int(m["id"]))[:limit])

    async def create_message(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/messages`` with a JSON or multipart body."""
        call = request[CALL]
        channel = self._channel(request)
        if channel is None:
            return responses.unknown("Channel", 10003)
        refused = messages.check_create_message(self.fake, call, call.json)
        if refused is not None:
            return refused
        body = channel_rules.apply(self.fake, call, channel, call.json, creating=True)
        if isinstance(body, web.Response):
            return body
        return responses.reply(await messages.create_in_channel(self.fake, call, channel, body))

    async def get_message(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages/{id}``."""
        found = self._message(request)
        return responses.reply(found) if found else responses.unknown("Message", 10008)

    async def edit_message(self, request: web.Request) -> web.Response:
        """``PATCH /channels/{id}/messages/{id}``: only the bot's own messages."""
        call = request[CALL]
        found = self._message(request)
        if found is None:
            return responses.unknown("Message", 10008)
        if found["author"]["id"] != str(self.world.bot.id):
            detail = "edited a message authored by another user"
            self.fake.violate(validate.Problem("edit.author", detail), call)
            return responses.discord_error(
                403, "Cannot edit a message authored by another user", 50005
            )
        refused = messages.check_payload(self.fake, call, call.json, creating=False)
        if refused is not None:
            return refused
        channel = self.world.channels[int(found["channel_id"])]
        body = channel_rules.apply(self.fake, call, channel, call.json, creating=False)
        if isinstance(body, web.Response):
            return body
        return responses.reply(await messages.edit(self.fake, call, found, body))

    async def delete_message(self, request: web.Request) -> web.Response:
        """``DELETE /channels/{id}/messages/{id}``."""
        found = self._message(request)
        if found is None:
            return responses.unknown("Message", 10008)
        await messages.delete(self.fake, found)
        return responses.no_content()

    async def typing(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/typing``."""
        if self._channel(request) is None:
            return responses.unknown("Channel", 10003)
        return responses.no_content()

    async def react(self, request: web.Request) -> web.Response:
        """Add or remove the bot's reaction (recorded; the fake keeps no reaction state)."""
        if self._message(request) is None:
            return responses.unknown("Message", 10008)
        return responses.no_content()

    async def download(self, request: web.Request) -> web.Response:
        """Serve an uploaded attachment, so the bot can download it like from Discord's CDN."""
        path = request.path
        upload = self.world.uploads.get(path)
        if upload is None:
            return responses.not_found()
        return web.Response(body=upload.data, headers={hdrs.CONTENT_TYPE: upload.content_type})


def build_app(fake: FakeDiscord) -> web.Application:
    """Assemble the aiohttp application: REST, interactions, webhooks, CDN and gateway."""
    middlewares = [recording_middleware(fake), oauth.user_token_middleware(fake)]
    app = web.Application(middlewares=middlewares, client_max_size=64 * 1024**2)
    app.add_routes(RestApi(fake).routes())
    app.add_routes(oauth.routes(fake))
    app.add_routes(InteractionApi(fake).routes(API_PREFIX))
    app.add_routes([web.get("/gateway", fake.gateway.handle)])
    return app
