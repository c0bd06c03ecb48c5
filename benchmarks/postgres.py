"""The benchmarks' own throwaway PostgreSQL server, holding the same generated collections.

The server is the test suite's (`tests.pg_server.PostgresServer`: the installed binaries,
127.0.0.1, run as ``nobody`` when root, fsync off), with its cluster kept in
``benchmarks/.cache/postgres/`` so the collections are loaded once. Each collection is
copied from its cached SQLite database with the product's own ``copy-db``
(`copy_sqlite_to_postgres`) into a template database; every run works on fresh copies of
the templates (``CREATE DATABASE ... TEMPLATE``), which the bot may write to and migrate
forward, and drops them at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from benchmarks.dataset import VERSION, Collection
from benchmarks.results import CACHE
from bot.store.postgres import open_postgres_store
from bot.store.postgres.copy import copy_sqlite_to_postgres
from bot.store.postgres.migrate import schema_version
from tests.pg_server import (
    UNPRIVILEGED_USER,
    PostgresMissing,
    PostgresServer,
    find_bindir,
    free_port,
)

FOLDER = CACHE / "postgres"
__all__ = ["PostgresMissing", "Server", "start"]


def _template(size: int) -> str:
    return f"reel_{size}_v{VERSION}"


@dataclass
class Server:
    """The running server and the databases this run made on it."""

    server: PostgresServer
    made: list[str] = field(default_factory=list)

    def url(self, database: str) -> str:
        """Return the URL of ``database`` on the server."""
        return self.server.url(database)

    async def _admin(self, *statements: str) -> None:
        connection = await asyncpg.connect(self.url("postgres"))
        try:
            for sql in statements:
                await connection.execute(sql)
        finally:
            await connection.close()

    async def _exists(self, name: str) -> bool:
        connection = await asyncpg.connect(self.url("postgres"))
        try:
            found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        finally:
            await connection.close()
        return found is not None

    async def loaded(self, size: int, data: Collection, *, rebuild: bool = False) -> str:
        """Return the name of the template holding ``data`` (the collection of ``size``),
        copying it in with copy-db first if the cache does not hold it (or ``rebuild``)."""
        name = _template(size)
        if rebuild or data.built_now:
            await self._admin(f"DROP DATABASE IF EXISTS {name}")
        if await self._exists(name):
            await self._migrated(name)
            return name
        loading = f"{name}_loading"
        await self._admin(f"DROP DATABASE IF EXISTS {loading}", f"CREATE DATABASE {loading}")
        print(f"  loading {data.path.name} into PostgreSQL with copy-db…")
        began = time.perf_counter()
        await copy_sqlite_to_postgres(data.path, self.url(loading), lambda _count: None)
        connection = await asyncpg.connect(self.url(loading))
        try:
            await connection.execute("VACUUM ANALYZE")
        finally:
            await connection.close()
        await self._admin(f"ALTER DATABASE {loading} RENAME TO {name}")
        print(f"  loaded {name} in {time.perf_counter() - began:.0f} s")
        return name

    async def _migrated(self, name: str) -> None:
        """Apply the migrations written since the template was loaded, once, to the template
        itself (then VACUUM ANALYZE it), so that no run pays for them, plans without
        statistics or reads the dead rows a migration's UPDATE left (autovacuum would
        clear them on a live server, but not before a run samples the copy)."""
        connection = await asyncpg.connect(self.url(name))
        try:
            before = await schema_version(connection)
        finally:
            await connection.close()
        await (await open_postgres_store(self.url(name))).close()
        connection = await asyncpg.connect(self.url(name))
        try:
            after = await schema_version(connection)
            if after != before:
                began = time.perf_counter()
                await connection.execute("VACUUM ANALYZE")
                print(
                    f"  migrated {name} from schema {before} to {after} "
                    f"(and vacuumed it) in {time.perf_counter() - began:.0f} s"
                )
        finally:
            await connection.close()

    async def copy_of(self, template: str, name: str) -> str:
        """Make ``name`` a fresh copy of ``template`` for this run; return its URL."""
        began = time.perf_counter()
        await self._admin(
            f"DROP DATABASE IF EXISTS {name}",
            f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY",
        )
        self.made.append(name)
        print(f"  copied {template} to {name} in {time.perf_counter() - began:.1f} s")
        return self.url(name)

    async def empty(self, name: str) -> str:
        """Make ``name`` a fresh empty database for this run (the store migrates it)."""
        await self._admin(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        self.made.append(name)
        return self.url(name)

    async def drop(self, name: str) -> None:
        """Drop a database this run made (no one may be connected to it)."""
        await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.made:
            self.made.remove(name)

    def stop(self) -> None:
        """Drop the run's databases and stop the server; the templates stay cached."""
        try:
            for name in list(self.made):
                asyncio.run(self.drop(name))
        finally:
            self.server.stop()


def start(*, rebuild: bool = False) -> Server:
    """Start the cached cluster (creating it the first time); PostgresMissing without binaries.

    ``rebuild`` throws the cached cluster away first.
    """
    bindir = find_bindir()
    if rebuild:
        shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True, exist_ok=True)
    run_as = UNPRIVILEGED_USER if os.geteuid() == 0 else None
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        os.chown(FOLDER, user.pw_uid, user.pw_gid)
    server = PostgresServer(bindir=bindir, folder=Path(FOLDER), port=free_port(), run_as=run_as)
    if (server.data / "postmaster.pid").exists():
        # A run that was killed left its server running (or its pid file): stop it first.
        with contextlib.suppress(RuntimeError):
            server.stop(mode="immediate")
    began = time.perf_counter()
    server.start()
    print(
        f"  PostgreSQL ({bindir}) started on 127.0.0.1:{server.port} "
        f"in {time.perf_counter() - began:.1f} s"
    )
    return Server(server)
