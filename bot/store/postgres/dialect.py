"""What PostgreSQL's SQL says its own way: plain-word text search, int8 arrays, real types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.domain.schedule_time import to_utc_text


class PostgresDialect:
    """The PostgreSQL side of the store's `Dialect`."""

    def search_terms(self, text: str) -> str:
        """Return the member's words that hold a letter or digit, as plain text.

        The statements hand it to ``plainto_tsquery('simple', ...)``, which reads no
        operators: every word is matched as a word. A query of punctuation alone is "".
        """
        return " ".join(word for word in text.split() if any(ch.isalnum() for ch in word))

    def id_list(self, ids: Sequence[int]) -> list[int]:
        """Return ids as a list, sent as one int8 array (``unnest ... WITH ORDINALITY``)."""
        return list(ids)

    def text_list(self, texts: Sequence[str]) -> list[str]:
        """Return texts as a list, sent as one text array."""
        return list(texts)

    def flag(self, value: bool | None) -> bool | None:
        """Return the boolean as it is: PostgreSQL has the type."""
        return value

    def moment(self, value: datetime) -> datetime:
        """Return the aware time as it is, stored as timestamptz."""
        return value

    def read_moment(self, value: Any) -> datetime:
        """Return a stored timestamptz as an aware UTC datetime."""
        if not isinstance(value, datetime):
            raise TypeError(f"expected a timestamptz, got {type(value).__name__}")
        return value.astimezone(UTC)

    def moment_text(self, value: Any) -> str:
        """Return a stored timestamptz as the records' fixed-width UTC text."""
        return to_utc_text(self.read_moment(value))
