"""The log of requests the fake received, and waiting on it without sleeps."""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Matcher = str | Callable[["Call"], bool]


@dataclass(frozen=True)
class RecordedFile:
    """One uploaded file of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One request to the fake: REST (``path`` without ``/api/v10``), CDN, or a gateway op.

    Gateway ops the bot sends are recorded with method ``"WS"`` and the op name as path
    (``"WS IDENTIFY"``, ``"WS RESUME"``), so start-up can be awaited like any request.
    """

    index: int
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: list[RecordedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 0
    response_body: bytes | None = None
    """The JSON body the fake answered with, if it answered JSON (parsed by `response`)."""
    at: float = 0.0

    @functools.cached_property
    def response(self) -> Any:
        """Return the fake's JSON answer, parsed (on first use: most are never read), or None."""
        return None if self.response_body is None else json.loads(self.response_body)

    @property
    def ok(self) -> bool:
        """Tell whether the fake answered with a 2xx status."""
        return 200 <= self.status < 300

    def __str__(self) -> str:
        return f"#{self.index} {self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class Violation:
    """A payload or protocol rule the bot broke; any of these fails the test."""

    rule: str
    detail: str
    call: Call | None = None

    def __str__(self) -> str:
        where = f"{self.call.method} {self.call.path}" if self.call else "gateway"
        return f"[{self.rule}] {where}: {self.detail}"


CALL = web.RequestKey("call", Call)


def compile_pattern(pattern: str) -> Callable[[Call], bool]:
    """Turn ``"POST /channels/{id}/messages"`` into a call predicate.

    ``{name}`` and ``*`` match one path segment, ``**`` matches anything; the method is
    optional and may be ``*``. The query string is ignored.
    """
    method, _, path = pattern.partition(" ") if " " in pattern else ("*", "", pattern)
    parts = []
    for piece in re.split(r"(\*\*|\*|\{[^}/]*\})", path):
        if piece == "**":
            parts.append(".*")
        elif piece == "*" or (piece.startswith("{") and piece.endswith("}")):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(piece))
    regex = re.compile("".join(parts) + r"\Z")
    wanted = method.upper()

    def predicate(call: Call) -> bool:
        return (wanted in {"*", call.method}) and regex.match(call.path) is not None

    return predicate


def to_predicate(match: Matcher) -> Callable[[Call], bool]:
    """Accept a route pattern or a predicate."""
    return compile_pattern(match) if isinstance(match, str) else match


class Recorder:
    """Append-only call log; every append wakes the waiters."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._appended = asyncio.Event()

    def new_call(self, method: str, path: str, **fields: Any) -> Call:
        """Create a call numbered for this log (not yet recorded)."""
        loop_time = asyncio.get_running_loop().time()
        return Call(index=len(self.calls), method=method, path=path, at=loop_time, **fields)

    def record(self, call: Call) -> Call:
        """Append a finished call and wake everyone waiting."""
        call.index = len(self.calls)
        self.calls.append(call)
        self._appended.set()
        self._appended = asyncio.Event()
        return call

    def mark(self) -> int:
        """Return a cursor: waits ``since`` it only see calls recorded after now."""
        return len(self.calls)

    def matching(self, match: Matcher, since: int = 0) -> list[Call]:
        """Return the recorded calls that match, oldest first."""
        predicate = to_predicate(match)
        return [call for call in self.calls[since:] if predicate(call)]

    async def wait_for(
        self,
        match: Matcher,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - mirrors asyncio.wait_for / Client.wait_for
        since: int = 0,
    ) -> Call:
        """Return the first call at or after ``since`` that matches, waiting up to ``timeout``."""
        __tracebackhide__ = True
        predicate = to_predicate(match)
        position = since
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for call in self.calls[position:]:
                        if predicate(call):
                            return call
                    position = len(self.calls)
                    await self._appended.wait()
        except TimeoutError:
            recent = "\n  ".join(str(c) for c in self.calls[since:][-15:]) or "(none)"
            name = match if isinstance(match, str) else getattr(match, "__name__", repr(match))
            message = f"no call matching {name!r} within {timeout}s; calls since:\n  {recent}"
            raise TimeoutError(message) from None
