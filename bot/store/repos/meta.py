"""The bot's stored facts (such as its commands hash) and row counts."""

from __future__ import annotations

from bot.domain.errors import StoreError
from bot.domain.records import StoreCounts
from bot.store.repos.base import StoreBase


class MetaRepo(StoreBase):
    """The bot-facts part of the store."""

    async def get_meta(self, key: str) -> str | None:
        """Return the bot's stored fact ``key``, or None."""
        async with self._db.transaction(write=False) as s:
            row = await s.one("select_meta", {"key": key})
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        """Store the bot's fact ``key``."""
        async with self._db.transaction(write=True) as s:
            await s.run("upsert_meta", {"key": key, "value": value})

    async def counts(self) -> StoreCounts:
        """Return row counts of movies, articles and reactions."""
        async with self._db.transaction(write=False) as s:
            row = await s.one("counts")
        if row is None:  # pragma: no cover - a SELECT without FROM always returns a row
            raise StoreError("counting rows returned nothing")
        return StoreCounts(movies=row[0], articles=row[1], reactions=row[2])
