"""A throwaway PostgreSQL server for the tests, started from the installed binaries.

`shared_server()` starts one per test run on a free port of 127.0.0.1 in a temporary
folder (as ``nobody`` when the tests run as root: PostgreSQL refuses root), migrates a
template database once, and gives each test a fresh copy of it. `stop_shared_server()`
stops it and removes the folder. Without the binaries, `PostgresMissing` says why.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bot.store import Store
from bot.store.postgres import open_postgres_store

BINARIES = ("initdb", "pg_ctl", "postgres")
TEMPLATE = "reel_template"
UNPRIVILEGED_USER = "nobody"
START_TIMEOUT = 60
BINDIR_VARIABLE = "REEL_POSTGRES_BINDIR"
_EMPTYING = """
SELECT 'SET LOCAL session_replication_role = replica; '
    || (SELECT string_agg(format('DELETE FROM %I; ', tablename), '')
        FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version')
    || (SELECT coalesce(string_agg(format('ALTER SEQUENCE %s RESTART; ', s.oid::regclass), ''), '')
        FROM pg_class AS s WHERE s.relkind = 'S'
          AND s.relnamespace = 'public'::regnamespace)
"""
"""SQL that empties every table and restarts every id sequence (built once, from the catalog).

DELETE, not TRUNCATE: on tables of a few rows it is several times faster (TRUNCATE makes new
files). ``replica`` skips the foreign-key and counting triggers, so any order will do.
"""


class PostgresMissing(Exception):
    """The PostgreSQL server binaries are not installed here."""


def find_bindir() -> Path:
    """Return the folder holding initdb, pg_ctl and postgres; PostgresMissing if none.

    ``REEL_POSTGRES_BINDIR`` names the folder to use (one version among several), and is
    then the only place looked at.
    """
    chosen = os.environ.get(BINDIR_VARIABLE, "").strip()
    candidates: list[Path] = [Path(chosen)] if chosen else []
    pg_config = None if chosen else shutil.which("pg_config")
    if pg_config is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))
    if not chosen:
        candidates += [Path(path) for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"))[::-1]]
        initdb = shutil.which("initdb")
        if initdb is not None:
            candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in BINARIES):
            return folder
    raise PostgresMissing(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; "
        "install them (apt-get install postgresql) to run the PostgreSQL half of the suite"
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """One running throwaway server: its folder, port, and the databases made on it."""

    bindir: Path
    folder: Path
    port: int
    run_as: str | None
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _template_ready: bool = False
    _shared_url: str | None = None
    _emptying: str | None = None

    @property
    def data(self) -> Path:
        """Return the cluster's data folder."""
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        """Return the URL of ``database`` on this server (trust login as ``postgres``)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        """Run a server binary as the unprivileged user; raise with its output on failure."""
        command = [str(self.bindir / args[0]), *args[1:]]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.run_as,
            cwd=self.folder,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )

    def start(self) -> None:
        """Create the cluster (first time) and start the server; return when it accepts."""
        if not self.data.exists():
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
        # fsync and friends off: a test server's data need not survive a power cut.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
            "-w", "-t", str(START_TIMEOUT), "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: end sessions, roll back what is open)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop and start the server again, as an operator's restart does."""
        self.stop()
        self.start()

    async def create_database(self, *, migrated: bool = True) -> str:
        """Create a fresh database (a copy of the migrated template) and return its URL."""
        if migrated and not self._template_ready:
            await self._admin(f"CREATE DATABASE {TEMPLATE}")
            store = await open_postgres_store(self.url(TEMPLATE))
            await store.close()
            self._template_ready = True
        name = f"test_{os.getpid()}_{next(self._names)}"
        if migrated:
            # FILE_COPY (PostgreSQL 15+) copies the small template's files instead of
            # writing every page to the WAL: a few times faster here.
            strategy = " STRATEGY FILE_COPY" if await self._version() >= 150000 else ""
            await self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}{strategy}")
        else:
            await self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    async def emptied_database(self) -> str:
        """Return the URL of the run's shared test database, emptied and its ids reset.

        Emptying takes a small part of the time of creating a database, and leaves the same
        state: migrated, no rows, ids starting at 1.
        """
        if self._shared_url is None:
            self._shared_url = await self.create_database()
            return self._shared_url
        connection = await asyncpg.connect(self._shared_url)
        try:
            # A store a test left open would hold locks; fail loudly rather than hang.
            await connection.execute("SET lock_timeout = '10s'")
            if self._emptying is None:
                self._emptying = str(await connection.fetchval(_EMPTYING))
            async with connection.transaction():
                await connection.execute(self._emptying)
        finally:
            await connection.close()
        return self._shared_url

    async def open_store(self) -> Store:
        """Open a store on an empty, migrated database."""
        return await open_postgres_store(await self.emptied_database())

    async def _version(self) -> int:
        connection = await asyncpg.connect(self.url())
        try:
            return int(await connection.fetchval("SHOW server_version_num"))
        finally:
            await connection.close()

    async def _admin(self, sql: str, *args: Any) -> None:
        connection = await asyncpg.connect(self.url())
        try:
            await connection.execute(sql, *args)
        finally:
            await connection.close()


def _start() -> PostgresServer:
    bindir = find_bindir()
    run_as = UNPRIVILEGED_USER if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="reel-pg-"))
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        os.chown(folder, user.pw_uid, user.pw_gid)
    server = PostgresServer(bindir=bindir, folder=folder, port=free_port(), run_as=run_as)
    try:
        _start_on_a_free_port(server)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # pytest_sessionfinish stops it; this covers a run that ends without one.
    atexit.register(stop_shared_server)
    return server


def _start_on_a_free_port(server: PostgresServer, attempts: int = 5) -> None:
    """Start the server, on another free port each time the one chosen was taken.

    `free_port` only says a port was free a moment ago: another process (another test
    worker's server, or any connection's ephemeral port) may bind it first.
    """
    log = server.folder / "log"
    for attempt in range(1, attempts + 1):
        logged = log.stat().st_size if log.exists() else 0
        try:
            server.start()
            return
        except RuntimeError:
            if attempt == attempts or not log.exists():
                raise
            with log.open("rb") as written:
                written.seek(logged)
                if b"Address already in use" not in written.read():
                    raise
            server.port = free_port()


_shared: PostgresServer | None = None
_missing: PostgresMissing | None = None


def shared_server() -> PostgresServer:
    """Return the test run's server, starting it on first use; PostgresMissing if no binaries."""
    global _shared, _missing
    if _missing is not None:
        raise _missing
    if _shared is None:
        try:
            _shared = _start()
        except PostgresMissing as missing:
            _missing = missing
            raise
    return _shared


def stop_shared_server() -> None:
    """Stop the test run's server, if one was started, and remove its folder."""
    global _shared
    if _shared is None:
        return
    server, _shared = _shared, None
    try:
        server.stop(mode="immediate")
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
