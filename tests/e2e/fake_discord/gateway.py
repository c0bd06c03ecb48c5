"""The fake gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.e2e.fake_discord import payloads
from tests.e2e.fake_discord.recorder import Recorder
from tests.e2e.fake_discord.world import World

# Gateway opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME = 0, 1, 2, 3, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11
OP_NAMES = {IDENTIFY: "IDENTIFY", PRESENCE: "PRESENCE_UPDATE", RESUME: "RESUME"}
OP_NAMES[REQUEST_MEMBERS] = "REQUEST_GUILD_MEMBERS"


class NotConnectedError(RuntimeError):
    """Raised when a test injects an event before the bot has identified."""


@dataclass
class Session:
    """One gateway session: survives a dropped socket so the bot can RESUME it."""

    id: str
    intents: int
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None


class Gateway:
    """Serve ``/gateway`` and push events to the bot's current session."""

    def __init__(self, world: World, recorder: Recorder, heartbeat_interval: float = 41.25) -> None:
        self.world = world
        self.recorder = recorder
        self.heartbeat_interval = heartbeat_interval
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.heartbeats = 0
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def url(self) -> str:
        """Return the websocket URL handed out by ``/gateway/bot`` and READY."""
        return self.world.base_url.replace("http://", "ws://", 1) + "/gateway"

    @property
    def connected(self) -> bool:
        """Tell whether the current session has an open socket."""
        socket = self.current.socket if self.current else None
        return socket is not None and not socket.closed

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
        if op in OP_NAMES:
            call = self.recorder.new_call("WS", OP_NAMES[op], json=data, status=200)
            self.recorder.record(call)
        if op == IDENTIFY:
            await self._identify(socket, data)
        elif op == RESUME:
            await self._resume(socket, data)
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(data)

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents", 0)))
        self.sessions[session.id] = session
        self.current = session
        session.socket = socket
        world = self.world
        ready = {
            "v": 10,
            "user": payloads.user_payload(world.bot) | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [0, 1],
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "user_settings": {},
            "_trace": ["fake"],
        }
        await self.dispatch("READY", ready)
        for guild in world.guilds.values():
            await self.dispatch("GUILD_CREATE", payloads.guild_create_payload(guild))

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            await self._send(socket, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        self.current = session
        session.socket = socket
        seen = int(data.get("seq") or 0)
        for frame in session.sent:
            if frame["s"] > seen:
                await self._send(socket, frame)
        await self.dispatch("RESUMED", {"_trace": ["fake"]})

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
        """Apply intents: no guild message events without GUILD_MESSAGES, no content without
        MESSAGE_CONTENT unless the bot wrote or is mentioned in the message."""
        if not event.startswith("MESSAGE_") or "guild_id" not in data:
            return data
        if not session.intents & payloads.GUILD_MESSAGES_INTENT:
            return None
        if session.intents & payloads.MESSAGE_CONTENT_INTENT or event == "MESSAGE_DELETE":
            return data
        bot_id = str(self.world.bot.id)
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions") or [])
        if (data.get("author") or {}).get("id") == bot_id or mentioned:
            return data
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}

    async def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Send (or, while disconnected, queue for replay) a DISPATCH; return its sequence."""
        session = self.current
        if session is None:
            raise NotConnectedError(f"cannot dispatch {event}: the bot has not identified yet")
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
        """Dispatch an echo of the bot's own action, if a session exists at all."""
        if self.current is not None:
            await self.dispatch(event, data)

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket, keeping the session so that it can RESUME."""
        session = self.current
        if session is not None and session.socket is not None:
            socket, session.socket = session.socket, None
            await socket.close(code=code, message=b"dropped by test")

    async def invalidate(self, code: int = 4000) -> None:
        """Close the bot's socket and forget its session, so its RESUME gets INVALID_SESSION."""
        if self.current is not None:
            self.sessions.pop(self.current.id, None)
        await self.drop(code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT, which makes the client reconnect and RESUME."""
        if self.current is not None and self.current.socket is not None:
            await self._send(
                self.current.socket, {"op": RECONNECT, "d": None, "s": None, "t": None}
            )

    async def close(self) -> None:
        """Close every socket (server shutdown)."""
        for socket in list(self._sockets):
            await socket.close(code=1001)

    @staticmethod
    async def _send(socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        if not socket.closed:
            await socket.send_str(json.dumps(frame))
