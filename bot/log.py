"""Logging set-up: one format, the level from LOG_LEVEL, secrets redacted."""

from __future__ import annotations

import logging
import re
import sys

# Interaction and webhook tokens travel in REST paths that discord.py logs at DEBUG.
_WEBHOOK_TOKEN = re.compile(r"(/(?:interactions/\d+|webhooks/\d+)/)[A-Za-z0-9._-]{20,}")


class RedactingFilter(logging.Filter):
    """Replace secrets in every record, its arguments and its traceback with ``[redacted]``."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def redact(self, text: str) -> str:
        """Return ``text`` with every known secret and token-bearing path masked."""
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _WEBHOOK_TOKEN.sub(r"\1[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the record's message now, redacted, so no handler sees the raw text."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    """Configure the root logger once: stderr, one line per record, secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(RedactingFilter(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.http logs every request body at DEBUG; keep it to warnings, as RoboDanny does.
    logging.getLogger("discord.http").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))
