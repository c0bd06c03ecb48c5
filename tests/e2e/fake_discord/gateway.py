"""The fake gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME, intents, shards.

Sources:
- https://discord.com/developers/docs/events/gateway#gateway-intents (and #privileged-intents,
  #message-content-intent)
- https://discord.com/developers/docs/events/gateway#sharding
- https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
- https://discord.com/developers/docs/events/gateway#rate-limiting (and #identifying,
  #sharding-max-concurrency, #session-start-limit-object)
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.e2e.fake_discord import payloads
from tests.e2e.fake_discord.recorder import Call, Recorder
from tests.e2e.fake_discord.responses import encode
from tests.e2e.fake_discord.validate import Problem
from tests.e2e.fake_discord.world import World

# Gateway opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME = 0, 1, 2, 3, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11
OP_NAMES = {IDENTIFY: "IDENTIFY", PRESENCE: "PRESENCE_UPDATE", RESUME: "RESUME"}
OP_NAMES[REQUEST_MEMBERS] = "REQUEST_GUILD_MEMBERS"


# Close codes (docs: Opcodes and Status Codes > Gateway Close Event Codes).
INVALID_SHARD, DISALLOWED_INTENTS = 4010, 4014
# How an IDENTIFY refused for the session start rate limit is recorded: Discord answers it
# with op 9 INVALID_SESSION, not a close code, so the status borrows HTTP's "Too Many Requests".
RATE_LIMITED = 429
IDENTIFY_INTERVAL = 5.0
"""Seconds in which each rate-limit bucket may start one session (docs: Gateway > Rate Limiting)."""


@dataclass
class SessionStartLimit:
    """Discord's limit on starting sessions, as ``GET /gateway/bot`` reports and IDENTIFY obeys.

    "Apps also have a limit for concurrent Identify requests allowed per 5 seconds. If you
    hit this limit, the Gateway will respond with an Invalid Session (opcode 9)" (docs:
    Gateway > Rate Limiting; also > Identifying). The limit is per bucket: "rate_limit_key =
    shard_id % max_concurrency" (docs: Gateway > Sharding > Max Concurrency), across every
    connection of the application. Counted here: IDENTIFYs that started a session.
    """

    max_concurrency: int = 1
    interval: float = IDENTIFY_INTERVAL
    total: int = 1000
    started: int = 0
    last_start: dict[int, float] = field(default_factory=dict)

    def bucket(self, shard_id: int) -> int:
        """Return the shard's rate limit key."""
        return shard_id % self.max_concurrency

    def too_soon(self, shard_id: int, now: float) -> bool:
        """Tell whether the shard's bucket started a session less than ``interval`` ago."""
        last = self.last_start.get(self.bucket(shard_id))
        return last is not None and now - last < self.interval

    def start(self, shard_id: int, now: float) -> None:
        """Count a session started at ``now`` in the shard's bucket."""
        self.last_start[self.bucket(shard_id)] = now
        self.started += 1

    async def window_passed(self) -> None:
        """Return once every bucket may start a session again: what a test must wait
        before it starts a bot on a database of its own, which cannot know of the sessions
        started before it (an operator starting another deployment waits alike)."""
        last = max(self.last_start.values(), default=None)
        if last is not None:
            await asyncio.sleep(last + self.interval - asyncio.get_running_loop().time())

    def payload(self) -> dict[str, int]:
        """Return the Session Start Limit object (docs: Gateway > Session Start Limit Object)."""
        return {
            "total": self.total,
            "remaining": max(0, self.total - self.started),
            "reset_after": 86_400_000,
            "max_concurrency": self.max_concurrency,
        }


class NotConnectedError(RuntimeError):
    """Raised when a test injects an event before the bot (its shard) has identified."""


@dataclass
class Session:
    """One gateway session of one shard: survives a dropped socket so the bot can RESUME it."""

    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None


def shard_of(guild_id: int, shard_count: int) -> int:
    """Return the shard that receives a guild's events.

    "shard_id = (guild_id >> 22) % num_shards" (docs: Gateway > Sharding).
    """
    return (guild_id >> 22) % shard_count


def event_guild(event: str, data: dict[str, Any]) -> int | None:
    """Return the guild an event belongs to, or None (DMs and the like)."""
    if event in {"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"}:
        return int(data["id"])
    guild_id = data.get("guild_id")
    return int(guild_id) if guild_id else None


class Gateway:
    """Serve ``/gateway`` and push events to the bot's current session."""

    def __init__(
        self,
        world: World,
        recorder: Recorder,
        heartbeat_interval: float = 41.25,
        *,
        violate: Callable[[Problem, Call | None], None] | None = None,
    ) -> None:
        self.world = world
        self.recorder = recorder
        self.heartbeat_interval = heartbeat_interval
        self.session_start_limit = SessionStartLimit()
        # Where a broken gateway rule is reported (the fake's violations, which fail a test).
        self._violate = violate
        self.sessions: dict[str, Session] = {}
        # The live session of each shard, by shard id.
        self.shards: dict[int, Session] = {}
        # Intents enabled for the application in the developer portal (privileged ones too).
        self.enabled_intents = payloads.PRIVILEGED_INTENTS
        self.heartbeats = 0
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def current(self) -> Session | None:
        """Return shard 0's session (the only one when the bot does not shard)."""
        return self.shards.get(0) or next(iter(self.shards.values()), None)

    @property
    def shard_count(self) -> int:
        """Return the number of shards the bot identified with (1 when it does not shard)."""
        session = self.current
        return session.shard[1] if session else 1

    @property
    def url(self) -> str:
        """Return the websocket URL handed out by ``/gateway/bot`` and READY."""
        return self.world.base_url.replace("http://", "ws://", 1) + "/gateway"

    @property
    def identify_refusals(self) -> list[Call]:
        """Return the IDENTIFYs refused for the session start rate limit, oldest first."""
        return [
            call for call in self.recorder.matching("WS IDENTIFY") if call.status == RATE_LIMITED
        ]

    @property
    def connected(self) -> bool:
        """Tell whether every shard's session has an open socket (and there is one)."""
        sockets = [session.socket for session in self.shards.values()]
        return bool(sockets) and all(s is not None and not s.closed for s in sockets)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Run one websocket connection; the ``compress`` query is ignored (text frames only)."""
        socket = web.WebSocketResponse(heartbeat=None, timeout=2.0, max_msg_size=0)
        await socket.prepare(request)
        self._sockets.add(socket)
        hello = {"heartbeat_interval": int(self.heartbeat_interval * 1000), "_trace": ["fake"]}
        await self._send(socket, {"op": HELLO, "d": hello, "s": None, "t": None})
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._receive(socket, json.loads(message.data))
        finally:
            self._sockets.discard(socket)
        return socket

    async def _receive(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        data = data if isinstance(data, dict) else {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self._send(socket, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            return
        call = None
        if op in OP_NAMES:
            call = self.recorder.new_call("WS", OP_NAMES[op], json=data, status=200)
            if op == IDENTIFY:
                # A refused IDENTIFY is recorded with its close code (or RATE_LIMITED) as
                # the status.
                call.status = self._identify_refusal(data, call.at) or 200
            self.recorder.record(call)
        if op == IDENTIFY and call is not None:
            await self._identify(socket, data, call)
        elif op == RESUME:
            await self._resume(socket, data)
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(data)

    def _identify_refusal(self, data: dict[str, Any], now: float) -> int | None:
        """Return the close code (or RATE_LIMITED) Discord answers this IDENTIFY with, or
        None to accept it, counting the session it starts."""
        intents = int(data.get("intents", 0))
        if intents & payloads.PRIVILEGED_INTENTS & ~self.enabled_intents:
            # "Disallowed intent(s)": a privileged intent not enabled for the application
            # (docs: Gateway > Privileged Intents; Opcodes and Status Codes, close 4014).
            return DISALLOWED_INTENTS
        raw_shard = data.get("shard") or [0, 1]
        if not 0 <= int(raw_shard[0]) < int(raw_shard[1]):
            return INVALID_SHARD  # "Invalid shard" (close 4010)
        if self.session_start_limit.too_soon(int(raw_shard[0]), now):
            return RATE_LIMITED
        self.session_start_limit.start(int(raw_shard[0]), now)
        return None

    async def _identify(
        self, socket: web.WebSocketResponse, data: dict[str, Any], call: Call
    ) -> None:
        if call.status == RATE_LIMITED:
            await self._refuse_too_soon(socket, call)
            return
        if not call.ok:
            reason = (
                b"Disallowed intent(s)." if call.status == DISALLOWED_INTENTS else b"Invalid shard."
            )
            await socket.close(code=call.status, message=reason)
            return
        intents = int(data.get("intents", 0))
        raw_shard = data.get("shard") or [0, 1]
        shard = (int(raw_shard[0]), int(raw_shard[1]))
        session = Session(id=secrets.token_hex(16), intents=intents, shard=shard)
        self.sessions[session.id] = session
        self.shards[shard[0]] = session
        session.socket = socket
        world = self.world
        owned = [g for g in world.guilds.values() if shard_of(g.id, shard[1]) == shard[0]]
        ready = {
            "v": 10,
            "user": payloads.user_payload(world.bot) | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in owned],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": list(shard),
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "user_settings": {},
            "_trace": ["fake"],
        }
        await self._deliver(session, "READY", ready)
        for guild in owned:
            await self._deliver(session, "GUILD_CREATE", payloads.guild_create_payload(guild))

    async def _refuse_too_soon(self, socket: web.WebSocketResponse, call: Call) -> None:
        """Answer an IDENTIFY over the session start rate limit as Discord does: op 9
        INVALID_SESSION, ``d`` false (not resumable; docs: Gateway > Rate Limiting, Gateway
        Events > Invalid Session). The socket stays open: the client closes it and
        identifies again later. It is a broken rule: the bot must wait its bucket's turn."""
        limit = self.session_start_limit
        shard = (call.json.get("shard") or [0, 1])[0]
        detail = (
            f"IDENTIFY of shard {shard} (bucket {limit.bucket(int(shard))}, max_concurrency "
            f"{limit.max_concurrency}) came less than {limit.interval:g} s after the last "
            "session start in its bucket; Discord answers INVALID_SESSION"
        )
        if self._violate is not None:
            self._violate(Problem("gateway.identify_rate", detail), call)
        await self._send(socket, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            await self._send(socket, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        self.shards[session.shard[0]] = session
        session.socket = socket
        seen = int(data.get("seq") or 0)
        for frame in session.sent:
            if frame["s"] > seen:
                await self._send(socket, frame)
        await self._deliver(session, "RESUMED", {"_trace": ["fake"]})

    async def _members_chunk(self, data: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [
            payloads.member_payload(m)
            for m in guild.members
            if (not wanted or m.id in wanted) and m.user.username.lower().startswith(query)
        ]
        chunk = {"guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _wants(self, session: Session, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """Apply intents (docs: Gateway > Gateway Intents and > Message Content Intent).

        No guild message events without GUILD_MESSAGES, no DM ones without DIRECT_MESSAGES;
        without MESSAGE_CONTENT a guild message arrives with empty content, embeds,
        attachments and components, unless the bot wrote it or is mentioned in it (a DM
        keeps its content too).
        """
        if not event.startswith("MESSAGE_"):
            return data
        if "guild_id" not in data:
            return data if session.intents & payloads.DIRECT_MESSAGES_INTENT else None
        if not session.intents & payloads.GUILD_MESSAGES_INTENT:
            return None
        if session.intents & payloads.MESSAGE_CONTENT_INTENT or event == "MESSAGE_DELETE":
            return data
        bot_id = str(self.world.bot.id)
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions") or [])
        if (data.get("author") or {}).get("id") == bot_id or mentioned:
            return data
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}

    def session_for(self, event: str, data: dict[str, Any]) -> Session | None:
        """Return the session of the shard that owns the event's guild; DMs go to shard 0
        ("DMs will only be sent to shard 0", docs: Gateway > Sharding)."""
        guild_id = event_guild(event, data)
        shard = 0 if guild_id is None else shard_of(guild_id, self.shard_count)
        return self.shards.get(shard)

    async def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Send (or, while disconnected, queue for replay) a DISPATCH to the shard that owns
        it; return its sequence."""
        session = self.session_for(event, data)
        if session is None:
            raise NotConnectedError(
                f"cannot dispatch {event}: no shard that receives it has identified yet"
            )
        return await self._deliver(session, event, data)

    async def _deliver(self, session: Session, event: str, data: dict[str, Any]) -> int | None:
        visible = self._wants(session, event, data)
        if visible is None:
            return None
        session.sequence += 1
        frame = {"op": DISPATCH, "t": event, "s": session.sequence, "d": visible}
        session.sent.append(frame)
        if session.socket is not None and not session.socket.closed:
            await self._send(session.socket, frame)
        return session.sequence

    async def publish(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch an echo of the bot's own action, if the shard that owns it is there."""
        session = self.session_for(event, data)
        if session is not None:
            await self._deliver(session, event, data)

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's sockets (every shard), keeping the sessions for RESUME."""
        for session in list(self.shards.values()):
            if session.socket is not None:
                socket, session.socket = session.socket, None
                await socket.close(code=code, message=b"dropped by test")

    async def invalidate(self, code: int = 4000) -> None:
        """Close the bot's sockets and forget their sessions, so RESUME gets INVALID_SESSION."""
        for session in self.shards.values():
            self.sessions.pop(session.id, None)
        await self.drop(code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT to every shard, which makes the client reconnect and RESUME."""
        for session in self.shards.values():
            if session.socket is not None:
                await self._send(session.socket, {"op": RECONNECT, "d": None, "s": None, "t": None})

    async def close(self) -> None:
        """Close every socket (server shutdown)."""
        for socket in list(self._sockets):
            await socket.close(code=1001)

    @staticmethod
    async def _send(socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        if not socket.closed:
            await socket.send_str(encode(frame).decode())
