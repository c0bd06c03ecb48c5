"""The store backends one run measures, and the generated collections on each of them.

SQLite reads the cached database files of `dataset` (the bot gets a copy of its own);
PostgreSQL is the run's throwaway server (`benchmarks.postgres`) holding copies of the same
collections. One `Backends` lives for the whole run: each collection is built or loaded
once, on first use, and the server is stopped by `close`. Without the PostgreSQL binaries
its rows say "skipped: no PostgreSQL".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from benchmarks import postgres
from benchmarks.dataset import Collection, collection
from benchmarks.results import POSTGRESQL, SQLITE
from bot.store import Store, open_sqlite_store
from bot.store.postgres import open_postgres_store

NO_POSTGRES = "no PostgreSQL"


@dataclass(frozen=True, slots=True)
class Database:
    """One generated collection on one backend."""

    backend: str
    data: Collection
    url: str | None
    """The PostgreSQL database's URL; None for SQLite (the file at ``data.path``)."""

    async def open_store(self) -> Store:
        """Open the real store on this database, as the bot does."""
        if self.url is not None:
            return await open_postgres_store(self.url)
        return await open_sqlite_store(self.data.path)

    def bot_environment(self) -> dict[str, str]:
        """Return what the bot's environment adds to run on this database (SQLite: nothing;
        the bot is given a copy of the file as DATABASE_PATH)."""
        return {} if self.url is None else {"DATABASE_URL": self.url}


@dataclass
class Backends:
    """The run's collections on each backend, and the PostgreSQL server, started on first use."""

    rebuild: bool = False
    _collections: dict[int, Collection] = field(default_factory=dict)
    _databases: dict[tuple[str, int], Database] = field(default_factory=dict)
    _server: postgres.Server | None = None
    _missing: str | None = None

    def collection(self, size: int) -> Collection:
        """Return the cached SQLite collection of ``size`` reactions (built on first use)."""
        if size not in self._collections:
            self._collections[size] = collection(size, rebuild=self.rebuild)
        return self._collections[size]

    def unavailable(self, backend: str) -> str | None:
        """Return why ``backend`` cannot be measured here, or None when it can."""
        if backend != POSTGRESQL:
            return None
        if self._server is None and self._missing is None:
            try:
                self._server = postgres.start(rebuild=self.rebuild)
            except postgres.PostgresMissing as missing:
                print(f"  PostgreSQL rows skipped: {missing}")
                self._missing = NO_POSTGRES
        return self._missing

    @property
    def server(self) -> postgres.Server:
        """Return the running PostgreSQL server (`unavailable` starts it)."""
        if self.unavailable(POSTGRESQL) is not None or self._server is None:
            raise RuntimeError("PostgreSQL is not available in this run")
        return self._server

    async def database(self, backend: str, size: int) -> Database:
        """Return the run's database of ``size`` generated reactions on ``backend``.

        On PostgreSQL it is the run's own copy of the cached template: the benchmarks and
        the bot may write to it.
        """
        key = (backend, size)
        if key not in self._databases:
            # Built (on first use) off the loop: building runs an event loop of its own.
            data = await asyncio.to_thread(self.collection, size)
            url = None
            if backend == SQLITE:
                # Migrated in place once, so that no benchmark (nor the bot's start-up)
                # pays for migrations written since the file was built.
                await (await open_sqlite_store(data.path)).close()
            if backend == POSTGRESQL:
                template = await self.server.loaded(size, data, rebuild=self.rebuild)
                url = await self.server.copy_of(template, f"run_{size}")
            self._databases[key] = Database(backend, data, url)
        return self._databases[key]

    def close(self) -> None:
        """Stop the PostgreSQL server, if this run started it."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
