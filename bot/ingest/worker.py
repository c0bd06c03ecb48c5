"""Parse untrusted articles in a worker process that is killed when it takes too long.

The HTML parser is C code: a thread running it cannot be stopped, so a page built to be
slow would occupy it for as long as the page likes. A process can be killed. One
long-lived worker serves requests in turn, so a normal article costs a pipe round trip,
not a new interpreter; it is replaced after a kill. Everything that waits on it runs in a
thread, so the event loop never blocks. Like any multiprocessing user, the bot must be
started as ``python -m bot`` or from a script guarded by ``if __name__ == "__main__"``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any

from bot.domain.errors import NoReactions, ParseError, ParseTimeout, ReelError
from bot.domain.models import Article
from bot.parsing import check_input_size, parse

__all__ = [
    "PARSE_TIMEOUT",
    "ParseWorker",
    "parse_in_worker",
    "shared_worker",
    "shutdown_worker",
]

log = logging.getLogger(__name__)

PARSE_TIMEOUT = 10.0
"""Seconds one article may take to parse; the largest real pages take well under one."""

_KILL_WAIT = 5.0
# Starting a worker is not part of any parse's time limit: the first request after a
# start (or a kill) waits for the process to be ready, then the limit starts.
_START_TIMEOUT = 60.0
_ERRORS: dict[str, type[ReelError]] = {"NoReactions": NoReactions, "ParseError": ParseError}

ParseFunction = Callable[..., Article]


def _context() -> ForkServerContext | SpawnContext:
    """Return forkserver where the platform has it (fast, and safe in a threaded parent)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the parser.
        context.set_forkserver_preload(["bot.parsing"])
        return context
    return multiprocessing.get_context("spawn")


def _serve(connection: Connection, function: ParseFunction) -> None:
    """Answer parse requests until the parent closes the pipe (runs in the worker)."""
    # Ctrl-C in a terminal signals the whole process group; the bot decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection.send(("ready",))
    while True:
        try:
            data, options = connection.recv()
        except (EOFError, OSError):
            return
        reply: tuple[Any, ...]
        try:
            reply = ("ok", function(data, **options))
        except ReelError as error:
            kind = "NoReactions" if isinstance(error, NoReactions) else "ParseError"
            reply = ("error", kind, getattr(error, "message", str(error)))
        except Exception:  # a parser bug must reach the bot as an error, not end the worker
            reply = ("crash", traceback.format_exc(limit=-8))
        connection.send(reply)


def _exchange(connection: Connection, request: tuple[Any, ...], timeout: float) -> Any:
    """Send one request and wait up to ``timeout`` s for the reply (runs in a thread).

    Returns None when no reply came in time; raises EOFError when the worker died.
    """
    connection.send(request)
    if not connection.poll(timeout):
        return None
    return connection.recv()


class ParseWorker:
    """One worker process that parses articles, one at a time, within a time limit."""

    def __init__(self, *, timeout: float = PARSE_TIMEOUT, function: ParseFunction = parse) -> None:
        """Prepare a worker; its process starts on the first request.

        ``function`` replaces `bot.parsing.parse` (tests pass slow or crashing ones); it
        must be importable by name, as the worker process unpickles it.
        """
        self.timeout = timeout
        self._function = function
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._stale = False  # a request was abandoned mid-way: replace the process
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    @property
    def pid(self) -> int | None:
        """Return the worker process's id, or None when none is running."""
        return None if self._process is None else self._process.pid

    def _serialised(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to one event loop; the CLI and tests run several in turn.
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock = asyncio.Lock()
            self._lock_loop = loop
        return self._lock

    def _start(self) -> None:
        """Start the worker process (blocking: call it in a thread)."""
        context = _context()
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self._function), name="reel-parse-worker", daemon=True
        )
        process.start()
        child.close()
        self._process, self._connection = process, parent
        try:
            ready = parent.poll(_START_TIMEOUT) and parent.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._stop()
            raise RuntimeError("the parse worker process did not start")
        self._stale = False
        log.debug("Started parse worker %s", process.pid)

    def _kill(self) -> None:
        """Send the worker SIGKILL without waiting for it; mark it for replacement."""
        self._stale = True
        if self._process is not None and self._process.is_alive():
            self._process.kill()

    def _stop(self) -> None:
        """Kill the worker process and wait for it (blocking: call it in a thread)."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(_KILL_WAIT)
            process.close()

    async def parse(
        self,
        data: bytes | str,
        *,
        movie: str | None = None,
        source: str | None = None,
        charset: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the limit is the worker's, not a wait
    ) -> Article:
        """Parse ``data`` in the worker as `bot.parsing.parse` would, within ``timeout`` s.

        Raises what ``parse`` raises (`ParseError`, `NoReactions`), `ParseTimeout` when the
        worker had to be killed, `ParseError` when it died, and RuntimeError for a bug.
        """
        check_input_size(data)  # before pickling megabytes through a pipe
        limit = self.timeout if timeout is None else timeout
        request = (data, {"movie": movie, "source": source, "charset": charset})
        async with self._serialised():
            if self._stale or self._process is None or not self._process.is_alive():
                await asyncio.to_thread(self._stop)
                await asyncio.to_thread(self._start)
            connection = self._connection
            if connection is None:  # pragma: no cover - _start sets it
                raise RuntimeError("the parse worker did not start")
            try:
                reply = await asyncio.to_thread(_exchange, connection, request, limit)
            except (EOFError, OSError) as error:
                await asyncio.to_thread(self._stop)
                log.warning("The parse worker died while parsing: %s", error or type(error))
                raise ParseError(
                    "the page could not be read: the parser stopped on it (it may be malformed)"
                ) from error
            except BaseException:
                # Cancelled mid-request: the worker may still be parsing and the thread
                # still reading its pipe. Kill it now (a signal, not a wait); the next
                # request reaps it and starts another.
                self._kill()
                raise
            if reply is None:
                await asyncio.to_thread(self._stop)
                log.warning("Killed the parse worker after %g s on %s", limit, source or "text")
                raise ParseTimeout(limit)
        return self._result(reply)

    @staticmethod
    def _result(reply: tuple[Any, ...]) -> Article:
        status = reply[0]
        if status == "ok":
            article: Article = reply[1]
            return article
        if status == "error":
            raise _ERRORS[reply[1]](reply[2])
        raise RuntimeError(f"the parser failed in its worker:\n{reply[1]}")

    async def close(self) -> None:
        """Stop the worker process at once; a later request starts a new one.

        A request in progress is abandoned: it raises `ParseError`.
        """
        self._kill()
        async with self._serialised():
            await asyncio.to_thread(self._stop)


_shared: ParseWorker | None = None


def shared_worker() -> ParseWorker:
    """Return the process-wide worker moderator intake uses (created on first use)."""
    global _shared  # one worker per bot process, created lazily
    if _shared is None:
        _shared = ParseWorker()
    return _shared


async def parse_in_worker(
    data: bytes | str,
    *,
    movie: str | None = None,
    source: str | None = None,
    charset: str | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 - the limit is the worker's, not a wait
) -> Article:
    """Parse ``data`` in the shared worker; see `ParseWorker.parse`."""
    return await shared_worker().parse(
        data, movie=movie, source=source, charset=charset, timeout=timeout
    )


async def shutdown_worker() -> None:
    """Stop the shared worker's process, if one is running."""
    if _shared is not None:
        await _shared.close()
