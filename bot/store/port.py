"""The small database port the store is written over: transactions and named statements.

A backend supplies a `Database` (its connection handling), a `Dialect` (what its SQL
cannot say the same way) and its statements, loaded by name from its own .sql files.
Everything else in the store is written once over these three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.store.changes import ChangeLog

Params = Mapping[str, Any]
"""A statement's parameters by name (``:guild`` is ``{"guild": ...}``)."""


class Row(Protocol):
    """One result row, read by column name or position (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: str | int, /) -> Any:
        """Return the value of a column."""

    def keys(self) -> Iterable[str]:
        """Return the column names, in order."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One named SQL statement of a backend, as its driver takes it."""

    name: str
    sql: str
    parameters: tuple[str, ...] = ()
    """Parameter names in the order of their first use (drivers with ``$1`` need it)."""


class Session(Protocol):
    """The statements of one open transaction, each run by name."""

    async def run(self, name: str, params: Params | None = None) -> None:
        """Run a statement for its effect."""

    async def one(self, name: str, params: Params | None = None) -> Row | None:
        """Return the statement's first row, or None (for LIMIT 1, keys, RETURNING)."""

    async def all(self, name: str, params: Params | None = None) -> list[Row]:
        """Return every row of the statement."""

    async def scalar(self, name: str, params: Params | None = None) -> int:
        """Return the first column of the first row as an int (counts); StoreError if none."""

    async def many(self, name: str, rows: Sequence[Params]) -> None:
        """Run the statement once per parameter set."""


class Dialect(Protocol):
    """What differs between backends' SQL beyond the statements themselves."""

    def search_terms(self, text: str) -> str:
        """Return member text as a full-text query of plain words; "" when it has none."""

    def id_list(self, ids: Sequence[int]) -> Any:
        """Return ids as one parameter a statement can read as a list (JSON text, array)."""

    def text_list(self, texts: Sequence[str]) -> Any:
        """Return texts as one parameter a statement can read as a list (JSON text, array)."""

    def flag(self, value: bool | None) -> Any:
        """Return a boolean parameter as the backend stores it (None stays None)."""

    def moment(self, value: datetime) -> Any:
        """Return an aware time as the backend stores it."""

    def read_moment(self, value: Any) -> datetime:
        """Return a stored time as an aware UTC datetime."""

    def moment_text(self, value: Any) -> str:
        """Return a stored time as the fixed-width UTC text records carry."""


class Database(Protocol):
    """One backend's connection handling behind the store."""

    @property
    def dialect(self) -> Dialect:
        """Return the backend's dialect."""

    def transaction(self, *, write: bool) -> AbstractAsyncContextManager[Session]:
        """Open a transaction (a writing one takes the write lock at once); roll back on error.

        What a committed transaction's statements wrote is recorded in `changes`, and
        other processes sharing the database learn of it (see bot/store/changes.py).
        """

    @property
    def changes(self) -> ChangeLog:
        """Return this process's record of which cached views of the database are stale."""

    async def caught_up(self) -> bool:
        """Record in `changes` what other processes committed since last asked.

        False when it cannot tell (a PostgreSQL listener lost): nothing may then be
        served from a cache.
        """

    async def read(self, name: str, params: Params | None = None) -> list[Row]:
        """Run one short reading statement on its own and return its rows.

        A single statement reads one consistent snapshot without BEGIN and COMMIT, so a
        read that one statement answers costs one round trip instead of three (SQLite:
        none, it runs on the event loop). Only for statements that are index look-ups
        bounded by what they return, such as a page; never a scan or a search.
        """

    async def schema_version(self) -> int:
        """Return the schema version the database is at."""

    async def close(self) -> None:
        """Close the connection (or pool); closing twice is harmless."""

    async def backup(self, target: Path) -> None:
        """Copy the whole database to the new file ``target``, consistently, while others write."""

    async def integrity_problems(self) -> list[str]:
        """Return what the backend's own integrity check finds wrong; empty when sound."""
