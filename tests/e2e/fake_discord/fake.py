"""The FakeDiscord server: lifecycle, violations, injected 429s and gateway controls."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from aiohttp import web

from tests.e2e.fake_discord import payloads, responses
from tests.e2e.fake_discord.driver import Driver
from tests.e2e.fake_discord.gateway import IDENTIFY_INTERVAL, Gateway
from tests.e2e.fake_discord.recorder import Call, Matcher, Recorder, Violation, to_predicate
from tests.e2e.fake_discord.server import API_PREFIX, build_app
from tests.e2e.fake_discord.validate import Problem
from tests.e2e.fake_discord.world import InteractionRecord, World

_ERROR_MESSAGES = {
    403: "Missing Permissions",
    404: "404: Not Found",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
}


@dataclass
class _Failure:
    """A queued error answer: the next ``remaining`` matching requests get it."""

    match: Matcher
    status: int
    remaining: int
    message: str
    code: int


class FakeDiscord:
    """Discord's REST API, CDN and gateway on ``127.0.0.1:<free port>``, in this event loop.

    ``interaction_timeout`` is Discord's 3-second window to answer an interaction; tests of
    the fake lower it. ``max_concurrency`` and ``identify_interval`` are the session start
    limit: one IDENTIFY per bucket (``shard_id % max_concurrency``) per 5 seconds, across
    every connection; tests of the fake's own window may lower the interval. ``driver`` is
    the test-facing API for injecting events and waiting.
    """

    def __init__(
        self,
        *,
        interaction_timeout: float = 3.0,
        heartbeat_interval: float = 41.25,
        retry_after: float = 0.05,
        message_content: bool = True,
        recommended_shards: int = 1,
        max_concurrency: int = 1,
        identify_interval: float = IDENTIFY_INTERVAL,
    ) -> None:
        self.interaction_timeout = interaction_timeout
        self.retry_after = retry_after
        # An interaction token works for 15 minutes (docs: Receiving and Responding).
        self.token_lifetime = 900.0
        self.clock_offset = 0.0
        # What ``GET /gateway/bot`` recommends; tests of sharding raise it.
        self.recommended_shards = recommended_shards
        self.world = World()
        self.recorder = Recorder()
        self.gateway = Gateway(self.world, self.recorder, heartbeat_interval, violate=self.violate)
        self.gateway.session_start_limit.max_concurrency = max_concurrency
        self.gateway.session_start_limit.interval = identify_interval
        # ``message_content=False`` is the developer portal's toggle left off.
        if not message_content:
            self.gateway.enabled_intents &= ~payloads.MESSAGE_CONTENT_INTENT
        self.violations: list[Violation] = []
        self.unknown: list[Call] = []
        self.driver = Driver(self)
        self._rate_limits: list[tuple[Matcher, float]] = []
        self._failures: list[_Failure] = []
        self._holds: list[tuple[Matcher, asyncio.Event]] = []
        self._runner: web.AppRunner | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> Self:
        """Listen on a free loopback port."""
        self.loop = asyncio.get_running_loop()
        self._runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.world.base_url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        """Close the gateway sockets and stop listening."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def now(self) -> float:
        """Return the fake's clock (the event loop's, moved on by ``advance_clock``)."""
        return asyncio.get_running_loop().time() + self.clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Let ``seconds`` pass for interaction deadlines and token lifetimes, at once."""
        self.clock_offset += seconds

    def check_loop(self) -> None:
        """Fail fast when a test drives the fake from another event loop (it would hang)."""
        if self.loop is not None and asyncio.get_running_loop() is not self.loop:
            raise RuntimeError(
                "the fake runs on another event loop: mark tests that use module-scoped "
                'fixtures with pytest.mark.asyncio(loop_scope="module")'
            )

    @property
    def api_base(self) -> str:
        """Return the value for ``DISCORD_API_BASE`` (``http://127.0.0.1:PORT/api/v10``)."""
        return self.world.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Return the websocket URL (what ``GET /gateway/bot`` answers)."""
        return self.gateway.url

    @property
    def calls(self) -> list[Call]:
        """Return every recorded call, oldest first."""
        return self.recorder.calls

    @property
    def expired(self) -> list[InteractionRecord]:
        """Return interactions answered too late (each also recorded a violation)."""
        return [record for record in self.world.interactions.values() if record.late]

    def violate(self, problem: Problem, call: Call | None = None) -> None:
        """Record a broken rule; the e2e fixtures fail the running test on any of these."""
        self.violations.append(Violation(problem.rule, problem.detail, call))

    def drain_violations(self) -> list[Violation]:
        """Return and forget the violations recorded so far."""
        found, self.violations = self.violations, []
        return found

    def clear_faults(self) -> None:
        """Forget every queued 429, failure and hold (a skipped test must not leave them
        armed); answers held back go out."""
        self._rate_limits.clear()
        self._failures.clear()
        for _, release in self._holds:
            release.set()
        self._holds.clear()

    def hold_next(self, match: Matcher) -> asyncio.Event:
        """Handle the next matching REST request at once (it is recorded) but keep its answer
        back until the returned event is set: Discord acted, and its answer is slow to
        come, or never reaches a bot that is gone by then."""
        release = asyncio.Event()
        self._holds.append((match, release))
        return release

    async def held(self, call: Call) -> None:
        """Wait while the answer to ``call`` is held back (see ``hold_next``)."""
        for index, (match, release) in enumerate(self._holds):
            if to_predicate(match)(call):
                del self._holds[index]
                await release.wait()
                return

    def rate_limit_next(self, match: Matcher, retry_after: float | None = None) -> None:
        """Answer the next matching REST request with one 429 (``global: false``)."""
        self._rate_limits.append((match, self.retry_after if retry_after is None else retry_after))

    def take_rate_limit(self, call: Call) -> float | None:
        """Pop the queued 429 this call triggers, returning its ``retry_after``."""
        for index, (match, retry_after) in enumerate(self._rate_limits):
            if to_predicate(match)(call):
                del self._rate_limits[index]
                return retry_after
        return None

    def fail_next(
        self,
        match: Matcher,
        status: int = 500,
        *,
        times: int = 1,
        message: str | None = None,
        code: int = 0,
    ) -> None:
        """Answer the next ``times`` matching REST requests with ``status`` and an error body.

        discord.py retries 500, 502, 504 and 524 (sleeping 1, 3, 5, 7, 9 s) and raises at once
        on others: 403 ``Forbidden``, 404 ``NotFound``, 503 ``DiscordServerError``.
        """
        text = message or _ERROR_MESSAGES.get(status, f"{status}: Error")
        self._failures.append(_Failure(match, status, times, text, code))

    def take_failure(self, call: Call) -> web.Response | None:
        """Return the error response a queued failure gives this call, if any."""
        for failure in self._failures:
            if to_predicate(failure.match)(call):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return responses.discord_error(failure.status, failure.message, failure.code)
        return None

    async def invalidate_session(self, code: int = 4000) -> None:
        """Close the bot's websocket and forget its session: RESUME fails, the bot IDENTIFYs
        again and receives a new READY (``on_ready`` fires again). Events meanwhile are lost."""
        await self.gateway.invalidate(code)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's websocket; the session stays resumable and events queue for replay."""
        await self.gateway.drop(code)
