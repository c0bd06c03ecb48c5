"""Benchmarks 4 and 5 share one run per backend: the real bot against the e2e fake Discord.

The fake (REST + gateway on 127.0.0.1) runs in this process, the bot in a child process,
as the e2e suite runs them (``tests/e2e/fake_discord``), started as
``python -m benchmarks.bot_entry``: ``python -m bot`` plus one slash command whose
autocomplete answers a constant list, the autocomplete benchmark's baseline. The bot runs
with ``LOG_LEVEL=INFO`` (the default, not the suite's DEBUG) and ``COMMAND_COOLDOWN=0``
(one synthetic member sends every command, as in the suite); on PostgreSQL with
``DATABASE_URL`` naming the run's copy of the 1M database (`benchmarks.backends`), on
SQLite with a copy of the cached file.

Order: start-ups alternate between an empty database (baseline) and the 1M-reaction
database; the last 1M process then serves the latency runs and the bursts, and its memory
is read idle and after the bursts.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from benchmarks.backends import Backends
from benchmarks.results import CACHE, POSTGRESQL, SQLITE, Row
from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild

LARGE = 1_000_000
CREATE_MESSAGE = "POST /channels/{id}/messages"
BOT_ENV = {"LOG_LEVEL": "INFO", "COMMAND_COOLDOWN": "0"}
START_TIMEOUT = 120.0
STARTS_EACH = 3
BOT_ARGV = ("-m", "benchmarks.bot_entry")


def profile_path(backend: str) -> Path:
    """Return where the profile of the 1M bot process on ``backend`` is saved."""
    return CACHE / f"profile-bot-{backend}.txt"


@dataclass
class Memory:
    """Resident memory of a bot process, in bytes."""

    rss: int
    peak: int | None


@dataclass
class Startups:
    """Seconds from process start to the first answered ``!ping``, per database."""

    empty: list[float] = field(default_factory=list)
    large: list[float] = field(default_factory=list)
    empty_memory: Memory | None = None


def memory_of(pid: int) -> Memory:
    """Return the process's current RSS and its peak (``VmHWM``, Linux only)."""
    rss = psutil.Process(pid).memory_info().rss
    peak = None
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
    return Memory(rss, peak)


def _server_pid(backends: Backends) -> int:
    """Return the PostgreSQL server's process id (the first line of its postmaster.pid)."""
    pid_file = backends.server.server.data / "postmaster.pid"
    return int(pid_file.read_text().split()[0])


def pid_of(bot: BotProcess) -> int:
    """Return the bot's process id."""
    if bot.process is None:
        raise RuntimeError("the bot is not running")
    return bot.process.pid


async def ask(
    fake: FakeDiscord, channel: Channel, guild: Guild, content: str, wait: float = 30.0
) -> tuple[float, dict[str, object]]:
    """Send a message command; return (dispatch → reply POST seconds, the reply payload)."""
    driver = fake.driver
    loop = asyncio.get_running_loop()
    sent = loop.time()
    await driver.send_message(channel, guild.member, content)
    pattern = f"POST /channels/{channel.id}/messages"
    reply = await driver.wait_for(pattern, timeout=wait)
    return reply.at - sent, reply.json or {}


async def start_timed(bot: BotProcess, fake: FakeDiscord, guild: Guild, channel: Channel) -> float:
    """Start the bot; return seconds from spawning it to its answer to the first ``!ping``.

    The 1M and the empty bot keep their IDENTIFY windows in databases of their own, so
    neither knows of the other's session start: wait out Discord's window first, as an
    operator starting a second deployment would, or the figure is the fake's refusal.
    """
    await fake.gateway.session_start_limit.window_passed()
    started = time.perf_counter()
    await bot.start(timeout=START_TIMEOUT)
    await ask(fake, channel, guild, "!ping", wait=START_TIMEOUT)
    return time.perf_counter() - started


@dataclass
class Context:
    """What the latency and memory parts need from the shared run."""

    backend: str
    fake: FakeDiscord
    guild: Guild
    bot: BotProcess
    slugs: list[tuple[str, str]]
    """``(title, slug)`` of generated movies, for the burst."""
    startups: Startups
    idle: Memory | None = None
    burst_done: bool = False
    database_pid: int | None = None
    """The PostgreSQL server's main process (its connections are its children), if any."""

    @property
    def bot_pid(self) -> int:
        """Return the bot's process id."""
        return pid_of(self.bot)


async def _run_backend(
    backends: Backends, backend: str, want_latency: bool, want_memory: bool, profile: bool
) -> list[Row]:
    from benchmarks import latency, memory

    database = await backends.database(backend, LARGE)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="reel-bench-bot-") as folder:
        empty_dir = Path(folder) / "empty"
        large_dir = Path(folder) / "large"
        empty_dir.mkdir()
        large_dir.mkdir()
        empty_env = dict(BOT_ENV)
        if backend == SQLITE:
            began = time.perf_counter()
            shutil.copyfile(database.data.path, large_dir / "reel.db")
            print(
                f"  copied the 1M database ({database.data.path.stat().st_size / 1e6:.0f} MB) "
                f"in {time.perf_counter() - began:.1f} s"
            )
        else:
            empty_env["DATABASE_URL"] = await backends.server.empty("run_empty")
        async with FakeDiscord() as fake:
            guild = await fake.driver.create_guild("Benchmark Guild")
            argv = [sys.executable, *BOT_ARGV]
            empty = BotProcess(fake, guild, empty_dir, argv=argv, extra_env=empty_env)
            if profile:
                argv = [
                    sys.executable, "-m", "pyinstrument", "-i", "0.0002",
                    "-o", str(profile_path(backend)), *BOT_ARGV,
                ]  # fmt: skip
            large = BotProcess(
                fake,
                guild,
                large_dir,
                argv=argv,
                extra_env=BOT_ENV | database.bot_environment(),
            )
            startups = Startups()
            # A first start warms bytecode caches and stores the bundled article (and on
            # PostgreSQL migrates the empty database); then both start from warm caches.
            await start_timed(empty, fake, guild, guild.channel)
            await empty.stop()
            starts = STARTS_EACH if want_memory else 0
            for _ in range(starts):
                startups.large.append(await start_timed(large, fake, guild, guild.channel))
                await large.stop()
                startups.empty.append(await start_timed(empty, fake, guild, guild.channel))
                await asyncio.sleep(1.0)
                startups.empty_memory = memory_of(pid_of(empty))
                await empty.stop()
            try:
                await start_timed(large, fake, guild, guild.channel)
                await asyncio.sleep(1.0)
                context = Context(
                    backend,
                    fake,
                    guild,
                    large,
                    [(title, slug) for _, title, slug in database.data.movies[1:]],
                    startups,
                    memory_of(pid_of(large)),
                    database_pid=_server_pid(backends) if backend == POSTGRESQL else None,
                )
                if want_latency:
                    rows += await latency.measure(context)
                if want_memory:
                    rows += await memory.measure(context)
            finally:
                await large.stop(timeout=60.0)
                await empty.stop()
            if profile and profile_path(backend).exists():
                print(
                    f"  profile of the 1M bot process (last start) saved to {profile_path(backend)}"
                )
            leftovers = fake.drain_violations()
            if leftovers:
                print(f"  the fake recorded {len(leftovers)} Discord rule violation(s):")
                for violation in leftovers[:10]:
                    print(f"    {violation}")
    return rows


def run(
    backends: Backends,
    chosen: Sequence[str],
    *,
    latency: bool = True,
    memory: bool = True,
    profile: bool = False,
) -> list[Row]:
    """Run the process benchmarks (4: latency, 5: memory and start-up) on each backend.

    With ``profile`` the 1M bot runs under ``python -m pyinstrument`` (slower: its figures
    are not the ones to publish) and the profile is saved to `profile_path`.
    """
    from benchmarks import latency as latency_rows
    from benchmarks import memory as memory_rows

    rows: list[Row] = []
    for backend in chosen:
        why = backends.unavailable(backend)
        if why is not None:
            if latency:
                rows += latency_rows.skipped_rows(backend, why)
            if memory:
                rows += memory_rows.skipped_rows(backend, why)
            continue
        print(f"  -- {backend} --")
        rows += asyncio.run(_run_backend(backends, backend, latency, memory, profile))
    return rows
