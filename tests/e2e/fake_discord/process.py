"""Run the bot as a child process against the fake, and read its log."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from tests.e2e.fake_discord.fake import FakeDiscord
from tests.e2e.fake_discord.models import Guild
from tests.e2e.fake_discord.recorder import Call

REPO_ROOT = Path(__file__).resolve().parents[3]
# discord.py colours its log when it believes it runs in Docker, even into a file.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def _accepted_identify(call: Call) -> bool:
    return (call.method, call.path) == ("WS", "IDENTIFY") and call.ok


class BotProcess:
    """Run ``python -m bot`` against the fake; stop it, restart it on the same database."""

    def __init__(
        self,
        fake: FakeDiscord,
        guild: Guild,
        workdir: Path,
        *,
        argv: Sequence[str] = (sys.executable, "-m", "bot"),
        token: str = "dummy-token",  # noqa: S107 - the fake accepts any token
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.fake = fake
        self.guild = guild
        self.argv = list(argv)
        self.database = workdir / "reel.db"
        self.log_path = workdir / "bot.log"
        self.env = os.environ | {
            "DISCORD_TOKEN": token,
            "DISCORD_API_BASE": fake.api_base,
            "DATABASE_PATH": str(self.database),
            "DEV_GUILD_ID": str(guild.id),
            "LOG_LEVEL": "DEBUG",
            "PYTHONUNBUFFERED": "1",
            # Tests send commands in bursts from one member; the cooldown is tested where set.
            "COMMAND_COOLDOWN": "0",
        }
        self.env.update(extra_env or {})
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    @property
    def sync_route(self) -> str:
        """Return the guild command sync the bot performs at start-up."""
        app = self.fake.world.application_id
        return f"PUT /applications/{app}/guilds/{self.guild.id}/commands"

    async def start(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Start the process and wait until the fake accepted its IDENTIFY and it synced its
        commands; raise (with the bot's log) if it exits first."""
        since = self.fake.driver.mark()
        self._log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=REPO_ROOT,
            env=self.env,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
        )
        ready = asyncio.ensure_future(self._connected(since, timeout))
        exited = asyncio.ensure_future(self.process.wait())
        await asyncio.wait({ready, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if ready.done() and ready.exception() is None:
            return
        ready.cancel()
        code = self.process.returncode
        await self.stop()
        reason = f"exited with {code}" if code is not None else f"not ready within {timeout}s"
        raise RuntimeError(f"bot {reason}; its log:\n{self.log_text()}")

    async def _connected(self, since: int, timeout: float) -> None:  # noqa: ASYNC109
        driver = self.fake.driver
        async with asyncio.timeout(timeout):
            # An IDENTIFY the fake accepted (a refused one is recorded with its close code).
            await driver.wait_for(_accepted_identify, since=since, timeout=timeout)
            await driver.wait_for(self.sync_route, since=since, timeout=timeout)

    async def stop(self, timeout: float = 10.0) -> int | None:  # noqa: ASYNC109
        """Send SIGTERM, kill after ``timeout`` seconds; return the exit code."""
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return process.returncode if process is not None else None

    async def restart(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Stop and start again on the same database and log file."""
        await self.stop()
        await self.start(timeout)

    def log_size(self) -> int:
        """Return the log's current length, to show only what one test produced."""
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_text(self, start: int = 0) -> str:
        """Return the bot's combined stdout and stderr from byte ``start`` on."""
        if not self.log_path.exists():
            return "(no log)"
        with self.log_path.open("rb") as log:
            log.seek(start)
            return ANSI_ESCAPE.sub("", log.read().decode("utf-8", "replace"))
