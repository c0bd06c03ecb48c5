"""The operator's view of the database: a consistent backup, and a check of its health."""

from __future__ import annotations

from pathlib import Path

from bot.domain.errors import StoreError
from bot.domain.records import DatabaseReport, StoreCounts
from bot.store.repos.base import StoreBase


class OperatorRepo(StoreBase):
    """Backup and check, for the CLI; both leave the data as it is."""

    async def _counts(self) -> StoreCounts | None:
        try:
            async with self._db.transaction(write=False) as s:
                row = await s.one("counts")
        except StoreError:
            return None
        if row is None:  # pragma: no cover - a SELECT without FROM always returns a row
            return None
        return StoreCounts(movies=row[0], articles=row[1], reactions=row[2])

    async def backup(self, target: Path) -> DatabaseReport:
        """Copy the database to the new file ``target`` while the bot may be writing.

        The copy is one consistent snapshot (whole transactions only). The report gives
        the schema version (the copy's too) and the counts as they are now.
        """
        await self._db.backup(target)
        return DatabaseReport(
            schema_version=await self._db.schema_version(), counts=await self._counts()
        )

    async def check(self) -> DatabaseReport:
        """Return the database's schema version, counts and integrity problems (if any)."""
        problems = tuple(await self._db.integrity_problems())
        counts = None if problems else await self._counts()
        return DatabaseReport(
            schema_version=await self._db.schema_version(), counts=counts, problems=problems
        )
