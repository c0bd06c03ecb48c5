"""What SQLite's SQL says its own way: FTS5 queries, JSON id lists, 0/1 flags, UTC text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.schedule_time import from_utc_text, to_utc_text


class SQLiteDialect:
    """The SQLite side of the store's `Dialect`."""

    def search_terms(self, text: str) -> str:
        """Quote every word so member text is matched as text, never read as FTS5 syntax.

        Words without a letter or digit (``"``, ``*``, ``(``, ``-``, ``^``, ``:``) hold no
        token for the index and are dropped; a query of nothing else matches nothing.
        """
        words = [word for word in text.split() if any(ch.isalnum() for ch in word)]
        return " ".join('"' + word.replace('"', '""') + '"' for word in words)

    def id_list(self, ids: Sequence[int]) -> str:
        """Return ids as JSON text, read in SQL by ``json_each`` (``key`` keeps their order)."""
        return json.dumps(list(ids))

    def text_list(self, texts: Sequence[str]) -> str:
        """Return texts as JSON text, read in SQL by ``json_each``."""
        return json.dumps(list(texts))

    def flag(self, value: bool | None) -> int | None:
        """Return 1/0 (SQLite has no boolean type); None stays None."""
        return None if value is None else int(value)

    def moment(self, value: datetime) -> str:
        """Return the fixed-width UTC text the schema stores: text order is time order."""
        return to_utc_text(value)

    def read_moment(self, value: Any) -> datetime:
        """Return the stored UTC text as an aware datetime."""
        return from_utc_text(str(value))

    def moment_text(self, value: Any) -> str:
        """Return the stored time text as it is (it is already the records' format)."""
        return str(value)
